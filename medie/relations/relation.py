"""The relation record: a typed, directed link between two mentions of one text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..mention import Mention


@dataclass(frozen=True)
class Relation:
    """``head -type-> tail``; both are mentions with raw offsets."""

    type: str
    head: Mention
    tail: Mention

    def to_dict(self) -> dict[str, Any]:
        """The standoff form of spec v2.0."""
        return {"type": self.type, "head": [self.head.start, self.head.end], "tail": [self.tail.start, self.tail.end]}

    @property
    def key(self) -> tuple[str, int, int, int, int]:
        return self.type, self.head.start, self.head.end, self.tail.start, self.tail.end
