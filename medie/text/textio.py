"""Reading text files whose encoding is not known in advance, and writing files so that a failure loses nothing."""

from __future__ import annotations

import codecs
import os
import tempfile
from pathlib import Path

BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class TextDecodeError(ValueError):
    """A file could not be decoded; the message names the file, the encoding tried and the offset."""


class BinaryFileError(TextDecodeError):
    """A file looks binary (NUL bytes without a UTF-16 byte-order mark)."""


def decode(data: bytes, name: str = "<bytes>", encoding: str | None = None) -> tuple[str, str]:
    """Decode ``data``; return the text and the encoding used.

    Without ``encoding``: a UTF-8 or UTF-16 byte-order mark decides; otherwise UTF-8, then
    GB18030 (a superset of GBK and GB2312).
    """
    if encoding:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as err:
            raise TextDecodeError(f"{name}: not valid {encoding} at byte offset {err.start}") from err
        except LookupError as err:
            raise TextDecodeError(f"{name}: unknown encoding {encoding!r}") from err
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError as err:
                raise TextDecodeError(f"{name}: has a {codec} byte-order mark but is not valid {codec} at byte offset {err.start}") from err
    nul = data.find(b"\x00")
    if nul >= 0:
        raise BinaryFileError(f"{name}: binary file (NUL byte at offset {nul})")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_err:
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            raise TextDecodeError(
                f"{name}: neither UTF-8 (first bad byte at offset {utf8_err.start}) nor GB18030; "
                "pass --encoding to say which encoding it is in"
            ) from utf8_err


def read_text(path: str | Path, encoding: str | None = None) -> str:
    """Read a text file, detecting its encoding (see :func:`decode`)."""
    path = Path(path)
    return decode(path.read_bytes(), str(path), encoding)[0]


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8, no newline translation) to a temporary file beside ``path``, then rename it.

    A failure part-way leaves an existing ``path`` as it was.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
