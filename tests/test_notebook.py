"""The rule-extension notebook runs from top to bottom and does what it says."""

from __future__ import annotations

import json
from pathlib import Path

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "extend_rules.ipynb"


def test_extend_rules_notebook_runs(monkeypatch, capsys):
    monkeypatch.delenv("MEDIE_RULES", raising=False)
    cells = [c for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    namespace: dict = {}
    for cell in cells:
        exec(compile("".join(cell["source"]), str(NOTEBOOK), "exec"), namespace)  # noqa: S102
    out = capsys.readouterr().out
    assert "RuleError:" in out and "unknown label 'MEDICINE'" in out
    before = {(label, text) for _, _, label, text, _ in namespace["before"]}
    after = {(label, text) for _, _, label, text, _ in namespace["after"]}
    assert ("DRUG", "安瑞克妥") in after - before
