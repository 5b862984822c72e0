"""sha256 manifests of trained weights: written on save, checked on load."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Iterable

MANIFEST = "manifest.sha256.json"


class WeightsError(ValueError):
    """Trained weights that do not match their manifest (the message names the file and the rebuild command)."""


class MissingWeights(WeightsError, FileNotFoundError):
    """A weight file or the manifest itself is missing."""


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)


def write_manifest(folder: str | Path) -> Path:
    """Record the sha256 of every file under ``folder`` in its manifest (written atomically)."""
    folder = Path(folder)
    digests = {name: _digest(folder / name) for name in _files(folder)}
    out = folder / MANIFEST
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(digests, indent=1) + "\n", encoding="utf-8")
    tmp.replace(out)
    return out


def check_manifest(folder: str | Path, rebuild: str, required: Iterable[str] = ()) -> None:
    """Raise a clear error naming ``rebuild`` when the manifest or a file is missing or a sha256 differs."""
    folder = Path(folder)
    manifest = folder / MANIFEST
    if not manifest.is_file():
        raise MissingWeights(f"no weights manifest at {manifest}; rebuild the weights with `{rebuild}`")
    try:
        digests = json.loads(manifest.read_text(encoding="utf-8"))
        if not isinstance(digests, dict):
            raise ValueError("not a JSON object")
    except (ValueError, UnicodeDecodeError) as err:
        raise WeightsError(f"weights manifest {manifest} is corrupt ({err}); rebuild the weights with `{rebuild}`") from err
    for name in set(required) - set(digests):
        raise WeightsError(f"weights manifest {manifest} does not list {name}; rebuild the weights with `{rebuild}`")
    for name, digest in sorted(digests.items()):
        path = folder / name
        if not path.is_file():
            raise MissingWeights(f"weight file {path} is missing; rebuild the weights with `{rebuild}`")
        if _digest(path) != digest:
            raise WeightsError(f"weight file {path} does not match its sha256 in {manifest} (corrupted or edited); "
                             f"rebuild the weights with `{rebuild}`")
