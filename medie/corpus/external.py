"""Third-party labelled sets (``../shared/external``) read into medie's DRUG and DISEASE labels.

Each reader returns :class:`~medie.corpus.gold.Document` objects whose spans carry medie labels.
The sets follow other guidelines (``external/README.md``); two things are applied on top:

- **label mapping**: CMeEE ``dru``/``dis``, cMedQANER ``drug``/``disease``, Yidu-S4K ``药物``/
  ``疾病和诊断`` → ``DRUG``/``DISEASE``; every other type is left out. A span nested inside a longer
  span of the same label is left out too (medie's spans do not nest; the longer name wins), and
  whitespace at the edges of a gold span is trimmed.
- **class filter** (``filtered=True``): gold DRUG spans that name a class, modality or generic
  substance rather than a product or agent (``抗生素``, ``糖皮质激素``, ``降压药``, ``疫苗``,
  ``化疗``: :data:`DRUG_CLASS`) are dropped from the gold, and predictions overlapping them are not
  counted, because medie's DRUG excludes classes by its spec.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

import regex

from .gold import REPO, CorpusError, Document

if TYPE_CHECKING:
    from .evaluate import Report

SETS = ("cmeee", "cmedqaner", "yidu")
LABELS = ("DRUG", "DISEASE")
CMEEE_DEV_SIZE = 2000
CMEEE_SEED = 13

# A gold DRUG whose whole text matches this names a class of drugs, not a drug.
DRUG_CLASS = regex.compile(
    r"(?:.{0,8}(?:类|类药物?|类药|剂|药物|药|激素|疫苗|菌苗|制剂|疗法|治疗|化疗|抗体|素类)"
    r"|抗生素|抗菌素|激素|维生素|化疗|中药|西药|中成药|草药|偏方|补品|保健品|营养品|输液|吊瓶|消炎针)",
)
# ... unless it is a named product whose name happens to end in 剂/药 (e.g. 颗粒剂 forms of a named drug)
DRUG_PRODUCT = regex.compile(r".+(?:颗粒剂|散剂|注射剂|喷雾剂|气雾剂|滴剂|栓剂|贴剂|口服液|胶囊|片|丸|膏|注射液)")


def external_dir(path: str | Path | None = None) -> Path:
    chosen = Path(path) if path else Path(os.environ.get("MEDIE_EXTERNAL") or REPO.parent / "shared" / "external")
    if not chosen.is_dir():
        raise CorpusError(f"external data folder {chosen} not found: pass --external-dir DIR or set MEDIE_EXTERNAL")
    return chosen


def is_drug_class(text: str) -> bool:
    """True when a gold DRUG string names a class or modality (see module docstring)."""
    text = text.strip()
    return bool(DRUG_CLASS.fullmatch(text)) and not DRUG_PRODUCT.fullmatch(text)


def _outermost(spans: list[dict]) -> list[dict]:
    """Drop spans nested in a longer span of the same label; keep the rest sorted."""
    spans = sorted(spans, key=lambda s: (s["start"], -(s["end"] - s["start"])))
    out: list[dict] = []
    for s in spans:
        if any(o["label"] == s["label"] and o["start"] <= s["start"] and s["end"] <= o["end"] for o in out):
            continue
        out.append(s)
    return out


def _span(text: str, start: int, end: int, label: str, where: str) -> dict:
    """A gold span; whitespace at its edges (Yidu has some: ``希罗达 ``) is trimmed, as medie's spans never have it."""
    if not (0 <= start < end <= len(text)):
        raise CorpusError(f"{where}: span [{start}, {end}) outside a text of {len(text)} characters")
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return {"start": start, "end": end, "label": label, "text": text[start:end], "attrs": {}}


def read_cmeee(folder: Path, sample: int | None = CMEEE_DEV_SIZE, seed: int = CMEEE_SEED) -> list[Document]:
    """CMeEE v1 ``train.txt`` (``text|||start end type|||…``, end inclusive); a fixed random sample."""
    path = folder / "cmeee_v1" / "train.txt"
    mapping = {"dru": "DRUG", "dis": "DISEASE"}
    docs = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        text, *fields = line.split("|||")
        spans = []
        for field in fields:
            parts = field.split()
            if not parts:
                continue
            if len(parts) != 3:
                raise CorpusError(f"{path}:{lineno}: malformed entity {field!r}")
            start, end, kind = int(parts[0]), int(parts[1]) + 1, parts[2]
            if kind in mapping:
                spans.append(_span(text, start, end, mapping[kind], f"{path}:{lineno}"))
        docs.append(Document(f"cmeee:{lineno}", text, _outermost(spans)))
    if sample is not None and sample < len(docs):
        docs = sorted(random.Random(seed).sample(docs, sample), key=lambda d: int(d.id.split(":")[1]))
    return docs


def read_cmedqaner(folder: Path, splits: Iterable[str] = ("dev", "test")) -> list[Document]:
    """cMedQANER JSON lines; mentions whose offset does not match their text are left out (and counted)."""
    mapping = {"drug": "DRUG", "disease": "DISEASE"}
    docs = []
    for split in splits:
        path = folder / "cmedqaner" / f"{split}.json"
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            rec = json.loads(line)
            text, spans = rec["text"], []
            for m in rec.get("mention_data", []):
                if m.get("type") not in mapping:
                    continue
                start = int(m["offset"])
                end = start + len(m["mention"])
                if text[start:end] != m["mention"]:
                    continue  # the set has a few offsets that do not match their mention
                spans.append(_span(text, start, end, mapping[m["type"]], f"{path}:{lineno}"))
            docs.append(Document(f"cmedqaner:{split}:{lineno}", text, _outermost(spans)))
    return docs


def read_yidu(folder: Path) -> list[Document]:
    """Yidu-S4K training records (JSON lines, BOM on the first line, ``end_pos`` exclusive)."""
    mapping = {"药物": "DRUG", "疾病和诊断": "DISEASE"}
    docs = []
    for part in (1, 2):
        path = folder / "yidu_s4k_train" / f"subtask1_training_part{part}.txt"
        for lineno, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
            line = line.lstrip("\ufeff")
            if not line.strip():
                continue
            rec = json.loads(line)
            text = rec["originalText"]
            spans = [_span(text, e["start_pos"], e["end_pos"], mapping[e["label_type"]], f"{path}:{lineno}")
                     for e in rec["entities"] if e["label_type"] in mapping]
            docs.append(Document(f"yidu:{part}:{lineno}", text, _outermost(spans)))
    return docs


READERS: dict[str, Callable[[Path], list[Document]]] = {"cmeee": read_cmeee, "cmedqaner": read_cmedqaner, "yidu": read_yidu}


def load_external(name: str, folder: str | Path | None = None) -> list[Document]:
    """The documents of one external set (``cmeee``: the fixed development sample)."""
    if name not in READERS:
        raise ValueError(f"unknown external set {name!r}; choose one of {', '.join(SETS)}")
    return READERS[name](external_dir(folder))


def filter_classes(gold: dict[str, list[dict]], pred: dict[str, list[dict]]) -> tuple[dict, dict]:
    """Apply the class filter: drop class-name gold DRUGs and the predictions that overlap them."""
    fgold, fpred = {}, {}
    for doc_id, spans in gold.items():
        dropped = [s for s in spans if s["label"] == "DRUG" and is_drug_class(s["text"])]
        fgold[doc_id] = [s for s in spans if s not in dropped]
        fpred[doc_id] = [p for p in pred.get(doc_id, []) if not any(
            p["start"] < d["end"] and d["start"] < p["end"] for d in dropped)]
    return fgold, fpred


def score_external(nlp, name: str, folder: str | Path | None = None) -> dict[str, "Report"]:
    """DRUG and DISEASE scores of ``nlp`` on one external set, raw and with the class filter."""
    from .evaluate import score
    from .train import predict

    docs = load_external(name, folder)
    gold = {d.id: d.spans for d in docs}
    pred = {doc_id: [m for m in spans if m["label"] in LABELS] for doc_id, spans in predict(nlp, docs).items()}
    return {"raw": score(gold, pred), "filtered": score(*filter_classes(gold, pred))}
