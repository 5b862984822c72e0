"""Scaling and memory of medie runs: worker processes, Dask workers, long inputs; figures only.

(a) Speed-up of 2 over 1 for ``extract_documents(..., n_process=N)`` and for Dask (a local
    cluster of N worker processes, one thread each), each beside a plain CPU-bound Python loop
    run the same way over tasks of the same sizes, so that the machine's own 2-process speed-up
    is known. "steady" times run from the first result to the last (start-up and pipeline
    loading left out); "wall" times include them.
(b) Peak resident memory of ``medie extract FILE -o OUT`` (a child process, measured with
    wait4) on inputs of about 2, 20 and 50 MB made by repeating corpus text, beside a tiny input.
(c) Characters per second of the default pipeline and of spaCy's blank ``zh`` tokenizer over
    all corpus documents, interleaved in one process pinned to one core, and their ratio.

    python benchmarks/scaling.py [--corpus ../shared/corpus] [--quick] [--part a|b|c|all] [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterable, Iterator

from medie.run import in_order

REPO = Path(__file__).resolve().parent.parent
SIZES_MB = (2, 20, 50)
QUICK_SIZES_MB = (0.5, 2, 5)


def corpus_texts(corpus: Path) -> list[tuple[str, str]]:
    from medie.text.textio import read_text

    files = sorted(corpus.glob("*.txt")) if corpus.is_dir() else []
    if not files:
        files = sorted((REPO / "examples").glob("*.txt"))
    return [(f.name, read_text(f)) for f in files]


# ---------------------------------------------------------------- (a) multi-process scaling

def spin(n: int) -> int:
    """Plain CPU-bound Python: no I/O, no shared state, no C extension doing the work."""
    total = 0
    for i in range(n):
        total = (total + i * i) % 1_000_003
    return total


def spin_rate(seconds: float = 0.5) -> float:
    """Iterations of :func:`spin` per second in this process."""
    n, start = 200_000, time.perf_counter()
    done = 0
    while time.perf_counter() - start < seconds:
        spin(n)
        done += n
    return done / (time.perf_counter() - start)


def timed(results: Iterable, consume: Callable = lambda result: None) -> tuple[float, float, int]:
    """Consume ``results``; (wall seconds, seconds from the first result to the last, count)."""
    start = time.perf_counter()
    first = last = None
    count = 0
    for result in results:
        consume(result)
        last = time.perf_counter()
        first = first or last
        count += 1
    return last - start, last - first, count


def pool_windowed(n_process: int, fn: Callable, args: list, window: int) -> Iterator:
    """``fn(*a)`` for each ``a`` in order: in this process for 1, else a spawn pool with a window, like medie.run."""
    if n_process == 1:
        for a in args:
            yield fn(*a)
        return
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(n_process) as pool:
        yield from in_order(lambda a: pool.apply_async(fn, a), lambda r: r.get(), args, window)


def dask_windowed(client, fn: Callable, args: list, window: int) -> Iterator:
    """``fn(*a)`` for each ``a`` in order on Dask, at most ``window`` in flight, like medie.distributed."""
    yield from in_order(lambda a: client.submit(fn, *a, pure=False), lambda f: f.result(), args, window)


def part_a(docs: list[tuple[str, str]], repeats: int, rounds: int) -> None:
    from medie import run
    from medie.distributed import connect, iter_documents
    from medie.run import PipelineSpec, extract_documents

    items = [(f"{r}/{name}", text) for r in range(repeats) for name, text in docs]
    chars = sum(len(t) for _, t in items)
    spec = PipelineSpec()
    print(f"(a) {len(items)} documents ({len(docs)} corpus documents x {repeats}), {chars:,} characters; "
          f"best of {rounds} round(s)")

    runs: dict[tuple[str, int], tuple[float, float]] = {}

    def best(name: str, n: int, make: Callable[[], Iterable], consume: Callable = lambda result: None) -> None:
        for _ in range(rounds):
            wall, steady, count = timed(make(), consume)
            assert count == len(items), (name, n, count)
            old = runs.get((name, n), (wall, steady))
            runs[(name, n)] = (min(wall, old[0]), min(steady, old[1]))

    def serial_or_pool(n: int) -> Iterable:
        run._worker_pipelines.clear()  # every round loads the pipeline, as a fresh run does
        return extract_documents(items, spec=spec, n_process=n)

    for n in (1, 2):  # the serial runner's mentions are lazy: produce them
        best("medie extract_documents", n, lambda: serial_or_pool(n), lambda r: list(r[1]))
    # plain loop: one task per document, its work proportional to the document's length,
    # sized so that the whole loop takes about as long as medie's serial run
    serial_steady = runs[("medie extract_documents", 1)][1]
    per_char = spin_rate() * serial_steady / chars
    loop_args = [(max(1, int(len(t) * per_char)),) for _, t in items]
    for n in (1, 2):
        best("plain loop, processes", n, lambda: pool_windowed(n, spin, loop_args, 4 * n))
    for n in (1, 2):
        client = connect(f"local:{n}", dashboard_address=":0")
        try:
            best("medie on Dask", n, lambda: iter_documents(items, client, spec=spec))
            best("plain loop on Dask", n, lambda: dask_windowed(client, spin, loop_args, 4 * n))
        finally:
            client.close()

    print(f"{'runner':26} {'N':>2} {'wall s':>7} {'steady s':>9} {'chars/s (steady)':>17}")
    for (name, n), (wall, steady) in runs.items():
        rate = f"{chars / steady:17,.0f}" if name.startswith("medie") else f"{'':17}"
        print(f"{name:26} {n:2d} {wall:7.2f} {steady:9.2f} {rate}")

    def speedup(name: str, which: int) -> float:
        return runs[(name, 1)][which] / runs[(name, 2)][which]

    print(f"\n{'2 over 1':26} {'medie':>7} {'plain loop':>11} {'medie / loop':>13}   (steady; wall in brackets)")
    for medie_name, loop_name, label in (("medie extract_documents", "plain loop, processes", "processes (n_process)"),
                                         ("medie on Dask", "plain loop on Dask", "Dask workers")):
        m, p = speedup(medie_name, 1), speedup(loop_name, 1)
        mw, pw = speedup(medie_name, 0), speedup(loop_name, 0)
        print(f"{label:26} {m:6.2f}x {p:10.2f}x {m / p:12.2f}    ({mw:.2f}x, {pw:.2f}x, {mw / pw:.2f})")
    overhead = (runs[("plain loop on Dask", 1)][1] - runs[("plain loop, processes", 1)][1]) / len(items)
    print(f"Dask cost per task, 1 worker (plain loop on Dask - in this process): {overhead * 1000:.1f} ms; "
          f"medie's work per document: {runs[('medie extract_documents', 1)][1] / len(items) * 1000:.1f} ms")


# ---------------------------------------------------------------- (b) peak memory of medie extract

def make_input(path: Path, docs: list[tuple[str, str]], megabytes: float) -> int:
    """Write corpus text, repeated, to ``path`` until it is about ``megabytes`` of UTF-8; return its size."""
    target, size = int(megabytes * 1024 * 1024), 0
    block = "\n\n".join(text.strip() for _, text in docs) + "\n\n"
    encoded = block.encode("utf-8")
    with open(path, "wb") as fh:
        while size < target:
            fh.write(encoded)
            size += len(encoded)
    return size


def medie_command() -> list[str]:
    script = Path(sys.executable).parent / "medie"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from medie.cli import main; sys.exit(main())"]


def peak_rss(cmd: list[str]) -> tuple[float, float, int]:
    """Run ``cmd``; (peak RSS in MB of that child alone, seconds, exit status)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        if code != 0:
            err.seek(0)
            print(f"   failed ({code}): {err.read().decode(errors='replace').strip().splitlines()[-1:]}")
    return usage.ru_maxrss / 1024, seconds, code  # ru_maxrss is in KiB on Linux


def part_b(docs: list[tuple[str, str]], sizes: tuple[float, ...]) -> None:
    print("(b) peak RSS of `medie extract FILE -o OUT` (one process), input = corpus text repeated")
    print(f"{'input MB':>9} {'chars':>12} {'peak RSS MB':>12} {'over tiny MB':>13} {'per input MB':>13} {'s':>7} {'out MB':>7}")
    with tempfile.TemporaryDirectory(prefix="medie-scaling-") as tmp:
        base = None
        for mb in (None, *sizes):
            src, out = Path(tmp) / "input.txt", Path(tmp) / "out.jsonl"
            if mb is None:  # the fixed cost: one corpus document
                src.write_text(docs[0][1], encoding="utf-8")
                size = src.stat().st_size
            else:
                size = make_input(src, docs, mb)
            n_chars = len(src.read_text(encoding="utf-8")) if size < 64 << 20 else -1
            rss, seconds, code = peak_rss(medie_command() + ["extract", str(src), "-o", str(out)])
            out_mb = out.stat().st_size / 2**20 if out.exists() else 0.0
            if base is None:
                base = rss
                print(f"{size / 2**20:9.3f} {n_chars:12,} {rss:12.0f} {'(tiny)':>13} {'':>13} {seconds:7.1f} {out_mb:7.2f}")
            else:
                extra = rss - base
                print(f"{size / 2**20:9.1f} {n_chars:12,} {rss:12.0f} {extra:13.0f} {extra / (size / 2**20):13.2f} "
                      f"{seconds:7.1f} {out_mb:7.2f}")
            src.unlink()
            out.unlink(missing_ok=True)


# ---------------------------------------------------------------- (c) pipeline vs blank tokenizer

def part_c(docs: list[tuple[str, str]], seconds: float) -> None:
    import spacy

    import medie

    texts = [t for _, t in docs]
    per_pass = sum(len(t) for t in texts)
    affinity = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    if affinity:
        os.sched_setaffinity(0, {sorted(affinity)[0]})
    try:
        pipelines = {"medie default pipeline": medie.load(), "spaCy blank zh tokenizer": spacy.blank("zh")}
        for nlp in pipelines.values():  # warm up lazy set-up
            for _ in nlp.pipe(texts[:2]):
                pass
        spent = {name: 0.0 for name in pipelines}
        passes = {name: 0 for name in pipelines}
        while min(spent.values()) < seconds:  # interleaved passes: both see the same machine state
            for name, nlp in pipelines.items():
                if spent[name] >= seconds:
                    continue
                start = time.perf_counter()
                for _ in nlp.pipe(texts):
                    pass
                spent[name] += time.perf_counter() - start
                passes[name] += 1
    finally:
        if affinity:
            os.sched_setaffinity(0, affinity)
    rates = {name: per_pass * passes[name] / spent[name] for name in pipelines}
    print(f"(c) {len(texts)} corpus documents, {per_pass:,} characters per pass, one core")
    for name, rate in rates.items():
        print(f"{name:26} {rate:12,.0f} chars/s  ({passes[name]} passes)")
    medie_rate, blank_rate = rates["medie default pipeline"], rates["spaCy blank zh tokenizer"]
    print(f"{'ratio':26} medie runs at {medie_rate / blank_rate:.3f} of the blank tokenizer's speed "
          f"({blank_rate / medie_rate:.1f}x slower)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--quick", action="store_true", help=f"smaller runs: inputs of {QUICK_SIZES_MB} MB, fewer repeats")
    parser.add_argument("--part", choices=("a", "b", "c", "all"), default="all")
    parser.add_argument("--rounds", type=int, help="(a): runs of each configuration, the best kept (default 3, quick 1)")
    args = parser.parse_args()
    docs = corpus_texts(args.corpus)
    print(f"corpus: {len(docs)} documents from {args.corpus if args.corpus.is_dir() else REPO / 'examples'}; "
          f"{os.cpu_count()} CPUs{' (quick)' if args.quick else ''}\n")
    if args.part in ("a", "all"):
        part_a(docs, repeats=3 if args.quick else 10, rounds=args.rounds or (1 if args.quick else 3))
        print()
    if args.part in ("b", "all"):
        part_b(docs, QUICK_SIZES_MB if args.quick else SIZES_MB)
        print()
    if args.part in ("c", "all"):
        part_c(docs, seconds=1.0 if args.quick else 3.0)


if __name__ == "__main__":
    main()
