"""Command-line interface: ``medie extract|evaluate|train|gold|rules``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from contextlib import ExitStack, closing, nullcontext
from pathlib import Path
from typing import Iterator, TextIO

from .text.textio import TextDecodeError, TextFile, atomic_writer, decode, open_text, text_files, write_text_atomic

PROGRESS_MIN_FILES = 5
DEFAULT_FOLDS = 5
EXIT_SKIPPED = 3  # a folder run that skipped files it could not read


class UsageError(ValueError):
    """Options that do not go together; reported like argparse's own errors (exit status 2)."""


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
        for file in text_files(path):
            try:
                yield str(file), open_text(file, encoding), None
            except TextDecodeError as err:
                yield str(file), None, str(err)
        return
    if not path.exists():
        raise SystemExit(f"medie: {path}: no such file or folder")
    yield str(path), open_text(path, encoding), None


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

    def end(self, doc_id: str, relations: list | None = None) -> None:
        if relations is None:
            self.out.write("]}\n")
        else:
            self.out.write('], "relations": ' + json.dumps([r.to_dict() for r in relations]) + "}\n")


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

    def end(self, doc_id: str, relations: list | None = None) -> None:
        pass


class _HtmlWriter:
    """One page over the raw texts, a colour per label and a legend (rendered at the end)."""

    def __init__(self, out: TextIO, texts: dict[str, str]) -> None:
        self.out, self.texts, self.docs = out, texts, []

    def begin(self, doc_id: str) -> None:
        self.docs.append((doc_id, self.texts[doc_id], [], None))

    def mention(self, doc_id: str, m) -> None:
        self.docs[-1][2].append(m)

    def end(self, doc_id: str, relations: list | None = None) -> None:
        pass

    def close(self) -> None:
        from .html import page

        self.out.write(page(self.docs))


def cmd_extract(args: argparse.Namespace) -> int:
    from .run import PipelineSpec, extract_documents

    path = Path(args.path)
    if args.n_process < 1:
        raise UsageError(f"--n-process must be 1 or more, got {args.n_process}")
    if args.dask and args.n_process > 1:
        raise UsageError("--dask runs on the cluster's workers; it does not combine with --n-process")
    if args.relations and args.format != "jsonl":
        raise UsageError("--relations adds a 'relations' list to JSONL lines; use --format jsonl (or `medie findings`)")
    spec = PipelineSpec(name=args.pipeline)
    nlp = spec.load() if args.n_process == 1 and not args.dask else None
    texts: dict[str, str] = {}
    problems: list[str] = []
    processed = 0
    items = _inputs(args.path, args.encoding)
    if path.is_dir():
        total = len(text_files(path))
        if total > PROGRESS_MIN_FILES:
            from tqdm import tqdm

            items = tqdm(items, total=total, unit="file", file=sys.stderr)

    def readable():
        for doc_id, text, problem in items:
            if problem is not None:
                problems.append(problem)
                print(f"medie: skipped {problem}", file=sys.stderr)
                continue
            if isinstance(text, TextFile) and (args.format == "html" or args.n_process > 1 or args.dask or args.relations):
                text = text.read()  # these need the whole text; a large file is read block by block otherwise
            if isinstance(text, str) and not text.strip():
                print(f"medie: note: {doc_id} has no text (empty or only whitespace); it gets no mentions", file=sys.stderr)
            if args.format == "html" or args.relations:
                texts[doc_id] = text
            yield doc_id, text

    with ExitStack() as stack:
        out = stack.enter_context(atomic_writer(args.output) if args.output else nullcontext(sys.stdout))
        writer = {"jsonl": lambda: _JsonlWriter(out), "tsv": lambda: _TsvWriter(out),
                  "html": lambda: _HtmlWriter(out, texts)}[args.format]()
        if args.dask:
            from .distributed import connect, iter_documents

            client = stack.enter_context(closing(connect(args.dask)))
            results = iter_documents(readable(), client, spec=spec)
        else:
            results = extract_documents(readable(), nlp=nlp, spec=spec, n_process=args.n_process)
        linker = None
        if args.relations:  # the relation rules of the pipeline, without loading one in this process for workers
            from .analysis import linker_of
            from .relations.linker import Linker
            from .rulefiles.relations import load_relation_rules

            linker = linker_of(nlp) if nlp is not None else Linker(load_relation_rules())
        for doc_id, mentions in results:
            writer.begin(doc_id)
            kept = [] if linker is not None else None
            for m in mentions:
                writer.mention(doc_id, m)
                if kept is not None:
                    kept.append(m)
            writer.end(doc_id, linker.relate(texts.pop(doc_id), kept) if linker is not None else None)
            processed += 1
        if isinstance(writer, _HtmlWriter):
            writer.close()
    if path.is_dir():
        print(f"medie: {processed} file(s) processed, {len(problems)} skipped", file=sys.stderr)
        return EXIT_SKIPPED if problems else 0
    return 1 if problems else 0


def cmd_findings(args: argparse.Namespace) -> int:
    """One row per RESULT for a file, a folder or stdin, as CSV, JSONL or an HTML page."""
    import csv

    from . import analyze, load
    from .analysis import FIELDS, RESULT_ATTRS

    nlp = load(args.pipeline)
    problems: list[str] = []
    with atomic_writer(args.output) if args.output else nullcontext(sys.stdout) as out:
        pages = []
        table = None
        if args.format == "csv":
            columns = ["id"] + [c for f in FIELDS for c in (f, f"{f}_offsets")] + ["result", "result_offsets",
                                                                                    *RESULT_ATTRS, "negated"]
            table = csv.DictWriter(out, fieldnames=columns)
            table.writeheader()
        for doc_id, text, problem in _inputs(args.path, args.encoding):
            if problem is not None:
                problems.append(problem)
                print(f"medie: skipped {problem}", file=sys.stderr)
                continue
            if isinstance(text, TextFile):
                text = text.read()
            analysis = analyze(text, nlp)
            rows = analysis.findings
            if table is not None:
                for row in rows:
                    table.writerow({"id": doc_id, **row.flat()})
            elif args.format == "jsonl":
                out.write(json.dumps({"id": doc_id, "findings": [r.to_dict() for r in rows]}, ensure_ascii=False) + "\n")
            else:
                pages.append((doc_id, text, analysis.mentions, rows))
        if args.format == "html":
            from .html import page

            out.write(page(pages))
    return (EXIT_SKIPPED if Path(args.path).is_dir() else 1) if problems else 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from . import load
    from .corpus import documents_without_gold, load_documents
    from .corpus.evaluate import format_report, read_predictions, score
    from .corpus.train import predict

    if args.config and not args.cv:
        raise UsageError("--config is a training config: it is used with --cv only")
    if args.folds != DEFAULT_FOLDS and not args.cv:
        raise UsageError("--folds is used with --cv only")
    if args.external:
        return _evaluate_external(args)
    if args.relations:
        return _evaluate_relations(args)
    if args.predictions and (args.cv or args.rules_only or args.segmenter != "char"):
        raise UsageError("--predictions scores a file; --cv, --rules-only and --segmenter are for the pipeline")
    if args.verbose and not args.cv:
        raise UsageError("--verbose is used with --cv only")
    docs = load_documents(args.corpus, args.gold)
    if args.kind:
        from .corpus.crossval import doc_kind

        if args.cv:
            raise UsageError("--kind chooses documents to score in one pass; --cv always uses all of them")
        docs = [d for d in docs if doc_kind(d.id) == args.kind]
    else:
        _report_unscored("corpus documents without gold", documents_without_gold(args.corpus, args.gold))
    if args.cv:
        return _cross_validate(args, docs)
    gold = {d.id: d.spans for d in docs}
    texts = {d.id: d.text for d in docs}
    if args.predictions:
        without_gold: list[str] = []
        pred = read_predictions(args.predictions, gold, without_gold)
        _report_unscored(f"documents in {args.predictions} without gold", without_gold)
        missing = sorted(set(gold) - set(pred))
        if missing:
            shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
            print(f"medie: {len(missing)} gold documents have no predictions in {args.predictions} "
                  f"(scored as empty): {shown}", file=sys.stderr)
        title = f"predictions {args.predictions}"
    else:
        pred = predict(load(args.pipeline, segmenter=args.segmenter, trained=not args.rules_only), docs)
        title = f"{args.pipeline} pipeline ({'rules only' if args.rules_only else 'rules + trained parts'}, {args.segmenter} tokenizer)"
    report = score(gold, pred, texts)
    print(format_report(report, title))
    if args.errors:
        for e in report.errors:
            print(f"{e['kind']} {e['doc'][:3]}:{e['start']}-{e['end']} {e['label']:11} {e['context']}")
    if args.json:
        _write_json(args.json, report.to_dict() | {"source": title})
    return 0


def _evaluate_relations(args: argparse.Namespace) -> int:
    """Relations given gold spans and end to end, per type and micro, and negation; with --cv per fold."""
    from . import load
    from .analysis import linker_of
    from .corpus import load_documents
    from .corpus.crossval import assign_folds
    from .corpus.evaluate_relations import score_negation, score_relations
    from .mention import Mention
    from .relations.linker import cooccurrence_baseline

    if args.rules_only or args.segmenter != "char" or args.kind:
        raise UsageError("--relations scores the default pipeline; --rules-only, --segmenter and --kind do not apply")
    docs = load_documents(args.corpus, args.gold)
    gold = {d.id: (d.text, d.spans, d.relations) for d in docs}
    gold_spans = {d.id: d.spans for d in docs}
    results: dict = {}
    if args.predictions:
        records = _read_relation_predictions(args.predictions, gold)
        pred_spans = {k: v[0] for k, v in records.items()}
        results["end_to_end"] = score_relations(gold, {k: v[1] for k, v in records.items()}, pred_spans)
        results["negation"] = score_negation(gold_spans, pred_spans)
        title = f"predictions {args.predictions}"
    else:
        nlp = load(args.pipeline)
        linker = linker_of(nlp)
        given = lambda d: [Mention(s["start"], s["end"], s["label"], s["text"]) for s in d.spans]  # noqa: E731
        systems = {"baseline": cooccurrence_baseline, "rules": linker.relate}
        for name, relate in systems.items():
            results[f"given_gold_spans/{name}"] = score_relations(
                gold, {d.id: [r.to_dict() for r in relate(d.text, given(d))] for d in docs})
        from . import analyze

        analyses = {d.id: analyze(d.text, nlp) for d in docs}
        pred_spans = {k: [m.to_dict() for m in a.mentions] for k, a in analyses.items()}
        results["end_to_end/rules"] = score_relations(
            gold, {k: [r.to_dict() for r in a.relations] for k, a in analyses.items()}, pred_spans)
        results["negation"] = score_negation(gold_spans, pred_spans)
        detector = nlp.get_pipe("medie_negation").detector
        given_negated = {}
        for d in docs:
            found = detector.negated(d.text, given(d))
            given_negated[d.id] = [dict(s, attrs={"negated": True} if (s["start"], s["end"]) in found else {})
                                   for s in d.spans]
        results["negation_given_gold_spans"] = score_negation(gold_spans, given_negated)
        title = "relation rules (no trained part: each fold is scored with the same rules)"
        if args.cv:
            from .corpus.train import read_config, source_tag, train

            fold_of = assign_folds([d.id for d in docs], args.folds)
            results["folds"], held_out = {}, {}
            for k in sorted(set(fold_of.values())):
                part = {i: gold[i] for i in gold if fold_of[i] == k}
                results["folds"][k] = score_relations(
                    part, {d.id: [r.to_dict() for r in linker.relate(d.text, given(d))] for d in docs if d.id in part})["micro"]
                # end to end with the mentions of a pipeline whose trained parts and corpus lexicon never saw the fold
                fold_nlp = train([d for d in docs if d.id not in part], read_config(args.config),
                                 [source_tag(i) for i in part], pipeline=args.pipeline)
                held_out.update({d.id: analyze(d.text, fold_nlp) for d in docs if d.id in part})
            cv_spans = {k: [m.to_dict() for m in a.mentions] for k, a in held_out.items()}
            results["end_to_end_cv/rules"] = score_relations(
                gold, {k: [r.to_dict() for r in a.relations] for k, a in held_out.items()}, cv_spans)
            results["negation_cv"] = score_negation(gold_spans, cv_spans)
            title += "; end_to_end_cv: mentions of pipelines trained without each fold"
    print(title)
    for name, rep in results.items():
        if name.startswith("negation") or name == "folds":
            continue
        print(f"{name}: micro P {rep['micro']['precision']:.3f} R {rep['micro']['recall']:.3f} F1 {rep['micro']['f1']:.3f}")
        for rtype, v in rep["types"].items():
            print(f"  {rtype:10} P {v['precision']:.3f} R {v['recall']:.3f} F1 {v['f1']:.3f}  gold {v['n_gold']:4d} pred {v['n_pred']:4d}")
    for k, v in results.get("folds", {}).items():
        print(f"fold {k}: given gold spans micro F1 {v['f1']:.3f} (gold {v['n_gold']})")
    for name in ("negation_given_gold_spans", "negation", "negation_cv"):
        if name in results:
            neg = results[name]
            where = {"negation_given_gold_spans": "given gold spans", "negation": "end to end, over matched spans",
                     "negation_cv": "end to end in the folds, over matched spans"}[name]
            print(f"negated ({where}): P {neg['precision']:.3f} R {neg['recall']:.3f} "
                  f"(gold {neg['n_gold']}, predicted {neg['n_pred']})")
    if args.json:
        _write_json(args.json, results | {"source": title})
    return 0


def _read_relation_predictions(path: str, gold) -> dict:
    """``{id: (spans, relations)}`` from a JSONL whose lines carry ``mentions`` (or ``spans``) and ``relations``."""
    out = {}
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            name = Path(rec.get("id") or rec["doc"]).name
            spans, relations = rec.get("mentions", rec.get("spans")), rec["relations"]
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as err:
            raise ValueError(f"{path}:{lineno}: not a record with id, mentions and relations ({err})") from err
        if name not in gold:
            raise ValueError(f"{path}:{lineno}: document {name!r} has no gold")
        for r in relations:
            if not isinstance(r, dict) or set(r) != {"type", "head", "tail"}:
                raise ValueError(f"{path}:{lineno}: a relation needs exactly type, head and tail: {r!r}")
        out[name] = (spans or [], relations)
    return out


def _evaluate_external(args: argparse.Namespace) -> int:
    from . import load
    from .corpus.external import LABELS, SETS, score_external

    if args.cv or args.predictions:
        raise UsageError("--external scores the pipeline on a third-party set; it does not combine with --cv or --predictions")
    names = SETS if args.external == "all" else (args.external,)
    nlp = load(args.pipeline, segmenter=args.segmenter, trained=not args.rules_only)
    out: dict = {}
    print(f"{'set':10} {'scoring':9} {'label':8} {'strict P':>8} {'R':>6} {'F1':>6}   {'overlap P':>9} {'R':>6} {'F1':>6} {'gold':>6}")
    for name in names:
        reports = score_external(nlp, name, args.external_dir)
        out[name] = {kind: {lab: rep.labels[lab] for lab in LABELS} for kind, rep in reports.items()}
        for kind, rep in reports.items():
            for lab in LABELS:
                st, ov = rep.labels[lab]["strict"], rep.labels[lab]["overlap"]
                print(f"{name:10} {kind:9} {lab:8} {st['precision']:8.3f} {st['recall']:6.3f} {st['f1']:6.3f}   "
                      f"{ov['precision']:9.3f} {ov['recall']:6.3f} {ov['f1']:6.3f} {st['n_gold']:6d}")
    if args.json:
        _write_json(args.json, out)
    return 0


def _write_json(path: str, data) -> None:
    write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=1))


def _report_unscored(what: str, names: list[str]) -> None:
    """Say on stderr which documents are left out of the scores."""
    if names:
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        print(f"medie: {len(names)} {what}, not scored: {shown}", file=sys.stderr)


def _cross_validate(args: argparse.Namespace, docs) -> int:
    from .corpus.crossval import SYSTEMS, cross_validate
    from .corpus.evaluate import format_report
    from .corpus.train import read_config
    from .labels import LABELS

    result = cross_validate(docs, read_config(args.config), k=args.folds, log=print)
    print(f"\n{args.folds}-fold cross-validation over {len(docs)} documents in {result.seconds:.1f}s")
    for f in range(args.folds):
        members = sorted(d for d, fold in result.folds.items() if fold == f)
        print(f"  fold {f + 1}: {', '.join(members)}")

    def micro(rep, group, mode):
        return rep.micro[group][mode]["f1"]

    print(f"\n{'pooled over folds':20} {'core strict':>11} {'core overlap':>12} {'all strict':>10} {'all overlap':>11}")
    for name in SYSTEMS:
        rep = result.pooled[name]
        print(f"{name:20} {micro(rep, 'core', 'strict'):11.3f} {micro(rep, 'core', 'overlap'):12.3f} "
              f"{micro(rep, 'all', 'strict'):10.3f} {micro(rep, 'all', 'overlap'):11.3f}")
    print("\nper label, strict F1 (overlap F1 in brackets):")
    print(f"{'':20} " + " ".join(f"{lab:>14}" for lab in LABELS))
    for name in SYSTEMS:
        rep = result.pooled[name]
        print(f"{name:20} " + " ".join(
            f"{rep.labels[lab]['strict']['f1']:6.3f} ({rep.labels[lab]['overlap']['f1']:.3f})" for lab in LABELS))
    print("\nper fold, micro strict F1 core / all:")
    for name in SYSTEMS:
        cells = "  ".join(f"{micro(r, 'core', 'strict'):.3f}/{micro(r, 'all', 'strict'):.3f}" for r in result.per_fold[name])
        print(f"{name:20} {cells}")
    def table(title: str, columns: list[str], width: int, cell) -> None:
        print(f"\n{title}:\n{'':20} " + " ".join(f"{c:>{width}}" for c in columns))
        for name in SYSTEMS:
            print(f"{name:20} " + " ".join(cell(name, c) for c in columns))

    def group_cell(name: str, group: str) -> str:
        rep = result.subsets[name][group]
        return f"{micro(rep, 'core', 'strict'):6.3f}/{micro(rep, 'all', 'strict'):.3f}" if rep else f"{'-':>13}"

    def unseen_cell(name: str, label: str) -> str:
        found, total = result.unseen[name][label]
        return f"{found / total:6.3f} ({found:3d}/{total:3d})" if total else f"{'-':>16}"

    table("by document group, micro strict F1 core / all", list(next(iter(result.subsets.values()))), 13, group_cell)
    table("recall on unseen names (gold mentions whose text is in no lexicon entry of the fold), found/total",
          list(next(iter(result.unseen.values()))), 16, unseen_cell)
    if args.verbose:
        for name in SYSTEMS:
            print("\n" + format_report(result.pooled[name], name))
    if args.json:
        _write_json(args.json, result.to_dict())
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    import shutil
    import time

    from .corpus import load_documents
    from .pipeline import CLASSIFIER, MODEL_ROOT, TAGGER
    from .corpus.train import read_config, train

    out = Path(args.output) if args.output else None
    if out is not None and out.exists() and any(out.iterdir()) and not (out / "config.cfg").is_file():
        raise UsageError(f"--output {out} exists and is not a medie pipeline; choose a new or empty folder")
    start = time.perf_counter()
    nlp = train(load_documents(args.corpus, args.gold), read_config(args.config), log=True, pipeline=args.pipeline)
    # write beside the target, then swap, so that a failed run never leaves half-written weights
    if out is not None:
        targets = [(out, nlp.to_disk)]
    else:
        targets = [(MODEL_ROOT / name, nlp.get_pipe(name).to_disk) for name in (CLASSIFIER, TAGGER) if name in nlp.pipe_names]
    for target, write in targets:
        tmp = target.with_name(target.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        write(tmp)
        shutil.rmtree(target, ignore_errors=True)
        tmp.rename(target)
    where = ", ".join(str(t) for t, _ in targets)
    print(f"{args.pipeline} pipeline trained in {time.perf_counter() - start:.1f}s; written to {where}")
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
        report = add_to_gold(read_any(args.format, Path(args.path)), args.corpus, args.gold, replace=args.replace)
        print("\n".join(report.lines()))
    else:
        write_any(args.format, load_documents(args.corpus, args.gold), Path(args.path))
        print(f"wrote {args.format} to {args.path}")
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    from .rulefiles.check import check_rules, explain

    if args.action == "check" and args.article:
        raise UsageError("medie rules check takes no article")
    if args.action == "check":
        from .relations.examples import negation_example_failures, relation_example_failures
        from .rulefiles.relations import load_negation_rules, load_relation_rules

        result = check_rules()
        relation_rules, negation_rules = load_relation_rules(), load_negation_rules()
        result.failures += relation_example_failures(relation_rules) + negation_example_failures(negation_rules)
        print(f"lexicons: {result.lexicon_entries} surface forms in {result.lexicon_files} files; "
              f"{result.patterns} span patterns; {result.context_rules} context rules; "
              f"{len(relation_rules)} relation and {len(negation_rules)} negation rules")
        for failure in result.failures:
            print(f"FAIL {failure}")
        for warning in result.warnings:
            print(f"WARN {warning}")
        print("all rule examples pass and every regex is fast" if not result.failures
              else f"{len(result.failures)} problem(s): failing examples or slow regexes")
        return 1 if result.failures else 0
    if not args.article:
        raise UsageError("medie rules test needs an ARTICLE.txt, a folder of articles or - for stdin")
    from . import load

    nlp, problems = load(), 0
    for doc_id, text, problem in _inputs(args.article, args.encoding):
        if problem is not None:
            print(f"medie: skipped {problem}", file=sys.stderr)
            problems += 1
            continue
        mentions, missing = explain(nlp, text)
        print(f"== {doc_id}")
        print(f"{'start':>6} {'end':>6} {'label':11} {'text':24} rule")
        for start, end, label, mention, rule in mentions:
            print(f"{start:6d} {end:6d} {label:11} {mention.replace(chr(10), '⏎'):24} {rule}")
        print(f"\nlook-alikes that no rule matched ({len(missing)}): add them to rules/lexicon/*.tsv if they are names")
        for kind, mention, count in missing:
            print(f"  {mention!r:30} x{count}  ({kind})")
    return EXIT_SKIPPED if problems else 0


def _pipeline_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pipeline", default="fast", metavar="NAME|DIR",
                   help="shipped pipeline (fast, accurate) or a folder written by medie train --output (default fast)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="medie", description="Extract drugs, targets, phases and results from Chinese medical text.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="extract mentions from a file, a folder of *.txt or stdin (-)")
    _pipeline_option(p)
    p.add_argument("path", help="a .txt file, a folder (searched recursively for *.txt) or - for stdin")
    p.add_argument("--format", choices=("jsonl", "tsv", "html"), default="jsonl")
    p.add_argument("--output", "-o", help="write here instead of stdout")
    p.add_argument("--encoding", help="input encoding (default: detect UTF-8/UTF-16 BOM, UTF-8, GB18030)")
    p.add_argument("--n-process", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--dask", metavar="ADDRESS", help="run on a Dask cluster: local, local:N or tcp://HOST:PORT "
                   "(pip install 'medie[dask]')")
    p.set_defaults(func=cmd_extract)

    p.add_argument("--relations", action="store_true", help="add the relations of each document (JSONL only)")

    p = sub.add_parser("findings", help="one row per RESULT (drug, target, disease, trial, phase, endpoint, value)")
    _pipeline_option(p)
    p.add_argument("path", help="a .txt file, a folder (searched recursively for *.txt) or - for stdin")
    p.add_argument("--format", choices=("csv", "jsonl", "html"), default="csv")
    p.add_argument("--output", "-o", help="write here instead of stdout")
    p.add_argument("--encoding", help="input encoding (default: detect)")
    p.set_defaults(func=cmd_findings)

    p = sub.add_parser("evaluate", help="score the pipeline or a predictions file against the gold")
    _pipeline_option(p)
    p.add_argument("--corpus", help="corpus folder (default $MEDIE_CORPUS or ../shared/corpus)")
    p.add_argument("--gold", help="gold JSONL (default annotations/gold.jsonl)")
    p.add_argument("--predictions", help="a medie extract JSONL file to score instead of the pipeline")
    p.add_argument("--json", help="write the scores as JSON here")
    p.add_argument("--errors", action="store_true", help="list false positives and negatives with context")
    p.add_argument("--cv", action="store_true", help="K-fold cross-validation: rules-only, trained-only, combined (fast), tagger-only, accurate")
    p.add_argument("--kind", choices=("seed", "news", "abstract"), help="score only the documents of this kind")
    p.add_argument("--folds", type=int, default=DEFAULT_FOLDS, help=f"with --cv: number of folds (default {DEFAULT_FOLDS})")
    p.add_argument("--external", choices=("cmeee", "cmedqaner", "yidu", "all"),
                   help="score DRUG and DISEASE on a third-party set of ../shared/external (see README)")
    p.add_argument("--external-dir", help="folder of the third-party sets (default $MEDIE_EXTERNAL or ../shared/external)")
    p.add_argument("--rules-only", action="store_true", help="score the pipeline without the trained classifier")
    p.add_argument("--segmenter", choices=("char", "pkuseg"), default="char", help="tokenizer for the pipeline")
    p.add_argument("--config", help="training config for --cv (default configs/train.cfg)")
    p.add_argument("--verbose", action="store_true", help="with --cv: full tables for each system")
    p.add_argument("--relations", action="store_true",
                   help="score relations (given gold spans and end to end) and negation; with --predictions a JSONL with relations")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("train", help="train a pipeline's trained parts on the gold (fixed seed)")
    p.add_argument("--pipeline", choices=("fast", "accurate"), default="fast",
                   help="fast: the candidate classifier; accurate: the classifier and then the tagger")
    p.add_argument("--corpus")
    p.add_argument("--gold")
    p.add_argument("--config", help="training config (default configs/train.cfg)")
    p.add_argument("--output", help="write the whole trained pipeline to this folder, for medie.load(path=...) "
                                    "(default: replace the shipped weights that medie.load() uses)")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("gold", help="gold statistics, import from and export to annotation tools")
    p.add_argument("action", choices=("stats", "import", "export"))
    p.add_argument("--format", choices=("doccano", "labelstudio", "brat"), help="for import/export")
    p.add_argument("--path", help="file (doccano, labelstudio) or folder (brat) to import from or export to")
    p.add_argument("--corpus")
    p.add_argument("--gold")
    p.add_argument("--alignment", choices=("char", "pkuseg"), help="with stats: check gold spans against this tokenizer")
    p.add_argument("--replace", action="store_true", help="with import: replace the gold of documents already in it")
    p.set_defaults(func=cmd_gold)

    p = sub.add_parser("rules", help="validate the rule files, or show which rule finds what in an article")
    p.add_argument("action", choices=("check", "test"))
    p.add_argument("article", nargs="?", help="with test: the article to explain, a folder of them, or - for stdin")
    p.add_argument("--encoding")
    p.set_defaults(func=cmd_rules)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except UsageError as err:
        print(f"medie {args.command}: usage error: {err}", file=sys.stderr)
        return 2
    except (TextDecodeError, ValueError, FileNotFoundError) as err:
        print(f"medie: {err}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader (e.g. `head`) stopped reading: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
