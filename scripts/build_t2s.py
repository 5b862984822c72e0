"""Build ``medie/text/data/t2s.tsv``: OpenCC's Traditional → Simplified conversion, one character each.

Run once when the OpenCC data should be refreshed (``pip install opencc``); medie itself never
imports OpenCC. Every CJK code point is converted on its own with OpenCC's ``t2s`` configuration;
a character whose conversion is a different single character becomes one line
``traditional<TAB>simplified``. One character for one keeps the normalised text as long as the
raw text, so the offset map is unchanged by the conversion.

    python scripts/build_t2s.py [--out medie/text/data/t2s.tsv]
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2A6DF), (0x2A700, 0x2EBEF), (0x2F800, 0x2FA1F))
OUT = Path(__file__).resolve().parent.parent / "medie" / "text" / "data" / "t2s.tsv"


def build() -> list[tuple[str, str]]:
    import opencc

    converter = opencc.OpenCC("t2s")
    pairs = []
    for lo, hi in RANGES:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            out = converter.convert(ch)
            if out != ch and len(out) == 1:
                pairs.append((ch, out))
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    import opencc

    pairs = build()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=args.out.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(f"# OpenCC {getattr(opencc, '__version__', '?')} t2s, one character for one (scripts/build_t2s.py)\n")
        for trad, simp in pairs:
            fh.write(f"{trad}\t{simp}\n")
    os.replace(tmp, args.out)
    print(f"{len(pairs)} characters written to {args.out}")


if __name__ == "__main__":
    main()
