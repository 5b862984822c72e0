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


FINDINGS = NOTEBOOK.parent / "findings.ipynb"


def test_findings_notebook_gives_rows_per_arm_and_a_plot():
    cells = [c for c in json.loads(FINDINGS.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    namespace: dict = {}
    for cell in cells:
        exec(compile("".join(cell["source"]), str(FINDINGS), "exec"), namespace)  # noqa: S102
    frame = namespace["frame"]
    rows = {(d, e): v for d, e, v in zip(frame["drug"], frame["endpoint"], frame["value"])}
    assert rows[("ABC-123", "ORR")] == 41.2 and rows[("多西他赛", "ORR")] == 12.5
    assert set(frame["trial"]) == {"GALAXY-3"}
    fig = namespace["fig"]
    assert len(fig.axes) == 2 and all(len(ax.patches) == 2 for ax in fig.axes)
