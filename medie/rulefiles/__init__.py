"""The rule-data layer: finding, reading and validating the rule files in ``rules/``.

``lexicon`` reads the TSV lexicons, ``patterns`` the regex span patterns and context rules,
``check`` runs every rule's examples and explains which rule found what in an article.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path


class RuleError(ValueError):
    """A rule file is broken; the message names the file, the line and the problem."""

    def __init__(self, path: str | Path, line: int | None, problem: str) -> None:
        self.path, self.line, self.problem = str(path), line, problem
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {problem}")


def rules_dir() -> Path:
    """The rule data directory: ``$MEDIE_RULES``, the installed copy, or the source checkout."""
    env = os.environ.get("MEDIE_RULES")
    if env:
        path = Path(env).expanduser()
        if not path.is_dir():
            raise FileNotFoundError(f"MEDIE_RULES points to {path}, which is not a directory")
        return path
    installed = Path(str(resources.files("medie") / "rules"))
    if installed.is_dir():
        return installed
    checkout = Path(__file__).resolve().parent.parent.parent / "rules"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("medie rule data not found: reinstall medie or set MEDIE_RULES to a rules/ folder")


def copy_rule_files(files: list[Path], dest: str | Path) -> None:
    """Snapshot rule files into a pipeline directory (used by the components' ``to_disk``)."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for src in files:
        (dest / src.name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
