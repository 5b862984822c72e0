"""Shared fixtures: the pipeline, and the corpus where ../shared is present."""

from __future__ import annotations

from pathlib import Path

import pytest

import medie

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def nlp():
    return medie.load()


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus folder {CORPUS} is absent (it is present in CI)")
    return CORPUS
