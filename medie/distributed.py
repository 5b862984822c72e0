"""Running medie on a Dask cluster: documents grouped into tasks, results in input order.

Each worker process loads the pipeline once, from a picklable :class:`~medie.run.PipelineSpec`
(:func:`medie.run.pipeline_for`), and sends back plain mention dicts; the ``nlp`` object never
travels. At most ``window`` documents are in flight, so memory stays bounded and output streams.

    from medie.distributed import connect, extract

    client = connect("tcp://scheduler:8786")        # or "local", "local:4"
    for record in extract(["reports/"], client):   # {"id": path, "mentions": [...]}
        ...

Dask is an optional dependency: ``pip install 'medie[dask]'``.
"""

from __future__ import annotations

import os
import uuid
import warnings
from collections import deque
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any, Hashable, Iterable, Iterator, Union

from .mention import Mention
from .run import MentionDict, PipelineSpec, _batch_task, _task
from .text.pieces import CHUNK_CHARS
from .text.textio import TextDecodeError, read_text, text_files

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["DEFAULT_LOCAL_WORKERS", "connect", "extract", "iter_documents"]

DEFAULT_LOCAL_WORKERS = 2
WINDOW_PER_THREAD = 4
# documents are grouped into tasks of about this many characters: a task costs a few milliseconds
BATCH_CHARS = 20_000
# Texts longer than this are scattered to a worker first instead of riding in the task itself,
# so that the scheduler never holds them (and Dask does not warn about a large graph).
SCATTER_CHARS = 1_000_000
# A str this long, or with a line break, is text, never a file name.
_MAX_PATH_CHARS = 4096

Source = Union[str, "os.PathLike[str]"]


def _require_distributed():
    """The ``distributed`` module, or an ImportError that says how to install it."""
    try:
        import distributed
    except ImportError as err:
        raise ImportError(
            "medie.distributed needs Dask's distributed scheduler, which is not installed: "
            "pip install 'medie[dask]'"
        ) from err
    return distributed


def _local_workers(address: str) -> int | None:
    """N for ``"local"`` / ``"local:N"``, None for any other address."""
    name, sep, count = address.partition(":")
    if name != "local":
        return None
    if not sep:
        return DEFAULT_LOCAL_WORKERS
    if not count.isdigit() or int(count) < 1:
        raise ValueError(f"bad Dask address {address!r}: use 'local' or 'local:N' with N a number of workers of 1 or more")
    return int(count)


def _check_scheduler_address(address: str) -> None:
    """Raise ValueError unless ``address`` looks like a scheduler address Dask can connect to."""
    from distributed.comm import registry
    from distributed.comm.addressing import parse_address, parse_host_port

    hint = "expected 'local', 'local:N' or a scheduler address such as 'tcp://HOST:8786'"
    if not address or any(c.isspace() for c in address):
        raise ValueError(f"bad Dask address {address!r}: {hint}")
    scheme, location = parse_address(address)
    try:
        registry.get_backend(scheme)
    except ValueError as err:
        raise ValueError(f"bad Dask address {address!r}: {err}; {hint}") from None
    if scheme == "inproc":
        return
    try:
        host, port = parse_host_port(location)
    except ValueError as err:
        raise ValueError(f"bad Dask address {address!r}: {err}; {hint}") from None
    if not str(port).isdigit():
        raise ValueError(f"bad Dask address {address!r}: the port {port!r} is not a number; {hint}")
    if not host or not 0 < int(port) < 65536:
        raise ValueError(f"bad Dask address {address!r}: needs a host and a port between 1 and 65535; {hint}")


def connect(address: str, *, timeout: float | str | None = None, **cluster_options: Any) -> Client:
    """A Dask client for ``address``.

    ``"local"`` or ``"local:N"`` starts a local cluster of N worker processes (default 2), one
    thread each (``cluster_options`` go to its :class:`~distributed.LocalCluster`, e.g.
    ``memory_limit="2GB"`` or ``dashboard_address=":0"``); closing the client closes that cluster
    too. Any other value is a scheduler address (``"tcp://HOST:PORT"``, ``"tls://…"``; without a
    scheme Dask assumes ``tcp``), to which the client connects; ``timeout`` bounds the wait. A
    malformed address is a ValueError.
    """
    _require_distributed()
    import dask
    from distributed import Client

    if not isinstance(address, str):
        raise TypeError(f"the Dask address must be a str, got {type(address).__name__}")
    address = address.strip()
    n_workers = _local_workers(address)
    if n_workers is not None:
        # No address: the client starts its own LocalCluster and closes it on close(). A
        # scheduler address set in the Dask config would otherwise be used instead.
        options = {"threads_per_worker": 1, "processes": True} | cluster_options
        with dask.config.set({"scheduler-address": None}):
            return Client(n_workers=n_workers, **options)
    if cluster_options:
        raise TypeError(f"options for a local cluster given with the scheduler address {address!r}: {sorted(cluster_options)}")
    _check_scheduler_address(address)
    return Client(address, timeout=timeout) if timeout is not None else Client(address)


def _default_window(client: Client) -> int:
    threads = sum(client.nthreads().values())
    return WINDOW_PER_THREAD * max(1, threads)


def _batches(items: Iterable[tuple[Hashable, str]], batch_chars: int) -> Iterator[list[tuple[Hashable, str]]]:
    """Consecutive documents grouped until a group holds ``batch_chars`` characters (a long one alone)."""
    batch: list[tuple[Hashable, str]] = []
    size = 0
    for key, text in items:
        if not isinstance(text, str):
            raise TypeError(f"document {key!r}: medie expects text as str, got {type(text).__name__}")
        if batch and size + len(text) > batch_chars:
            yield batch
            batch, size = [], 0
        batch.append((key, text))
        size += len(text)
    if batch:
        yield batch


def _iter_dicts(items: Iterable[tuple[Hashable, str]], client: Client, spec: PipelineSpec,
                window: int | None, chunk_chars: int,
                batch_chars: int = BATCH_CHARS) -> Iterator[tuple[Hashable, list[MentionDict]]]:
    """Like :func:`iter_documents`, but with the workers' mention dicts as they come back."""
    if window is None:
        window = _default_window(client)
    if window < 1:
        raise ValueError(f"window must be 1 or more, got {window}")
    run_id = uuid.uuid4().hex[:12]
    pending: deque = deque()
    source = _batches(items, batch_chars)
    submitted = 0
    try:
        while True:
            while len(pending) < window:
                batch = next(source, None)
                if batch is None:
                    break
                if len(batch) == 1 and len(batch[0][1]) > SCATTER_CHARS:
                    key, text = batch[0]
                    future = client.submit(_task, spec, chunk_chars, key, client.scatter(text, hash=False), pure=False,
                                           key=f"medie-document-{run_id}-{submitted}")
                else:
                    future = client.submit(_batch_task, spec, chunk_chars, batch, pure=False,
                                           key=f"medie-documents-{run_id}-{submitted}")
                pending.append(([key for key, _ in batch], future))
                submitted += 1
            if not pending:
                return
            keys, future = pending.popleft()
            try:
                result = future.result()
            except Exception as err:
                if hasattr(err, "add_note"):
                    err.add_note(f"medie: while extracting document(s) {keys[:3]!r} on a Dask worker")
                raise
            del future
            yield from ([result] if isinstance(result, tuple) else result)
    finally:
        if pending:
            try:
                client.cancel([future for _, future in pending])
            except Exception:  # the client may be closing already; its futures go with it
                pass


def iter_documents(items: Iterable[tuple[Hashable, str]], client: Client, *, spec: PipelineSpec | None = None,
                   window: int | None = None, chunk_chars: int = CHUNK_CHARS,
                   batch_chars: int = BATCH_CHARS) -> Iterator[tuple[Hashable, list[Mention]]]:
    """Yield ``(key, mentions)`` for each ``(key, text)`` item, strictly in input order.

    Consecutive documents are grouped into tasks of about ``BATCH_CHARS`` characters (a long one
    alone); each task runs :func:`medie.run`'s worker function: the worker loads the pipeline of
    ``spec`` (default :class:`PipelineSpec()`) once per process and returns plain mention dicts.
    At most ``window`` tasks (default 4 × the cluster's worker threads) are submitted and not yet
    yielded; items are read from ``items`` only as room frees up.
    """
    _require_distributed()
    spec = spec or PipelineSpec()
    for key, dicts in _iter_dicts(items, client, spec, window, chunk_chars, batch_chars):
        yield key, [Mention(**d) for d in dicts]


def _as_path(item: Any) -> Path | None:
    """The path ``item`` names, or None when it is text (see :func:`extract`)."""
    if isinstance(item, os.PathLike):
        path = Path(item)
        if not path.exists():
            raise FileNotFoundError(f"medie: {path}: no such file or folder")
        return path
    if not isinstance(item, str):
        raise TypeError(f"medie.distributed.extract expects file paths, folders or str texts, got {type(item).__name__}")
    if "\n" in item or len(item) > _MAX_PATH_CHARS or not item.strip():
        return None
    try:
        if Path(item).exists():
            return Path(item)
    except (OSError, ValueError):  # not a possible file name: text
        return None
    if item.lower().endswith(".txt") and not any(c.isspace() for c in item):
        raise FileNotFoundError(f"medie: {item}: no such file or folder")
    return None


def _sources(paths_or_texts: Source | Iterable[Source], encoding: str | None) -> Iterator[tuple[Hashable, str]]:
    """``(id, text)`` for each input: files and every ``*.txt`` under folders read lazily, texts as given."""
    if isinstance(paths_or_texts, (str, os.PathLike)):
        paths_or_texts = [paths_or_texts]
    for index, item in enumerate(paths_or_texts):
        path = _as_path(item)
        if path is None:
            yield index, item
        elif path.is_dir():
            for file in text_files(path):
                try:
                    text = read_text(file, encoding)
                except TextDecodeError as err:  # as `medie extract FOLDER` does: skip and say so
                    warnings.warn(f"medie: skipped {err}", stacklevel=3)
                    continue
                yield str(file), text
        else:
            yield str(path), read_text(path, encoding)


def extract(paths_or_texts: Source | Iterable[Source], client: Client | None = None, *,
            spec: PipelineSpec | None = None, encoding: str | None = None, window: int | None = None,
            chunk_chars: int = CHUNK_CHARS) -> Iterator[dict[str, Any]]:
    """Yield ``{"id": ..., "mentions": [mention dicts]}`` per document, in input order, on Dask.

    Inputs are file paths, folders (every ``.txt`` file below, any case, sorted, as ``medie extract`` does;
    files that cannot be decoded are skipped with a warning) or texts. A :class:`~pathlib.Path`
    must exist; a str naming an existing file or folder is read, any other str is text (a
    single-word str ending in ``.txt`` that does not exist is a FileNotFoundError). The id of a
    file is its path, that of a text its index among the inputs. ``encoding`` as in
    :func:`medie.text.textio.read_text`. Without ``client`` a local cluster of 2 worker
    processes is started for the call and closed after it.
    """
    _require_distributed()
    spec = spec or PipelineSpec()
    own = client is None
    if own:
        client = connect("local", dashboard_address=":0")  # a short-lived cluster: any free port
    try:
        with closing(_iter_dicts(_sources(paths_or_texts, encoding), client, spec, window, chunk_chars)) as results:
            for key, dicts in results:
                yield {"id": key, "mentions": dicts}
    finally:
        if own:
            client.close()
