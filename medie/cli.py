"""Command-line interface: ``medie extract|evaluate|train|gold|rules``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Iterator, TextIO

from .text.textio import TextDecodeError, decode, read_text

PROGRESS_MIN_FILES = 5


def _inputs(target: str, encoding: str | None) -> Iterator[tuple[str, str | None, str | None]]:
    """Yield (id, text, problem) for a file, every ``*.txt`` under a folder, or stdin (``-``)."""
    if target == "-":
        data = sys.stdin.buffer.read()
        try:
            yield "-", decode(data, "<stdin>", encoding)[0], None
        except TextDecodeError as err:
            yield "-", None, str(err)
        return
    path = Path(target)
    if path.is_dir():
        for file in sorted(path.rglob("*.txt")):
            try:
                yield str(file), read_text(file, encoding), None
            except TextDecodeError as err:
                yield str(file), None, str(err)
        return
    if not path.exists():
        raise SystemExit(f"medie: {path}: no such file or folder")
    yield str(path), read_text(path, encoding), None


class _JsonlWriter:
    """Writes one JSON line per document, mention by mention, never holding a whole document's output."""

    def __init__(self, out: TextIO) -> None:
        self.out, self.count = out, 0

    def begin(self, doc_id: str) -> None:
        self.out.write('{"id": ' + json.dumps(doc_id, ensure_ascii=False) + ', "mentions": [')
        self.count = 0

    def mention(self, doc_id: str, m) -> None:
        self.out.write((", " if self.count else "") + json.dumps(m.to_dict(), ensure_ascii=False))
        self.count += 1

    def end(self, doc_id: str) -> None:
        self.out.write("]}\n")


class _TsvWriter:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        out.write("id\tstart\tend\tlabel\ttext\tattrs\n")

    def begin(self, doc_id: str) -> None:
        pass

    def mention(self, doc_id: str, m) -> None:
        text = m.text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        attrs = json.dumps(m.attrs, ensure_ascii=False)
        self.out.write(f"{doc_id}\t{m.start}\t{m.end}\t{m.label}\t{text}\t{attrs}\n")

    def end(self, doc_id: str) -> None:
        pass


class _HtmlWriter:
    """displaCy page over the raw texts (rendered at the end: HTML is one page)."""

    def __init__(self, out: TextIO, texts: dict[str, str]) -> None:
        self.out, self.texts, self.docs = out, texts, []

    def begin(self, doc_id: str) -> None:
        self.docs.append({"text": self.texts[doc_id], "ents": [], "title": doc_id})

    def mention(self, doc_id: str, m) -> None:
        self.docs[-1]["ents"].append({"start": m.start, "end": m.end, "label": m.label})

    def end(self, doc_id: str) -> None:
        pass

    def close(self) -> None:
        from spacy import displacy

        self.out.write(displacy.render(self.docs, style="ent", manual=True, page=True, jupyter=False))


def cmd_extract(args: argparse.Namespace) -> int:
    from . import load
    from .run import pipe_pieces

    path = Path(args.path)
    nlp = load()
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    texts: dict[str, str] = {}
    writer = {"jsonl": lambda: _JsonlWriter(out), "tsv": lambda: _TsvWriter(out), "html": lambda: _HtmlWriter(out, texts)}[args.format]()
    problems: list[str] = []
    items = _inputs(args.path, args.encoding)
    if path.is_dir():
        total = sum(1 for _ in path.rglob("*.txt"))
        if total > PROGRESS_MIN_FILES:
            from tqdm import tqdm

            items = tqdm(items, total=total, unit="file", file=sys.stderr)

    def readable():
        for doc_id, text, problem in items:
            if problem is not None:
                problems.append(problem)
                print(f"medie: skipped {problem}", file=sys.stderr)
                continue
            if args.format == "html":
                texts[doc_id] = text
            yield doc_id, text

    try:
        for piece in pipe_pieces(nlp, readable(), n_process=args.n_process):
            if piece.first:
                writer.begin(piece.key)
            for m in piece.mentions:
                writer.mention(piece.key, m)
            if piece.last:
                writer.end(piece.key)
        if isinstance(writer, _HtmlWriter):
            writer.close()
    finally:
        if out is not sys.stdout:
            out.close()
    return 1 if problems and not path.is_dir() else 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from . import load
    from .corpus import documents_without_gold, load_documents
    from .corpus.evaluate import format_report, read_predictions, score
    from .corpus.train import predict

    docs = load_documents(args.corpus, args.gold)
    _report_unscored("corpus documents without gold", documents_without_gold(args.corpus, args.gold))
    if args.cv:
        return _cross_validate(args, docs)
    gold = {d.id: d.spans for d in docs}
    texts = {d.id: d.text for d in docs}
    if args.predictions:
        without_gold: list[str] = []
        pred = read_predictions(args.predictions, gold, without_gold)
        _report_unscored(f"documents in {args.predictions} without gold", without_gold)
        title = f"predictions {args.predictions}"
    else:
        pred = predict(load(segmenter=args.segmenter, trained=not args.rules_only), docs)
        title = f"current pipeline ({'rules only' if args.rules_only else 'rules + classifier'}, {args.segmenter} tokenizer)"
    report = score(gold, pred, texts)
    print(format_report(report, title))
    if args.errors:
        for e in report.errors:
            print(f"{e['kind']} {e['doc'][:3]}:{e['start']}-{e['end']} {e['label']:11} {e['context']}")
    if args.json:
        out = report.to_dict() | {"source": title}
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def _report_unscored(what: str, names: list[str]) -> None:
    """Say on stderr which documents are left out of the scores."""
    if names:
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        print(f"medie: {len(names)} {what}, not scored: {shown}", file=sys.stderr)


def _cross_validate(args: argparse.Namespace, docs) -> int:
    import time

    from .corpus.evaluate import format_report
    from .corpus.train import cross_validate, read_config

    start = time.perf_counter()
    reports = cross_validate(docs, read_config(args.config), log=True)
    print(f"leave-one-document-out over {len(docs)} documents in {time.perf_counter() - start:.1f}s\n")
    print(f"{'':20} {'core strict F1':>14} {'core overlap F1':>15} {'all strict F1':>13}")
    for name, rep in reports.items():
        print(f"{name:20} {rep.micro['core']['strict']['f1']:14.3f} {rep.micro['core']['overlap']['f1']:15.3f} "
              f"{rep.micro['all']['strict']['f1']:13.3f}")
    print("\nper core label, strict F1:")
    from .labels import CORE_LABELS

    print(f"{'':20} " + " ".join(f"{lab:>8}" for lab in CORE_LABELS))
    for name, rep in reports.items():
        print(f"{name:20} " + " ".join(f"{rep.labels[lab]['strict']['f1']:8.3f}" for lab in CORE_LABELS))
    print("\nper document, strict / overlap F1 (all labels), columns as above: " + ", ".join(reports))
    for doc_id in reports["combined"].documents:
        cells = "  ".join(f"{rep.documents[doc_id]['strict']['f1']:.3f}/{rep.documents[doc_id]['overlap']['f1']:.3f}"
                          for rep in reports.values())
        print(f"  {doc_id[:20]:20} {cells}")
    if args.verbose:
        for name, rep in reports.items():
            print("\n" + format_report(rep, name))
    if args.json:
        out = {name: rep.to_dict() for name, rep in reports.items()}
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    import shutil
    import time

    from .corpus import load_documents
    from .pipeline import CLASSIFIER, MODEL_DIR
    from .corpus.train import read_config, train

    start = time.perf_counter()
    nlp = train(load_documents(args.corpus, args.gold), read_config(args.config), log=True)
    out = Path(args.output) if args.output else MODEL_DIR
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    nlp.get_pipe(CLASSIFIER).to_disk(tmp)
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    print(f"trained in {time.perf_counter() - start:.1f}s; classifier written to {out}")
    return 0


def cmd_gold(args: argparse.Namespace) -> int:
    from .corpus.convert import read_any, write_any
    from .corpus import add_to_gold, alignment_report, gold_stats, load_documents

    if args.action != "stats" and not (args.format and args.path):
        raise ValueError(f"gold {args.action} needs --format and --path")
    if args.action == "stats":
        docs = load_documents(args.corpus, args.gold)
        print(gold_stats(docs))
        if args.alignment:
            from . import load

            total, missed = alignment_report(load(segmenter=args.alignment), docs)
            print(f"\n{args.alignment} tokenizer: {total - len(missed)}/{total} gold spans on token boundaries "
                  f"({(total - len(missed)) / max(1, total):.2%})")
            for m in missed:
                print(f"  not aligned: {m}")
    elif args.action == "import":
        added = add_to_gold(read_any(args.format, Path(args.path)), args.corpus, args.gold)
        print(f"added to the gold: {', '.join(added)}")
    else:
        write_any(args.format, load_documents(args.corpus, args.gold), Path(args.path))
        print(f"wrote {args.format} to {args.path}")
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    from .rulefiles.check import check_rules, explain

    if args.action == "check":
        result = check_rules()
        print(f"lexicons: {result.lexicon_entries} surface forms in {result.lexicon_files} files; "
              f"{result.patterns} span patterns; {result.context_rules} context rules")
        for failure in result.failures:
            print(f"FAIL {failure}")
        print("all rule examples pass" if not result.failures else f"{len(result.failures)} example(s) fail")
        return 1 if result.failures else 0
    if not args.article:
        raise ValueError("medie rules test needs an ARTICLE.txt")
    from . import load

    mentions, missing = explain(load(), read_text(args.article, args.encoding))
    print(f"{'start':>6} {'end':>6} {'label':11} {'text':24} rule")
    for start, end, label, text, rule in mentions:
        print(f"{start:6d} {end:6d} {label:11} {text.replace(chr(10), '⏎'):24} {rule}")
    print(f"\nlook-alikes that no rule matched ({len(missing)}): add them to rules/lexicon/*.tsv if they are names")
    for kind, text, count in missing:
        print(f"  {text!r:30} x{count}  ({kind})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="medie", description="Extract drugs, targets, phases and results from Chinese medical text.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="extract mentions from a file, a folder of *.txt or stdin (-)")
    p.add_argument("path", help="a .txt file, a folder (searched recursively for *.txt) or - for stdin")
    p.add_argument("--format", choices=("jsonl", "tsv", "html"), default="jsonl")
    p.add_argument("--output", "-o", help="write here instead of stdout")
    p.add_argument("--encoding", help="input encoding (default: detect UTF-8/UTF-16 BOM, UTF-8, GB18030)")
    p.add_argument("--n-process", type=int, default=1, help="worker processes (default 1)")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("evaluate", help="score the pipeline or a predictions file against the gold")
    p.add_argument("--corpus", help="corpus folder (default $MEDIE_CORPUS or ../shared/corpus)")
    p.add_argument("--gold", help="gold JSONL (default annotations/gold.jsonl)")
    p.add_argument("--predictions", help="a medie extract JSONL file to score instead of the pipeline")
    p.add_argument("--json", help="write the scores as JSON here")
    p.add_argument("--errors", action="store_true", help="list false positives and negatives with context")
    p.add_argument("--cv", action="store_true", help="leave-one-document-out: rules-only, trained-only, combined")
    p.add_argument("--rules-only", action="store_true", help="score the pipeline without the trained classifier")
    p.add_argument("--segmenter", choices=("char", "pkuseg"), default="char", help="tokenizer for the pipeline")
    p.add_argument("--config", help="training config for --cv (default configs/train.cfg)")
    p.add_argument("--verbose", action="store_true", help="with --cv: full tables for each system")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("train", help="train the candidate classifier on the gold")
    p.add_argument("--corpus")
    p.add_argument("--gold")
    p.add_argument("--config", help="training config (default configs/train.cfg)")
    p.add_argument("--output", help="where to write the classifier (default: the one medie.load() uses)")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("gold", help="gold statistics, import from and export to annotation tools")
    p.add_argument("action", choices=("stats", "import", "export"))
    p.add_argument("--format", choices=("doccano", "labelstudio", "brat"), help="for import/export")
    p.add_argument("--path", help="file (doccano, labelstudio) or folder (brat) to import from or export to")
    p.add_argument("--corpus")
    p.add_argument("--gold")
    p.add_argument("--alignment", choices=("char", "pkuseg"), help="with stats: check gold spans against this tokenizer")
    p.set_defaults(func=cmd_gold)

    p = sub.add_parser("rules", help="validate the rule files, or show which rule finds what in an article")
    p.add_argument("action", choices=("check", "test"))
    p.add_argument("article", nargs="?", help="with test: the article to explain")
    p.add_argument("--encoding")
    p.set_defaults(func=cmd_rules)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (TextDecodeError, ValueError, FileNotFoundError) as err:
        print(f"medie: {err}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader (e.g. `head`) stopped reading: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
