"""Running a pipeline over texts: long texts in pieces, offsets into each whole text, several processes.

- :func:`iter_piece_mentions` processes one text piece by piece (one piece in memory at a time).
- :func:`extract_documents` runs over many ``(key, text)`` items in input order, in this process
  or in worker processes that each load the pipeline once from a :class:`PipelineSpec` and send
  back plain mention dicts, never Docs. At most ``window`` documents are in flight, so memory does
  not grow with the number of inputs.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Iterable, Iterator

import regex
from spacy.language import Language

from .labels import SEEDS_KEY
from .mention import Mention, doc_mentions
from .text.pieces import CHUNK_CHARS, stream_windows, text_windows
from .text.textio import TextFile

MentionDict = dict[str, Any]
_NON_SPACE = regex.compile(r"\S")
# characters of context around each piece of a long text (more than any rule looks around a candidate)
CONTEXT_MARGIN = 1000


@dataclass(frozen=True)
class PipelineSpec:
    """How to load a pipeline in another process: the arguments of :func:`medie.load`."""

    path: str | None = None
    config: tuple[tuple[str, Any], ...] = field(default_factory=tuple)
    trained: bool = True
    name: str = "fast"

    def load(self) -> Language:
        from .pipeline import load

        return load(self.name, path=self.path, config=dict(self.config), trained=self.trained)


def _run(nlp: Language, text: str, seeds: dict | None = None, until: str | None = None):
    """Run the pipeline on ``text`` (up to the component ``until``, not included), handing the
    propagator the names found elsewhere in the document."""
    doc = nlp.make_doc(text)
    if seeds:
        doc.user_data[SEEDS_KEY] = seeds
    for name, proc in nlp.pipeline:
        if name == until:
            break
        doc = proc(doc)
    return doc


def iter_piece_mentions(nlp: Language, text: "str | TextFile", chunk_chars: int = CHUNK_CHARS,
                        margin: int = CONTEXT_MARGIN) -> Iterator[list[Mention]]:
    """The mentions of ``text``, one list per piece, offsets into the whole text; one piece in memory at a time.

    A text longer than ``chunk_chars`` is cut into pieces at sentence ends where it can be. Each
    piece is processed with ``margin`` characters of the text around it, so that every rule sees
    the same context as in the whole text, and keeps the mentions that start inside it: nothing is
    lost or changed at a cut. A first pass over the pieces collects the names the propagator spreads,
    so that a name found in one piece is labelled in the others as in the whole text. A
    :class:`~medie.text.textio.TextFile` is read block by block, twice, and never held whole.
    """
    if isinstance(text, TextFile):
        windows = lambda: stream_windows(text.blocks(), chunk_chars, margin)  # noqa: E731
    else:
        if not _NON_SPACE.search(text):
            return
        if len(text) <= chunk_chars:
            yield doc_mentions(nlp(text))
            return
        windows = lambda: text_windows(text, chunk_chars, margin)  # noqa: E731
    seeds: dict = {}
    if "medie_propagate" in nlp.pipe_names:
        propagator = nlp.get_pipe("medie_propagate")
        for _, _, _, window in windows():  # the names are known once the resolver has run
            for form, value in propagator.forms(_run(nlp, window, until="medie_propagate")).items():
                seeds.setdefault(form, value)
    taken_to = 0
    for start, end, lo, window in windows():
        kept = [m for m in doc_mentions(_run(nlp, window, seeds), offset=lo)
                if start <= m.start < end and m.start >= taken_to]
        if kept:
            taken_to = max(taken_to, max(m.end for m in kept))
        yield kept


def document_mentions(nlp: Language, text: str, chunk_chars: int = CHUNK_CHARS) -> list[MentionDict]:
    """All mentions of one text as plain dicts (what worker processes send back)."""
    return [m.to_dict() for piece in iter_piece_mentions(nlp, text, chunk_chars) for m in piece]


_worker_pipelines: dict[str, Language] = {}


def pipeline_for(spec: PipelineSpec) -> Language:
    """The pipeline of ``spec``, loaded once per process and kept for the process's later tasks."""
    key = repr(spec)
    nlp = _worker_pipelines.get(key)
    if nlp is None:
        nlp = _worker_pipelines[key] = spec.load()
    return nlp


def _task(spec: PipelineSpec, chunk_chars: int, key: Hashable, text: str) -> tuple[Hashable, list[MentionDict]]:
    return key, document_mentions(pipeline_for(spec), text, chunk_chars)


def _batch_task(spec: PipelineSpec, chunk_chars: int,
                items: list[tuple[Hashable, str]]) -> list[tuple[Hashable, list[MentionDict]]]:
    """Several short documents in one task (a task costs a few milliseconds on a cluster)."""
    nlp = pipeline_for(spec)
    return [(key, document_mentions(nlp, text, chunk_chars)) for key, text in items]


def extract_documents(items: Iterable[tuple[Hashable, str]], *, nlp: Language | None = None,
                      spec: PipelineSpec | None = None, n_process: int = 1, window: int | None = None,
                      chunk_chars: int = CHUNK_CHARS) -> Iterator[tuple[Hashable, Iterator[Mention]]]:
    """Yield ``(key, mentions)`` for each item, in input order.

    With ``n_process == 1`` the mentions of a document are produced lazily, piece by piece, by
    ``nlp`` (or the pipeline of ``spec``). With more processes each worker loads the pipeline of
    ``spec`` once; ``window`` (default ``4 * n_process``) bounds the documents in flight.
    """
    if n_process < 1:
        raise ValueError(f"n_process must be 1 or more, got {n_process}")
    if n_process == 1:
        pipeline = nlp if nlp is not None else pipeline_for(spec or PipelineSpec())
        for key, text in items:
            yield key, (m for piece in iter_piece_mentions(pipeline, text, chunk_chars) for m in piece)
        return
    spec = spec or PipelineSpec()
    with multiprocessing.get_context("spawn").Pool(n_process) as pool:
        submit = lambda item: pool.apply_async(_task, (spec, chunk_chars, *item))  # noqa: E731
        for key, dicts in in_order(submit, lambda result: result.get(), items, window or 4 * n_process):
            yield key, (Mention(d["start"], d["end"], d["label"], d["text"], d["attrs"]) for d in dicts)


def in_order(submit: Callable[[Any], Any], collect: Callable[[Any], Any], items: Iterable[Any],
             window: int) -> Iterator[Any]:
    """Submit items as room frees up, at most ``window`` pending, and collect the results in input order."""
    pending: deque = deque()
    source = iter(items)
    while True:
        for item in source:
            pending.append(submit(item))
            if len(pending) >= window:
                break
        if not pending:
            return
        yield collect(pending.popleft())
