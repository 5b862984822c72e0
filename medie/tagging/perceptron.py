"""An averaged structured perceptron over BILUO tags, decoded with Viterbi.

Sparse string features (one list per token) are mapped to rows of a weight matrix by a feature
index built in training; unknown features are ignored at prediction time. Scores of a sequence
are the sums of the rows of its tokens' features plus tag-to-tag transition weights. Transitions
that BILUO forbids (``O`` → ``I-X``, ``B-X`` → ``B-Y`` …) are never taken, so every decoded
sequence is a set of well-formed, non-overlapping spans.
"""

from __future__ import annotations

import random
from typing import Iterable, Sequence

import numpy

NEG = -1e9


def biluo_tags(labels: Iterable[str]) -> list[str]:
    """``O`` and ``B-``, ``I-``, ``L-``, ``U-`` for each label."""
    return ["O"] + [f"{p}-{lab}" for lab in labels for p in "BILU"]


def allowed_transitions(tags: Sequence[str]) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """Masks (0 or ``NEG``) for start → tag, tag → tag and tag → end under BILUO."""
    n = len(tags)
    start, end, trans = numpy.zeros(n), numpy.zeros(n), numpy.full((n, n), NEG)
    for j, cur in enumerate(tags):
        if cur[0] in "IL":
            start[j] = NEG
        if cur[0] in "BI":
            end[j] = NEG
        for i, prev in enumerate(tags):
            inside = prev[0] in "BI"
            if inside and cur[0] in "IL" and prev[2:] == cur[2:]:
                trans[i, j] = 0.0
            elif not inside and cur[0] in "OBU":
                trans[i, j] = 0.0
    return start, trans, end


def spans_to_tags(n: int, spans: Iterable[tuple[int, int, str]], tags: Sequence[str]) -> list[int]:
    """Tag ids of ``n`` tokens from (start token, end token, label) spans (later overlapping spans are skipped)."""
    index = {t: i for i, t in enumerate(tags)}
    out = [0] * n
    for start, end, label in sorted(spans):
        if end <= start or any(out[start:end]) or f"U-{label}" not in index:
            continue
        if end - start == 1:
            out[start] = index[f"U-{label}"]
        else:
            out[start] = index[f"B-{label}"]
            for k in range(start + 1, end - 1):
                out[k] = index[f"I-{label}"]
            out[end - 1] = index[f"L-{label}"]
    return out


def tags_to_spans(seq: Sequence[int], tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """(start token, end token, label) spans of a well-formed BILUO tag-id sequence."""
    spans, start = [], 0
    for i, t in enumerate(seq):
        tag = tags[t]
        if tag[0] == "U":
            spans.append((i, i + 1, tag[2:]))
        elif tag[0] == "B":
            start = i
        elif tag[0] == "L":
            spans.append((start, i + 1, tag[2:]))
    return spans


class Perceptron:
    """Weights of features × tags and tag transitions; :meth:`fit` trains, :meth:`predict` decodes."""

    def __init__(self, tags: Sequence[str], features: Sequence[str] = (), weights: numpy.ndarray | None = None,
                 transitions: numpy.ndarray | None = None) -> None:
        self.tags = list(tags)
        self.index = {f: i for i, f in enumerate(features)}
        n = len(self.tags)
        self.weights = weights if weights is not None else numpy.zeros((len(self.index), n), dtype=numpy.float32)
        self.transitions = transitions if transitions is not None else numpy.zeros((n + 1, n), dtype=numpy.float32)
        if self.weights.shape != (len(self.index), n) or self.transitions.shape != (n + 1, n):
            raise ValueError(f"weights {self.weights.shape} / transitions {self.transitions.shape} do not fit "
                             f"{len(self.index)} features and {n} tags")
        self._start, self._trans, self._end = allowed_transitions(self.tags)

    @property
    def features(self) -> list[str]:
        return sorted(self.index, key=self.index.__getitem__)

    def _ids(self, feats: Sequence[Sequence[str]]) -> tuple[numpy.ndarray, numpy.ndarray]:
        get = self.index.get
        ids, offsets = [], []
        for token in feats:
            offsets.append(len(ids))
            ids.extend(i for i in map(get, token) if i is not None)
        return numpy.asarray(ids, dtype=numpy.int64), numpy.asarray(offsets, dtype=numpy.int64)

    def _scores(self, ids: numpy.ndarray, offsets: numpy.ndarray, weights: numpy.ndarray) -> numpy.ndarray:
        n = len(offsets)
        counts = numpy.diff(numpy.append(offsets, len(ids)))
        if n and counts.min() > 0:  # the usual case: every token has a known feature (the bias)
            return numpy.add.reduceat(weights[ids].astype(numpy.float64), offsets, axis=0)
        out = numpy.zeros((n, len(self.tags)), dtype=numpy.float64)
        numpy.add.at(out, numpy.repeat(numpy.arange(n), counts), weights[ids])
        return out

    def _viterbi(self, scores: numpy.ndarray, transitions: numpy.ndarray) -> list[int]:
        n = len(scores)
        if n == 0:
            return []
        trans = transitions[1:] + self._trans
        best = scores[0] + transitions[0] + self._start
        back = numpy.zeros((n, len(self.tags)), dtype=numpy.int64)
        cols = numpy.arange(len(self.tags))
        for i in range(1, n):
            cand = best[:, None] + trans
            back[i] = cand.argmax(axis=0)
            best = cand[back[i], cols] + scores[i]
        best = best + self._end
        path = [int(best.argmax())]
        for i in range(n - 1, 0, -1):
            path.append(int(back[i, path[-1]]))
        return path[::-1]

    def predict(self, feats: Sequence[Sequence[str]]) -> list[int]:
        """The best tag-id sequence for one sequence of token features."""
        ids, offsets = self._ids(feats)
        return self._viterbi(self._scores(ids, offsets, self.weights), self.transitions)

    def fit(self, data: Sequence[tuple[Sequence[Sequence[str]], Sequence[int]]], epochs: int = 10,
            seed: int = 13, min_count: int = 1, dropout: float = 0.0, protect: tuple[str, ...] = (),
            learn_transitions: bool = True, margin: float = 1.0) -> None:
        """Train on (token features, gold tag ids) sequences; the averaged weights are kept.

        Features seen fewer than ``min_count`` times are left out; ``dropout`` hides that share of
        each token's features (never the bias, nor features starting with one of ``protect``) at
        every visit, so that the model leans on the protected features rather than memorising.
        Decoding in training adds ``margin`` to every wrong tag, so the gold path must win by it
        (a perceptron that stops at ties generalises poorly).
        """
        counts: dict[str, int] = {}
        for feats, _ in data:
            for token in feats:
                for f in token:
                    counts[f] = counts.get(f, 0) + 1
        self.index = {f: i for i, f in enumerate(sorted(f for f, c in counts.items() if c >= min_count))}
        n_tags = len(self.tags)
        w = numpy.zeros((len(self.index), n_tags), dtype=numpy.float64)
        acc = numpy.zeros_like(w)
        tr = numpy.zeros((n_tags + 1, n_tags), dtype=numpy.float64)
        tr_acc = numpy.zeros_like(tr)
        guarded = numpy.array([f.startswith(protect) if protect else False for f in self.features], dtype=bool)
        encoded = [(*self._ids(feats), numpy.asarray(gold, dtype=numpy.int64)) for feats, gold in data]
        order = list(range(len(encoded)))
        rng, step = random.Random(seed), 1
        noise = numpy.random.default_rng(seed)
        for _ in range(epochs):
            rng.shuffle(order)
            for k in order:
                ids, offsets, gold = encoded[k]
                if dropout > 0 and len(ids):
                    ids, offsets = _drop(ids, offsets, dropout, noise, guarded)
                scores = self._scores(ids, offsets, w) + margin  # cost-augmented: gold must win by a margin
                scores[numpy.arange(len(gold)), gold] -= margin
                pred = numpy.asarray(self._viterbi(scores, tr), dtype=numpy.int64)
                wrong = numpy.flatnonzero(pred != gold)
                if len(wrong):
                    self._update(w, acc, ids, offsets, wrong, gold, pred, step)
                if len(wrong) and learn_transitions:
                    prev_g = numpy.concatenate(([0], gold[:-1] + 1))
                    prev_p = numpy.concatenate(([0], pred[:-1] + 1))
                    diff = numpy.flatnonzero((prev_g != prev_p) | (gold != pred))
                    for arr, sign in ((numpy.stack([prev_g[diff], gold[diff]]), 1.0), (numpy.stack([prev_p[diff], pred[diff]]), -1.0)):
                        numpy.add.at(tr, (arr[0], arr[1]), sign)
                        numpy.add.at(tr_acc, (arr[0], arr[1]), sign * step)
                step += 1
        w = w - acc / step
        if dropout > 0:  # at prediction every feature is seen: scale the dropped ones to their training share
            thinned = ~guarded
            for ids, offsets, _ in encoded:  # the first feature of each token (its bias) was never dropped
                thinned[ids[offsets[offsets < len(ids)]]] = False
            w[thinned] *= 1.0 - dropout
        used = numpy.flatnonzero(numpy.abs(w).max(axis=1) > 1e-6)  # features never updated carry no weight
        features = self.features
        self.index = {features[i]: k for k, i in enumerate(used)}
        self.weights = w[used].astype(numpy.float32)
        self.transitions = (tr - tr_acc / step).astype(numpy.float32)

    @staticmethod
    def _update(w: numpy.ndarray, acc: numpy.ndarray, ids: numpy.ndarray, offsets: numpy.ndarray,
                wrong: numpy.ndarray, gold: numpy.ndarray, pred: numpy.ndarray, step: int) -> None:
        ends = numpy.append(offsets[1:], len(ids))
        rows, cols, signs = [], [], []
        for i in wrong:
            feats = ids[offsets[i] : ends[i]]
            rows += [feats, feats]
            cols += [numpy.full(len(feats), gold[i]), numpy.full(len(feats), pred[i])]
            signs += [numpy.ones(len(feats)), -numpy.ones(len(feats))]
        r, c, s = numpy.concatenate(rows), numpy.concatenate(cols), numpy.concatenate(signs)
        numpy.add.at(w, (r, c), s)
        numpy.add.at(acc, (r, c), s * step)


def _drop(ids: numpy.ndarray, offsets: numpy.ndarray, rate: float, noise: numpy.random.Generator,
          guarded: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Hide a random ``rate`` of the feature ids, keeping guarded ones and the first of each token (its bias)."""
    keep = (noise.random(len(ids)) >= rate) | guarded[ids]
    keep[offsets[offsets < len(ids)]] = True
    rows = numpy.repeat(numpy.arange(len(offsets)), numpy.diff(numpy.append(offsets, len(ids))))
    kept_rows = rows[keep]
    return ids[keep], numpy.searchsorted(kept_rows, numpy.arange(len(offsets)))
