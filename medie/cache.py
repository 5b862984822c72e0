"""medie's cache directory: built artefacts that can always be rebuilt from what ships.

Holds the pkuseg model converted for the ``pkuseg`` segmenter and the built lexicon automata (so
that ``medie.load()`` does not re-read and re-index 40,000 surface forms every time). Each entry is
named by a hash of everything it was built from; an entry that cannot be read is rebuilt, and one
that cannot be written is simply not kept. ``$MEDIE_CACHE`` chooses the directory; ``MEDIE_CACHE=off``
turns the lexicon cache off.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

KEEP = 12  # entries kept per kind: the default lexicon and those of a cross-validation's folds


def cache_dir() -> Path:
    """Where medie keeps built artefacts: ``$MEDIE_CACHE`` or the user cache directory."""
    env = os.environ.get("MEDIE_CACHE")
    if env and env != "off":
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "medie"


def cache_enabled() -> bool:
    return os.environ.get("MEDIE_CACHE") != "off"


def read_entry(kind: str, key: str) -> bytes | None:
    """The bytes cached under ``kind/key``, or None when there are none (or they cannot be read)."""
    path = cache_dir() / kind / key
    try:
        data = path.read_bytes()
        os.utime(path)  # the newest entries are the ones in use (see write_entry)
    except OSError:
        return None
    return data


def write_entry(kind: str, key: str, data: bytes, keep: int = KEEP) -> bool:
    """Store ``data`` under ``kind/key`` atomically (a reader never sees half a file) and drop all but
    the ``keep`` newest entries of ``kind``; False if it cannot be stored."""
    folder = cache_dir() / kind
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{key}.")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, folder / key)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        entries = sorted((p for p in folder.iterdir() if not p.name.startswith(".")),
                         key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[keep:]:
            old.unlink(missing_ok=True)
    except OSError:
        return False
    return True
