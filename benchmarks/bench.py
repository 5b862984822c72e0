"""Speed and memory of the medie pipeline next to spaCy references, measured in one run.

Each pipeline runs in its own child process pinned to one core: load time, throughput
(characters per second over the benchmark text, repeated until at least ``--seconds``),
and peak resident memory of the child.

    python benchmarks/bench.py [--corpus ../shared/corpus] [--seconds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PIPELINES = {
    "medie (default, fast)": "medie",
    "medie (accurate)": "medie-accurate",
    "medie (rules only)": "medie-rules",
    "medie (pkuseg)": "medie-pkuseg",
    "spaCy blank zh": "blank",
    "spaCy blank zh + untrained ner": "blank-ner",
}


def texts(corpus: Path) -> list[str]:
    files = sorted(corpus.glob("*.txt")) if corpus.is_dir() else []
    if not files:
        files = sorted((REPO / "examples").glob("*.txt"))
    return [f.read_text(encoding="utf-8") for f in files]


def build(kind: str):
    import spacy

    if kind.startswith("medie"):
        import medie

        if kind == "medie-pkuseg":
            return medie.load(segmenter="pkuseg")
        if kind == "medie-accurate":
            return medie.load("accurate")
        return medie.load(trained=kind != "medie-rules")
    nlp = spacy.blank("zh")
    if kind == "blank-ner":
        ner = nlp.add_pipe("ner")
        for label in ("DRUG", "TARGET", "PHASE", "RESULT"):
            ner.add_label(label)
        nlp.initialize()
    return nlp


def child(kind: str, corpus: Path, seconds: float) -> dict:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    docs = texts(corpus)
    t0 = time.perf_counter()
    nlp = build(kind)
    nlp(docs[0][:200])  # first call: lazy set-up such as model conversion is part of loading
    load_s = time.perf_counter() - t0
    per_pass, passes, start = sum(len(d) for d in docs), 0, time.perf_counter()
    while True:
        for _ in nlp.pipe(docs):
            pass
        passes += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            break
    chars = per_pass * passes
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"load_s": load_s, "chars_per_s": chars / elapsed, "peak_mb": peak_mb}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.corpus, args.seconds)))
        return
    corpus_chars = sum(len(t) for t in texts(args.corpus))
    print(f"text: {corpus_chars:,} characters per pass ({args.corpus if args.corpus.is_dir() else 'examples/'}), one core each")
    print(f"{'pipeline':34} {'load s':>7} {'chars/s':>11} {'peak MB':>8}")
    for name, kind in PIPELINES.items():
        cmd = [sys.executable, __file__, "--child", kind, "--corpus", str(args.corpus), "--seconds", str(args.seconds)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"{name:34} failed: {proc.stderr.strip().splitlines()[-1]}")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"{name:34} {r['load_s']:7.2f} {r['chars_per_s']:11,.0f} {r['peak_mb']:8.0f}")


if __name__ == "__main__":
    main()
