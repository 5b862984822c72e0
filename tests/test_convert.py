"""Round trips through doccano, Label Studio and BRAT on our own examples."""

from __future__ import annotations

import pytest

from medie.corpus.convert import from_brat, from_doccano, from_labelstudio, read_any, to_brat, to_doccano, to_labelstudio, write_any
from medie.corpus import CorpusError, Document

TEXT = "新药XY-12靶向\nBCMA,在Ⅱ期研究中ORR为91%。"


def example() -> Document:
    spans = [
        {"start": 2, "end": 7, "label": "DRUG", "text": "XY-12", "attrs": {}},
        {"start": 10, "end": 14, "label": "TARGET", "text": "BCMA", "attrs": {}},
        {"start": 16, "end": 18, "label": "PHASE", "text": "Ⅱ期", "attrs": {"phase": "2"}},
        {"start": 21, "end": 24, "label": "ENDPOINT", "text": "ORR", "attrs": {}},
        {"start": 25, "end": 28, "label": "RESULT", "text": "91%", "attrs": {"value": 91, "unit": "%"}},
    ]
    for s in spans:
        assert TEXT[s["start"] : s["end"]] == s["text"]
    return Document("new.txt", TEXT, spans)


def test_doccano_round_trip():
    doc = example()
    (back,) = from_doccano(to_doccano([doc]))
    assert (back.id, back.text, back.spans) == (doc.id, doc.text, doc.spans)


def test_labelstudio_round_trip():
    doc = example()
    (back,) = from_labelstudio(to_labelstudio([doc]))
    assert (back.id, back.text, back.spans) == (doc.id, doc.text, doc.spans)


def test_brat_round_trip(tmp_path):
    doc = example()
    back = from_brat(doc.text, to_brat(doc), doc.id)
    assert back.spans == doc.spans
    write_any("brat", [doc], tmp_path)
    (again,) = read_any("brat", tmp_path)
    assert (again.id, again.text, again.spans) == (doc.id, doc.text, doc.spans)


def test_bad_offsets_are_reported_with_location():
    bad = '{"id": "a", "text": "CD19", "label": [[0, 9, "TARGET"]]}'
    with pytest.raises(CorpusError, match="doccano:1: a span 0: bad offsets"):
        from_doccano(bad)
    with pytest.raises(CorpusError, match="discontinuous"):
        from_brat("CD19 CD20", "T1\tTARGET 0 2;5 7\tCD CD\n", "x.txt")
    with pytest.raises(CorpusError, match="unknown label 'GENE'"):
        from_brat("CD19", "T1\tGENE 0 4\tCD19\n", "x.txt")
