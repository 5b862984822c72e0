"""The gold corpus: raw documents plus standoff spans in ``annotations/gold.jsonl``.

Each gold line is ``{"doc", "sha256", "spans": [{"start","end","label","text","attrs"}]}`` with
offsets into the raw file, and optionally ``"relations": [{"type", "head": [s, e], "tail": [s, e]}]``
(spec v2.0); ENDPOINT and DISEASE spans may carry ``"negated": true`` in their attributes. The documents themselves are read from the corpus folder:
``--corpus``/argument, else ``$MEDIE_CORPUS``, else ``../shared/corpus`` beside the repo root.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from spacy.language import Language
from spacy.tokens import Doc, DocBin

from ..labels import LABELS, NEGATABLE, RELATION_TYPES
from ..text.textio import write_text_atomic
from ..mention import doc_char_span

REPO = Path(__file__).resolve().parent.parent.parent
DEFAULT_GOLD = REPO / "annotations" / "gold.jsonl"


class CorpusError(ValueError):
    """The gold or the corpus is inconsistent; the message names the file and the offset."""


@dataclass
class Document:
    """A raw document and its gold spans."""

    id: str
    text: str
    spans: list[dict[str, Any]] = field(default_factory=list)
    relations: list[dict[str, Any]] = field(default_factory=list)


def _in_checkout() -> bool:
    """True when medie runs from its source checkout (where the default corpus and gold live)."""
    return (REPO / "pyproject.toml").is_file() and (REPO / "annotations").is_dir()


def corpus_dir(path: str | Path | None = None) -> Path:
    """The corpus folder: ``path``, else ``$MEDIE_CORPUS``, else ``../shared/corpus`` beside a source checkout."""
    env = os.environ.get("MEDIE_CORPUS")
    if path or env:
        chosen = Path(path or env)
    elif _in_checkout():
        chosen = REPO.parent / "shared" / "corpus"
    else:
        raise CorpusError("no corpus folder given: pass --corpus DIR or set MEDIE_CORPUS "
                          "(the default ../shared/corpus exists only beside a source checkout)")
    if not chosen.is_dir():
        raise CorpusError(f"corpus folder {chosen} not found: pass --corpus DIR or set MEDIE_CORPUS")
    return chosen


def gold_path_for_writing(path: str | Path | None = None) -> Path:
    """The gold file: ``path``, else ``$MEDIE_GOLD``, else ``annotations/gold.jsonl`` of a source checkout."""
    env = os.environ.get("MEDIE_GOLD")
    if path or env:
        return Path(path or env)
    if _in_checkout():
        return DEFAULT_GOLD
    raise CorpusError("no gold file given: pass --gold FILE or set MEDIE_GOLD "
                      "(the default annotations/gold.jsonl exists only in a source checkout)")


def gold_path(path: str | Path | None = None) -> Path:
    """The gold file to read (see :func:`gold_path_for_writing`); it must exist."""
    chosen = gold_path_for_writing(path)
    if not chosen.is_file():
        raise CorpusError(f"gold file {chosen} not found: pass --gold FILE or set MEDIE_GOLD")
    return chosen


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_raw(path: Path) -> str:
    """A corpus file exactly as stored (UTF-8, no newline translation)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.read()


def check_spans(doc_id: str, text: str, spans: list[dict[str, Any]], where: str = "gold") -> None:
    """Validate offsets, texts, labels, order and overlap of one document's spans."""
    prev_end, prev = -1, None
    for i, span in enumerate(spans):
        start, end, label = span.get("start"), span.get("end"), span.get("label")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            raise CorpusError(f"{where}: {doc_id} span {i}: bad offsets [{start}, {end}) for a text of {len(text)} characters")
        if label not in LABELS:
            raise CorpusError(f"{where}: {doc_id} span at {start}: unknown label {label!r}")
        if "text" in span and span["text"] != text[start:end]:
            raise CorpusError(
                f"{where}: {doc_id} span at {start}: text {span['text']!r} but the document has {text[start:end]!r} there"
            )
        if text[start].isspace() or text[end - 1].isspace():
            raise CorpusError(f"{where}: {doc_id} span at {start}: starts or ends with whitespace")
        if start < prev_end:
            raise CorpusError(f"{where}: {doc_id} span at {start} overlaps or precedes the span at {prev['start']}")
        negated = span.get("attrs", {}).get("negated")
        if negated is not None and (negated is not True or label not in NEGATABLE):
            raise CorpusError(f"{where}: {doc_id} span at {start}: 'negated' must be true and only on "
                              f"{' or '.join(NEGATABLE)} spans, got {negated!r} on {label}")
        prev_end, prev = end, span


def check_relations(doc_id: str, spans: list[dict[str, Any]], relations: list[dict[str, Any]],
                    where: str = "gold") -> None:
    """Validate one document's relations: known types, head and tail spans of the document with the
    labels the type joins, no duplicates; errors name the document and the offsets."""
    by_offsets = {(s["start"], s["end"]): s for s in spans}
    seen = set()
    for i, rel in enumerate(relations):
        if not isinstance(rel, dict) or set(rel) != {"type", "head", "tail"}:
            raise CorpusError(f"{where}: {doc_id} relation {i}: needs exactly type, head and tail, got {rel!r}")
        kind = rel["type"]
        if kind not in RELATION_TYPES:
            raise CorpusError(f"{where}: {doc_id} relation {i}: unknown type {kind!r} "
                              f"(known: {', '.join(RELATION_TYPES)})")
        ends = []
        for role in ("head", "tail"):
            value = rel[role]
            if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)):
                raise CorpusError(f"{where}: {doc_id} relation {i}: {role} must be [start, end], got {value!r}")
            span = by_offsets.get(tuple(value))
            if span is None:
                raise CorpusError(f"{where}: {doc_id} relation {i} ({kind}): {role} {value} is not a span of the document")
            ends.append(span)
        heads, tails = RELATION_TYPES[kind]
        if ends[0]["label"] not in heads or ends[1]["label"] not in tails:
            raise CorpusError(f"{where}: {doc_id} relation {i} ({kind}) at {rel['head']} -> {rel['tail']}: "
                              f"joins {ends[0]['label']} -> {ends[1]['label']}, but {kind} joins "
                              f"{'/'.join(heads)} -> {'/'.join(tails)}")
        key = (kind, tuple(rel["head"]), tuple(rel["tail"]))
        if key in seen:
            raise CorpusError(f"{where}: {doc_id} relation {i}: duplicate {kind} {rel['head']} -> {rel['tail']}")
        seen.add(key)


def read_gold(path: str | Path | None = None) -> list[dict[str, Any]]:
    """The gold records, each line checked for form."""
    path = gold_path(path)
    records = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as err:
            raise CorpusError(f"{path}:{lineno}: not JSON ({err.msg} at column {err.colno})") from err
        missing = {"doc", "sha256", "spans"} - set(rec)
        if missing:
            raise CorpusError(f"{path}:{lineno}: missing {', '.join(sorted(missing))}")
        records.append(rec)
    return records


def load_documents(corpus: str | Path | None = None, gold: str | Path | None = None) -> list[Document]:
    """Documents with their gold spans, after checking every hash and span."""
    folder = corpus_dir(corpus)
    docs = []
    for rec in read_gold(gold):
        path = folder / rec["doc"]
        if not path.is_file():
            raise CorpusError(f"gold names {rec['doc']}, which is not in {folder}")
        text = read_raw(path)
        digest = sha256(text)
        if digest != rec["sha256"]:
            raise CorpusError(
                f"{path}: sha256 {digest} does not match the gold's {rec['sha256']}: "
                "the document changed since it was annotated"
            )
        check_spans(rec["doc"], text, rec["spans"])
        relations = rec.get("relations", [])
        if not isinstance(relations, list):
            raise CorpusError(f"gold: {rec['doc']}: 'relations' must be a list")
        check_relations(rec["doc"], rec["spans"], relations)
        docs.append(Document(rec["doc"], text, rec["spans"], relations))
    return docs


def documents_without_gold(corpus: str | Path | None = None, gold: str | Path | None = None) -> list[str]:
    """Names of the corpus ``*.txt`` files that the gold has no record for."""
    annotated = {rec["doc"] for rec in read_gold(gold)}
    return sorted(p.name for p in corpus_dir(corpus).glob("*.txt") if p.name not in annotated)


def to_dataset(docs: Iterable[Document], holdout: str | None = None):
    """A ``datasets.DatasetDict``: split ``gold``, or ``train``/``test`` when a document is held out."""
    import datasets

    features = datasets.Features(
        {
            "id": datasets.Value("string"),
            "text": datasets.Value("string"),
            "spans": datasets.Sequence(
                {
                    "start": datasets.Value("int32"),
                    "end": datasets.Value("int32"),
                    "label": datasets.ClassLabel(names=list(LABELS)),
                    "text": datasets.Value("string"),
                    "attrs": datasets.Value("string"),
                }
            ),
        }
    )

    def rows(items: list[Document]) -> dict[str, list]:
        return {
            "id": [d.id for d in items],
            "text": [d.text for d in items],
            "spans": [
                {
                    "start": [s["start"] for s in d.spans],
                    "end": [s["end"] for s in d.spans],
                    "label": [LABELS.index(s["label"]) for s in d.spans],
                    "text": [s["text"] for s in d.spans],
                    "attrs": [json.dumps(s.get("attrs", {}), ensure_ascii=False) for s in d.spans],
                }
                for d in items
            ],
        }

    docs = list(docs)
    if holdout is None:
        return datasets.DatasetDict({"gold": datasets.Dataset.from_dict(rows(docs), features=features)})
    if holdout not in {d.id for d in docs}:
        raise CorpusError(f"no document {holdout!r} to hold out")
    return datasets.DatasetDict(
        {
            "train": datasets.Dataset.from_dict(rows([d for d in docs if d.id != holdout]), features=features),
            "test": datasets.Dataset.from_dict(rows([d for d in docs if d.id == holdout]), features=features),
        }
    )


@dataclass(frozen=True)
class Misaligned:
    """A gold span whose boundaries do not fall on token boundaries."""

    doc: str
    start: int
    end: int
    label: str
    text: str

    def __str__(self) -> str:
        return f"{self.doc}:{self.start}-{self.end} {self.label} {self.text!r}"


def gold_doc(nlp: Language, document: Document) -> tuple[Doc, list[Misaligned]]:
    """Tokenise a document and set its gold spans as ``doc.ents``; report spans that do not align."""
    doc = nlp.make_doc(document.text)
    ents, missed = [], []
    for span in document.spans:
        ent = doc_char_span(doc, span["start"], span["end"], span["label"])
        if ent is None:
            missed.append(Misaligned(document.id, span["start"], span["end"], span["label"], span["text"]))
        else:
            ents.append(ent)
    doc.ents = ents
    return doc, missed


def to_docbin(nlp: Language, docs: Iterable[Document]) -> tuple[DocBin, list[Misaligned]]:
    """Gold Docs for training, with the list of spans the tokenizer cannot represent."""
    bin_, missed = DocBin(store_user_data=True), []
    for document in docs:
        doc, bad = gold_doc(nlp, document)
        bin_.add(doc)
        missed.extend(bad)
    return bin_, missed


def alignment_report(nlp: Language, docs: Iterable[Document]) -> tuple[int, list[Misaligned]]:
    """Number of gold spans and those whose boundaries fall inside a token."""
    total, missed = 0, []
    for document in docs:
        total += len(document.spans)
        missed.extend(gold_doc(nlp, document)[1])
    return total, missed


def gold_record(document: Document) -> dict[str, Any]:
    spans = sorted(document.spans, key=lambda s: (s["start"], s["end"]))
    check_spans(document.id, document.text, spans)
    record: dict[str, Any] = {"doc": document.id, "sha256": sha256(document.text), "spans": spans}
    if document.relations:
        check_relations(document.id, spans, document.relations)
        record["relations"] = sorted(document.relations, key=lambda r: (r["head"], r["type"], r["tail"]))
    return record


@dataclass
class ImportReport:
    """What ``add_to_gold`` did: new documents, and replaced ones with their span counts before and after."""

    added: list[str] = field(default_factory=list)
    replaced: list[tuple[str, int, int, int, int]] = field(default_factory=list)  # id, before, after, removed, new

    def lines(self) -> list[str]:
        out = [f"added to the gold: {d}" for d in self.added]
        out += [f"replaced in the gold: {d}: {before} spans before, {after} after ({removed} removed, {new} new)"
                for d, before, after, removed, new in self.replaced]
        return out


def add_to_gold(documents: Iterable[Document], corpus: str | Path | None = None, gold: str | Path | None = None,
                replace: bool = False) -> ImportReport:
    """Add documents to the gold and write their texts to the corpus folder where missing.

    A document already in the gold is an error unless ``replace`` is given; a text that exists in
    the corpus under the same name must be identical. Nothing is written unless every document
    passes, and files are replaced atomically.
    """
    folder = corpus_dir(corpus)
    path = Path(gold) if gold else gold_path_for_writing()
    records = {r["doc"]: r for r in read_gold(path)} if path.exists() else {}
    documents = list(documents)
    existing = [d.id for d in documents if d.id in records]
    if existing and not replace:
        raise CorpusError(f"{path} already has gold for {', '.join(existing)}: pass --replace to replace it")
    report, new_texts = ImportReport(), []
    for document in documents:
        target = folder / document.id
        if target.exists() and read_raw(target) != document.text:
            raise CorpusError(f"{target} exists with a different text than the imported {document.id}")
        if not target.exists():
            new_texts.append((target, document.text))
        record = gold_record(document)
        if document.id in records:
            old = {(s["start"], s["end"], s["label"]) for s in records[document.id]["spans"]}
            new = {(s["start"], s["end"], s["label"]) for s in record["spans"]}
            report.replaced.append((document.id, len(old), len(new), len(old - new), len(new - old)))
        else:
            report.added.append(document.id)
        records[document.id] = record
    for target, text in new_texts:
        write_text_atomic(target, text)
    write_gold(records.values(), path)
    return report


def write_gold(records: Iterable[dict[str, Any]], path: str | Path) -> None:
    """Write gold records sorted by document, replacing ``path`` atomically."""
    lines = [json.dumps(r, ensure_ascii=False) for r in sorted(records, key=lambda r: r["doc"])]
    write_text_atomic(path, "\n".join(lines) + "\n")


def gold_stats(docs: Iterable[Document]) -> str:
    """A Markdown table of gold span counts per document and label."""
    docs = list(docs)
    head = "| document | " + " | ".join(LABELS) + " | total |"
    lines = [head, "|" + "---|" * (len(LABELS) + 2)]
    totals = dict.fromkeys(LABELS, 0)
    for d in docs:
        counts = {lab: sum(s["label"] == lab for s in d.spans) for lab in LABELS}
        for lab in LABELS:
            totals[lab] += counts[lab]
        lines.append(f"| {d.id} | " + " | ".join(str(counts[lab]) for lab in LABELS) + f" | {len(d.spans)} |")
    lines.append("| **all** | " + " | ".join(str(totals[lab]) for lab in LABELS) + f" | {sum(totals.values())} |")
    return "\n".join(lines)
