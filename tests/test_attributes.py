"""Attribute normalisers on our own strings."""

from __future__ import annotations

import pytest

from medie.components.attributes import normalize_phase, parse_result
from medie.text.normalize import normalize


@pytest.mark.parametrize(
    "raw, phase",
    [("Ⅱ期", "2"), ("II期", "2"), ("2期", "2"), ("III 期", "3"), ("1a 期", "1a"), ("Ib期", "1b"),
     ("I/II期", "1/2"), ("Ⅱ/Ⅲ期", "2/3"), ("phase 2", "2"), ("Phase III", "3"), ("二期", "2"), ("ＩＶ期", "4"),
     ("I I I期", "3"), ("二阶段", "2"), ("三階段", "3")],
)
def test_phase(raw, phase):
    assert normalize_phase(normalize(raw).text) == phase


def test_not_a_phase():
    assert normalize_phase("晚期") is None


@pytest.mark.parametrize(
    "text, left, right, attrs",
    [
        ("88.2%", "总反应率为", "", {"value": 88.2, "unit": "%"}),
        ("89%", "", "出现客观缓解", {"value": 89, "unit": "%"}),
        ("一万多倍", "提高了", "", {"value": 10000, "unit": "倍", "qualifier": "gt"}),
        ("两例", "其中有", "患者出现", {"value": 2, "unit": "例"}),
        ("73%~100%", "", "", {"low": 73, "high": 100, "unit": "%"}),
        ("11/12", "", "(92%)", {"value": "11/12"}),
        ("≥50%", "", "", {"value": 50, "unit": "%", "qualifier": "ge"}),
        ("60%", "约", "的患者", {"value": 60, "unit": "%", "qualifier": "approx"}),
        ("90%", "", "以上患者", {"value": 90, "unit": "%", "qualifier": "ge"}),
        ("10.1", "", "和9.9个月", {"value": 10.1, "unit": "月"}),
        ("9.9个月", "10.1和", "", {"value": 9.9, "unit": "月"}),
        ("0.46", "HR=", "", {"value": 0.46}),
        ("-1.5", "", "", {"value": -1.5}),
        ("3周", "", "", {"value": 3, "unit": "周"}),
        ("2.1 kg", "减重", "", {"value": 2.1, "unit": "kg"}),
        ("1.5", "女性(OR=", ",95%CI 1.1~2.0)", {"value": 1.5}),
        ("2.94", "RR=", ",95% CI(1.2~7.1)", {"value": 2.94}),
        ("1.70±0.99", "tmax为(", ")、(1.50±1.00)、(1.92±0.41)h", {"value": 1.7, "unit": "小时"}),
        ("1.2公斤", "减重", "", {"value": 1.2, "unit": "kg"}),
    ],
)
def test_result(text, left, right, attrs):
    assert parse_result(text, left, right) == attrs


@pytest.mark.parametrize("text,right,expected", [
    ("4.8±1.47kPa", "", {"value": 4.8, "unit": "kPa"}),
    ("45.5±3.2", ")d和", {"value": 45.5, "unit": "天"}),
    ("31%±16%", "", {"value": 31, "unit": "%"}),
    ("1.0", "(0.1~7.0)个月", {"value": 1.0, "unit": "月"}),
    ("2.6±0.5", ")h,", {"value": 2.6, "unit": "小时"}),
    ("七成", "", {"value": 7, "unit": "成"}),
    ("9.5分", "", {"value": 9.5, "unit": "分"}),
])
def test_means_with_sd_and_units_after_brackets(text, right, expected):
    assert parse_result(text, "", right) == expected
