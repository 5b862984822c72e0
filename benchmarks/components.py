"""Where the default pipeline spends its time: milliseconds per corpus pass for the tokenizer and
each component, beside spaCy's blank ``zh`` tokenizer over the same text, in one process.

    python benchmarks/components.py [--corpus ../shared/corpus] [--passes 3]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

import spacy

import medie

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--passes", type=int, default=3)
    args = ap.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted(args.corpus.glob("*.txt"))]
    nlp, blank = medie.load(), spacy.blank("zh")
    for text in texts:  # warm caches (normalisation tables, regex caches)
        nlp(text)
        blank(text)
    spent: Counter = Counter()
    for _ in range(args.passes):
        for text in texts:
            t0 = time.perf_counter()
            doc = nlp.make_doc(text)
            spent["(medie tokenizer)"] += time.perf_counter() - t0
            for name, proc in nlp.pipeline:
                t0 = time.perf_counter()
                doc = proc(doc)
                spent[name] += time.perf_counter() - t0
            t0 = time.perf_counter()
            blank(text)
            spent["(spaCy blank zh, whole)"] += time.perf_counter() - t0
    chars = sum(map(len, texts))
    print(f"{len(texts)} documents, {chars:,} characters per pass, {args.passes} passes; ms per pass")
    medie_total = sum(v for k, v in spent.items() if k != "(spaCy blank zh, whole)")
    for name, seconds in spent.most_common():
        print(f"{name:28} {1000 * seconds / args.passes:8.1f}")
    print(f"{'(medie, whole)':28} {1000 * medie_total / args.passes:8.1f}")


if __name__ == "__main__":
    main()
