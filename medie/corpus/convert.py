"""Converters between medie gold records and annotation-tool formats.

- doccano JSONL: ``{"id", "text", "label": [[start, end, "LABEL"], ...]}`` (``labels`` accepted too);
- Label Studio JSON tasks: ``[{"data": {"text"}, "annotations": [{"result": [{"value": {"start",
  "end", "text", "labels": [L]}, "from_name": "label", "to_name": "text", "type": "labels"}]}]}]``;
- BRAT standoff: ``NAME.txt`` + ``NAME.ann`` with ``T1<TAB>LABEL start end<TAB>text`` lines;
  attributes travel as JSON in ``#1<TAB>AnnotatorNotes T1<TAB>{...}`` lines.

All work on :class:`medie.corpus.Document` (id, raw text, spans with ``attrs``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..text.textio import write_text_atomic
from .gold import CorpusError, Document, check_spans, read_raw

FORMATS = ("doccano", "labelstudio", "brat")


def _span(text: str, start: int, end: int, label: str, attrs: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"start": start, "end": end, "label": label, "text": text[start:end], "attrs": attrs or {}}


def _finish(doc: Document, where: str) -> Document:
    doc.spans.sort(key=lambda s: (s["start"], s["end"]))
    check_spans(doc.id, doc.text, doc.spans, where)
    return doc


# doccano -----------------------------------------------------------------------------
def to_doccano(docs: list[Document]) -> str:
    lines = []
    for d in docs:
        rec = {"id": d.id, "text": d.text, "label": [[s["start"], s["end"], s["label"]] for s in d.spans]}
        if any(s.get("attrs") for s in d.spans):
            rec["medie_attrs"] = {f"{s['start']}-{s['end']}": s["attrs"] for s in d.spans if s.get("attrs")}
        lines.append(json.dumps(rec, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def from_doccano(content: str, where: str = "doccano") -> list[Document]:
    docs = []
    for lineno, line in enumerate(content.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            text = rec["text"]
            labels = rec.get("label", rec.get("labels", []))
            attrs = rec.get("medie_attrs", {})
            spans = [_span(text, int(s), int(e), lab, attrs.get(f"{s}-{e}")) for s, e, lab in labels]
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as err:
            raise CorpusError(f"{where}:{lineno}: not a doccano record ({err})") from err
        docs.append(_finish(Document(str(rec.get("id", lineno)), text, spans), f"{where}:{lineno}"))
    return docs


# Label Studio --------------------------------------------------------------------------
def to_labelstudio(docs: list[Document]) -> str:
    tasks = []
    for d in docs:
        result = [
            {
                "id": f"s{i}",
                "from_name": "label",
                "to_name": "text",
                "type": "labels",
                "value": {"start": s["start"], "end": s["end"], "text": s["text"], "labels": [s["label"]]},
                "meta": {"attrs": s["attrs"]} if s.get("attrs") else {},
            }
            for i, s in enumerate(d.spans)
        ]
        tasks.append({"data": {"id": d.id, "text": d.text}, "annotations": [{"result": result}]})
    return json.dumps(tasks, ensure_ascii=False, indent=1)


def from_labelstudio(content: str, where: str = "labelstudio") -> list[Document]:
    try:
        tasks = json.loads(content)
    except json.JSONDecodeError as err:
        raise CorpusError(f"{where}: not JSON ({err.msg} at line {err.lineno})") from err
    docs = []
    for i, task in enumerate(tasks if isinstance(tasks, list) else [tasks]):
        try:
            text = task["data"]["text"]
            groups = task.get("annotations") or task.get("predictions") or [{"result": []}]
            spans = []
            for r in groups[0]["result"]:
                if r.get("type") != "labels":
                    continue
                v = r["value"]
                spans.append(_span(text, int(v["start"]), int(v["end"]), v["labels"][0], (r.get("meta") or {}).get("attrs")))
        except (KeyError, TypeError, IndexError, ValueError) as err:
            raise CorpusError(f"{where}: task {i}: not a Label Studio text task ({err!r})") from err
        docs.append(_finish(Document(str(task["data"].get("id", i)), text, spans), f"{where}: task {i}"))
    return docs


# BRAT -------------------------------------------------------------------------------------
def to_brat(doc: Document) -> str:
    lines = []
    for i, s in enumerate(doc.spans, 1):
        lines.append(f"T{i}\t{s['label']} {s['start']} {s['end']}\t{s['text'].replace(chr(10), ' ')}")
        if s.get("attrs"):
            lines.append(f"#{i}\tAnnotatorNotes T{i}\t{json.dumps(s['attrs'], ensure_ascii=False)}")
    return "\n".join(lines) + ("\n" if lines else "")


def from_brat(text: str, ann: str, doc_id: str, where: str = "brat") -> Document:
    spans: dict[str, dict[str, Any]] = {}
    notes: dict[str, dict[str, Any]] = {}
    for lineno, line in enumerate(ann.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        try:
            if parts[0].startswith("T"):
                label, offsets = parts[1].split(" ", 1)
                if ";" in offsets:
                    raise CorpusError(f"{where}:{lineno}: discontinuous spans are not supported")
                start, end = (int(x) for x in offsets.split())
                spans[parts[0]] = _span(text, start, end, label)
            elif parts[0].startswith("#") and parts[1].startswith("AnnotatorNotes "):
                notes[parts[1].split()[1]] = json.loads(parts[2])
        except CorpusError:
            raise
        except (IndexError, ValueError) as err:
            raise CorpusError(f"{where}:{lineno}: not a BRAT annotation line ({err})") from err
    for tid, attrs in notes.items():
        if tid in spans and isinstance(attrs, dict):
            spans[tid]["attrs"] = attrs
    return _finish(Document(doc_id, text, list(spans.values())), where)


def read_brat_folder(folder: Path) -> list[Document]:
    docs = []
    for ann in sorted(folder.glob("*.ann")):
        txt = ann.with_suffix(".txt")
        if not txt.exists():
            raise CorpusError(f"{ann}: no matching {txt.name}")
        docs.append(from_brat(read_raw(txt), ann.read_text(encoding="utf-8"), txt.name, str(ann)))
    return docs


def read_any(fmt: str, path: Path) -> list[Document]:
    """Documents from a doccano file, a Label Studio file or a BRAT folder."""
    if fmt == "doccano":
        return from_doccano(path.read_text(encoding="utf-8"), str(path))
    if fmt == "labelstudio":
        return from_labelstudio(path.read_text(encoding="utf-8"), str(path))
    if fmt == "brat":
        return read_brat_folder(path)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def write_any(fmt: str, docs: list[Document], path: Path) -> None:
    """Export ``docs``; every file is written to a temporary file and renamed, so a failure keeps the old one."""
    if fmt == "doccano":
        write_text_atomic(path, to_doccano(docs))
    elif fmt == "labelstudio":
        write_text_atomic(path, to_labelstudio(docs))
    elif fmt == "brat":
        path.mkdir(parents=True, exist_ok=True)
        for d in docs:
            stem = Path(d.id).stem
            write_text_atomic(path / f"{stem}.txt", d.text)
            write_text_atomic(path / f"{stem}.ann", to_brat(d))
    else:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
