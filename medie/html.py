"""HTML views: mentions highlighted in the raw text with one colour per label and a legend; the
findings table beside the text, each cell linked to its highlighted evidence."""

from __future__ import annotations

import html
import json
from typing import Iterable, Sequence

from .analysis import FIELDS, Finding
from .labels import LABELS
from .mention import Mention

COLOURS = {"DRUG": "#7aecec", "TARGET": "#bfeeb7", "PHASE": "#feca74", "RESULT": "#ff9561",
           "ENDPOINT": "#aa9cfc", "DISEASE": "#f0a5c8", "SAMPLE_SIZE": "#c7c7ff", "DOSE": "#e4e7d2",
           "TRIAL": "#ffeb80"}
STYLE = """body{font-family:sans-serif;margin:1.5em;line-height:1.9}
mark{padding:0.1em 0.25em;border-radius:0.3em}mark b{font-size:0.6em;margin-left:0.3em;opacity:0.7}
.legend span{display:inline-block;padding:0.1em 0.5em;margin:0.1em;border-radius:0.3em;font-size:0.8em}
.doc{display:flex;gap:2em;align-items:flex-start;border-top:1px solid #ccc;padding-top:1em}
.text{flex:1;white-space:pre-wrap}.table{flex:1;overflow-x:auto}
table{border-collapse:collapse;font-size:0.85em}td,th{border:1px solid #ccc;padding:0.2em 0.4em;vertical-align:top}
mark:target{outline:3px solid #333}"""
STYLE += "".join(f".l-{lab}{{background:{colour}}}" for lab, colour in COLOURS.items())


def legend() -> str:
    return '<div class="legend">' + "".join(f'<span class="l-{lab}">{lab}</span>' for lab in LABELS) + "</div>"


def anchor(doc_no: int, m: Mention) -> str:
    return f"d{doc_no}-{m.start}-{m.end}"


def highlighted(text: str, mentions: Iterable[Mention], doc_no: int) -> str:
    """The raw text with each mention in a coloured ``<mark>``; its attributes show on hover."""
    out, pos = [], 0
    for m in sorted(mentions, key=lambda m: m.start):
        if m.start < pos:
            continue
        out.append(html.escape(text[pos:m.start]))
        title = m.label + (" " + json.dumps(m.attrs, ensure_ascii=False) if m.attrs else "")
        out.append(f'<mark id="{anchor(doc_no, m)}" class="l-{m.label}" title="{html.escape(title)}">'
                   f"{html.escape(text[m.start:m.end])}<b>{m.label}</b></mark>")
        pos = m.end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _cell(doc_no: int, mentions: Sequence[Mention]) -> str:
    return " + ".join(f'<a href="#{anchor(doc_no, m)}">{html.escape(m.text)}</a>' for m in mentions)


def findings_table(rows: Sequence[Finding], doc_no: int) -> str:
    head = "".join(f"<th>{f}</th>" for f in (*FIELDS, "value", "unit", "qualifier", "low", "high", "negated"))
    body = []
    for r in rows:
        cells = [_cell(doc_no, getattr(r, f)) for f in FIELDS]
        value = f'<a href="#{anchor(doc_no, r.result)}">{html.escape(str(r.result.attrs.get("value", r.result.text)))}</a>'
        extra = [html.escape("" if r.result.attrs.get(k) is None else str(r.result.attrs[k])) for k in ("unit", "qualifier", "low", "high")]
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells + [value] + extra + ["yes" if r.negated else ""]) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def page(documents: Iterable[tuple[str, str, list[Mention], list[Finding] | None]]) -> str:
    """One HTML page: for each ``(id, text, mentions, findings)`` the highlighted text, and the
    findings table beside it when ``findings`` is given."""
    parts = []
    for no, (doc_id, text, mentions, rows) in enumerate(documents):
        table = f'<div class="table">{findings_table(rows, no)}</div>' if rows is not None else ""
        parts.append(f"<h3>{html.escape(doc_id)}</h3><div class=\"doc\"><div class=\"text\">"
                     f"{highlighted(text, mentions, no)}</div>{table}</div>")
    return (f"<!DOCTYPE html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>medie</title>"
            f"<style>{STYLE}</style></head><body>{legend()}{''.join(parts)}</body></html>\n")
