"""Reading text files whose encoding is not known in advance, and writing files so that a failure loses nothing."""

from __future__ import annotations

import codecs
import os
import tempfile
from pathlib import Path
from contextlib import contextmanager
from typing import Iterator, TextIO

import regex

BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class TextDecodeError(ValueError):
    """A file could not be decoded; the message names the file, the encoding tried and the offset."""


class BinaryFileError(TextDecodeError):
    """A file looks binary (NUL bytes without a UTF-16 byte-order mark)."""


# what a wrong GB18030 reading of Latin-1 or other text looks like: a Chinese character inside a Latin
# word (r閜onse), private-use characters, or C1 control characters
_IMPLAUSIBLE = regex.compile(r"[A-Za-z][\p{Han}][A-Za-z]|[\p{Co}\x80-\x9f]")


def _wide_unicode_hint(data: bytes) -> str:
    """A hint when NUL bytes come from UTF-16 or UTF-32 text without a byte-order mark."""
    for codec, width in (("utf-32-le", 4), ("utf-32-be", 4), ("utf-16-le", 2), ("utf-16-be", 2)):
        if len(data) % width:
            continue
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in text)
        if text and printable / len(text) > 0.95:
            return f"it reads as {codec.upper()} text without a byte-order mark: pass --encoding {codec}"
    return ""


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
        hint = _wide_unicode_hint(data)
        raise BinaryFileError(f"{name}: binary file (NUL byte at offset {nul})" + (f"; {hint}" if hint else ""))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_err:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise TextDecodeError(
                f"{name}: neither UTF-8 (first bad byte at offset {utf8_err.start}) nor GB18030; "
                "pass --encoding to say which encoding it is in"
            ) from utf8_err
        odd = _IMPLAUSIBLE.search(text)
        if odd:
            raise TextDecodeError(
                f"{name}: not UTF-8 (first bad byte at offset {utf8_err.start}); read as GB18030 it has "
                f"implausible text at character {odd.start()} ({odd.group()!r}), so that is only a guess: "
                "pass --encoding (for example --encoding latin-1 or --encoding gb18030)"
            ) from utf8_err
        return text, "gb18030"


def text_files(folder: Path) -> list[Path]:
    """Every ``.txt`` file below ``folder`` (any case: ``A.TXT`` too), sorted: what a folder run reads."""
    return sorted(p for p in Path(folder).rglob("*") if p.suffix.lower() == ".txt" and p.is_file())


STREAM_BYTES = 16 * 1024 * 1024  # files larger than this are read block by block where possible
BLOCK_BYTES = 1024 * 1024


class TextFile:
    """A large UTF-8 text file read block by block (each time :meth:`blocks` is called), never whole."""

    def __init__(self, path: Path, encoding: str) -> None:
        self.path, self.encoding = path, encoding

    def blocks(self) -> Iterator[str]:
        decoder = codecs.getincrementaldecoder(self.encoding)(errors="strict")
        with open(self.path, "rb") as fh:
            while chunk := fh.read(BLOCK_BYTES):
                text = decoder.decode(chunk)
                if text:
                    yield text
            tail = decoder.decode(b"", final=True)
            if tail:
                yield tail

    def read(self) -> str:
        """The whole text (for the uses that need it at once: HTML, other processes)."""
        return "".join(self.blocks())


def open_text(path: str | Path, encoding: str | None = None, stream_bytes: int | None = None) -> "str | TextFile":
    """The text of ``path`` (see :func:`read_text`), or a :class:`TextFile` for a file larger than
    ``stream_bytes`` (default :data:`STREAM_BYTES`) that is valid UTF-8 (or in the ``encoding`` given),
    so that it is never held whole."""
    path = Path(path)
    if path.stat().st_size <= (STREAM_BYTES if stream_bytes is None else stream_bytes):
        return read_text(path, encoding)
    codec = encoding or "utf-8"
    try:
        decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    except LookupError as err:
        raise TextDecodeError(f"{path}: unknown encoding {codec!r}") from err
    with open(path, "rb") as fh:
        head = fh.read(4)
        if encoding is None and (head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE)):
            return read_text(path, encoding)
        if encoding is None and head.startswith(codecs.BOM_UTF8):
            codec = "utf-8-sig"
            decoder = codecs.getincrementaldecoder(codec)(errors="strict")
        fh.seek(0)
        try:
            while chunk := fh.read(BLOCK_BYTES):
                if encoding is None and b"\x00" in chunk:
                    return read_text(path, encoding)  # reported as binary (or UTF-16/32) there
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return read_text(path, encoding)  # GB18030 and the errors are handled on the whole file
    return TextFile(path, codec)


def read_text(path: str | Path, encoding: str | None = None) -> str:
    """Read a text file, detecting its encoding (see :func:`decode`)."""
    path = Path(path)
    return decode(path.read_bytes(), str(path), encoding)[0]


@contextmanager
def atomic_writer(path: str | Path) -> Iterator[TextIO]:
    """A text file (UTF-8, no newline translation) written beside ``path`` and renamed onto it on success.

    A failure part-way leaves an existing ``path`` as it was and removes the temporary file.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` through :func:`atomic_writer`."""
    with atomic_writer(path) as fh:
        fh.write(text)


def check_encodable(text: str) -> None:
    """Raise ``ValueError`` naming the offset of a character that cannot be written as UTF-8 (a lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise ValueError(f"text has a character that is not valid Unicode text ({text[err.start]!r}, a lone surrogate) "
                         f"at offset {err.start}") from None
