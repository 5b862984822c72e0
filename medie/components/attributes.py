"""``medie_attributes``: normalised attributes of the mentions, and the normalisers behind them.

PHASE ``phase``; RESULT ``value``, ``unit``, ``qualifier``, ``low``/``high``; ``canonical`` for
lexicon names, and their ``codes`` (``ICD10:I50.0``) where the lexicon gives them. The normalisers take normalised text (``Ⅱ`` already ``II``, full-width characters ASCII).
"""

from __future__ import annotations

from typing import Any

import regex
from spacy.language import Language
from spacy.tokens import Doc

from ..labels import CODES_KEY
from ..mention import doc_text, set_span_attrs

ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4"}
CHINESE_DIGITS = {"一": "1", "二": "2", "两": "2", "三": "3", "四": "4"}
_PHASE_PART = regex.compile(r"(IV|I{1,3}|[1-4]|[一二两三四])\s*([aAbB])?")
_NUMBER = r"-?\d+(?:\.\d+)?"
_CN_NUMBER = r"[零一二两三四五六七八九十百千万亿]+"
_UNITS = {"%": "%", "个月": "月", "月": "月", "年": "年", "周": "周", "星期": "周", "天": "天", "日": "天",
          "d": "天", "h": "小时", "min": "分钟", "w": "周", "wk": "周", "公斤": "kg", "千克": "kg"}
_UNIT_WORDS = r"%|个月|月|年|周|星期|天|日|倍|例次|例|名|人|次|个|位|分|成|磅|公斤|千克"
_LATIN_UNIT = r"kPa|mmHg|μm|mm~2|mm2|mm|cm|mg/L|ng/mL|ng/ml|μg/mL|mg·h/L|min|wk|kg|lb|h|d|w"
_UNIT_RE = regex.compile(rf"({_UNIT_WORDS}|{_LATIN_UNIT})$")
_MEAN_SD = regex.compile(r"(-?\d+(?:\.\d+)?)\s?(%?)\s?±\s?\d+(?:\.\d+)?\s?%?")
# a unit written after the closing bracket of a value: (45.5±3.2)d, 1.0(0.1~7.0)个月
_UNIT_AFTER_BRACKET = regex.compile(rf"^\s?(?:[(（][^()（）]{{1,24}}[)）]|[)）])\s?({_UNIT_WORDS}|{_LATIN_UNIT})(?![A-Za-z])")
_QUAL_SIGN = {">": "gt", "≥": "ge", "<": "lt", "≤": "le", "~": "approx"}
_LEFT_QUAL = [
    (regex.compile(r"(?:大约|约|近|接近)$"), "approx"),
    (regex.compile(r"(?:超过|大于|高于|多于)$"), "gt"),
    (regex.compile(r"(?:至少|不少于|不低于)$"), "ge"),
    (regex.compile(r"(?:不超过|至多)$"), "le"),
    (regex.compile(r"(?:低于|不到|少于|小于|不足)$"), "lt"),
]
_RIGHT_QUAL = [(regex.compile(r"^以上"), "ge"), (regex.compile(r"^以下"), "le"), (regex.compile(r"^左右"), "approx")]
# one value of a list that shares a unit: a number, or a mean with its SD in brackets ((1.50±1.00))
_LIST_ITEM = rf"[(（]?\s*{_NUMBER}(?:\s*±\s*{_NUMBER})?\s*[)）]?"
_SHARED_UNIT = regex.compile(
    rf"^\s*[)）]?\s*(?:和|、|,|与|及|或|vs\.?|比|/|至)\s*(?:{_LIST_ITEM}\s*(?:和|、|,|与|及|或|vs\.?|比)\s*)*{_LIST_ITEM}"
    rf"\s*(%|个月|月|年|周|天|倍|{_LATIN_UNIT})(?![A-Za-z])"
    r"(?!\s?(?:CI|ci|置信|可信))"  # the level of a confidence interval (OR=1.5, 95%CI …) is no shared unit
)


def normalize_phase(text: str) -> str | None:
    """``Ⅱ期``/``II期``/``phase 2`` → ``2``; ``Ib期`` → ``1b``; ``I/II期`` → ``1/2``; None if not a phase."""
    body = regex.sub(r"(?i)^phase\s*|\s*(?:期|阶段)$", "", text.strip())
    body = regex.sub(r"(?<=I)\s+(?=I)", "", body)  # letters spaced out by PDF layout: I I I期
    parts = []
    for piece in regex.split(r"\s*/\s*", body):
        m = _PHASE_PART.fullmatch(piece)
        if not m:
            return None
        num = ROMAN.get(m.group(1)) or CHINESE_DIGITS.get(m.group(1)) or m.group(1)
        parts.append(num + (m.group(2) or "").lower())
    return "/".join(parts) if parts else None


def _number(text: str) -> float | int | None:
    text = text.strip()
    if regex.fullmatch(_NUMBER, text):
        value = float(text)
        return int(value) if value.is_integer() and "." not in text else value
    if regex.fullmatch(_CN_NUMBER, text):
        import cn2an  # imported on first use: it costs a fifth of a second

        try:
            return int(cn2an.cn2an(text, "smart"))
        except (ValueError, KeyError):
            return None
    return None


def parse_result(text: str, left: str = "", right: str = "") -> dict[str, Any]:
    """Attributes of a RESULT span given the text just before and after it."""
    attrs: dict[str, Any] = {}
    body = text.strip()
    if body and body[0] in _QUAL_SIGN:
        attrs["qualifier"] = _QUAL_SIGN[body[0]]
        body = body[1:].strip()
    unit = None
    m = _UNIT_RE.search(body)
    if m and not regex.fullmatch(r"[A-Za-z]+", body):
        unit = m.group(1)
        body = body[: m.start()].strip()
    mean_sd = _MEAN_SD.fullmatch(body)
    if mean_sd:  # a mean with its SD: the value is the mean
        body = mean_sd.group(1)
        if mean_sd.group(2):
            unit = "%"
    if unit is None:
        after = _UNIT_AFTER_BRACKET.match(right)
        if after:
            unit = after.group(1)
    if regex.search(r"[多余]$", body):
        attrs["qualifier"] = "gt"
        body = body[:-1]
    fraction = regex.fullmatch(r"(\d+)\s*/\s*(\d+)", body)
    rng = regex.fullmatch(rf"({_NUMBER}|{_CN_NUMBER})\s*%?\s*(?:~|-|–|—|至|到)\s*({_NUMBER}|{_CN_NUMBER})", body)
    if fraction:
        attrs["value"] = f"{fraction.group(1)}/{fraction.group(2)}"
    elif rng:
        low, high = _number(rng.group(1)), _number(rng.group(2))
        if low is not None and high is not None:
            attrs["low"], attrs["high"] = low, high
    else:
        value = _number(body)
        if value is not None:
            attrs["value"] = value
    if unit is None and not fraction:
        shared = _SHARED_UNIT.match(right)
        if shared:
            unit = shared.group(1)
    if unit is not None:
        attrs["unit"] = _UNITS.get(unit, unit)
    if "qualifier" not in attrs:
        for pattern, qual in _LEFT_QUAL:
            if pattern.search(left):
                attrs["qualifier"] = qual
                break
        else:
            for pattern, qual in _RIGHT_QUAL:
                if pattern.search(right):
                    attrs["qualifier"] = qual
                    break
    return attrs


CONTEXT_WINDOW = 8


@Language.factory("medie_attributes", default_config={})
def make_attribute_setter(nlp: Language, name: str) -> "AttributeSetter":
    return AttributeSetter(name)


class AttributeSetter:
    """Normalised attributes per entity: PHASE ``phase``, RESULT value/unit/qualifier, ``canonical`` names."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        ents = list(doc.ents)
        shared = _bracket_canonicals(text, ents)
        for i, ent in enumerate(ents):
            attrs: dict = {}
            if ent.label_ == "PHASE":
                phase = normalize_phase(ent.text)
                if phase:
                    attrs["phase"] = phase
            elif ent.label_ == "RESULT":
                left = text[max(0, ent.start_char - CONTEXT_WINDOW) : ent.start_char]
                attrs = parse_result(ent.text, left, text[ent.end_char : ent.end_char + 4 * CONTEXT_WINDOW])
            elif ent.kb_id_ or i in shared:
                attrs["canonical"] = ent.kb_id_ or shared[i]
                codes = doc.user_data.get((CODES_KEY, ent.start_char, ent.end_char))
                if codes:
                    attrs["codes"] = codes
            set_span_attrs(ent, attrs)
        return doc


_BRACKET_BETWEEN = regex.compile(r"\s?[(（]\s?")


def _bracket_canonicals(text: str, ents: list) -> dict[int, str]:
    """One canonical name for a name and the alias in brackets right after it (``德某单抗（Dato-DXd）``):
    where only one of the two has a canonical, the index of the other → that canonical."""
    out: dict[int, str] = {}
    for i in range(len(ents) - 1):
        a, b = ents[i], ents[i + 1]
        if a.label_ != b.label_ or a.label_ in ("PHASE", "RESULT") or bool(a.kb_id_) == bool(b.kb_id_):
            continue
        if _BRACKET_BETWEEN.fullmatch(text, a.end_char, b.start_char):
            out[i if b.kb_id_ else i + 1] = a.kb_id_ or b.kb_id_
    return out
