"""medie.distributed on a local Dask cluster of 2 worker processes: same mentions as the serial runner, in order."""

from __future__ import annotations

import shutil
import sys

import pytest

pytest.importorskip("distributed")

from distributed import Client, LocalCluster  # noqa: E402

from medie.distributed import connect, extract, iter_documents  # noqa: E402
from medie.run import PipelineSpec, extract_documents  # noqa: E402
from medie.text.textio import read_text  # noqa: E402

N_DOCS = 20
SENTENCE = "阿司匹林联合氯吡格雷治疗急性冠脉综合征的Ⅱ期研究共纳入30例患者。"


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        with Client(cluster) as c:
            yield c


@pytest.fixture(scope="module")
def folder(corpus_dir, tmp_path_factory):
    """About 20 corpus documents, in a subfolder as well, as plain files in a temporary folder."""
    out = tmp_path_factory.mktemp("docs")
    files = sorted(corpus_dir.glob("*.txt"))[:N_DOCS]
    assert len(files) == N_DOCS
    for i, f in enumerate(files):
        target = out / ("sub" if i % 3 == 0 else "") / f.name
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(f, target)
    return out


def _items(folder):
    return [(str(f), read_text(f)) for f in sorted(folder.rglob("*.txt"))]


def _serial(items, nlp, **kw):
    return [(key, [m.to_dict() for m in mentions]) for key, mentions in extract_documents(items, nlp=nlp, **kw)]


def test_iter_documents_equals_the_serial_runner(client, folder, nlp):
    items = _items(folder)
    expected = _serial(items, nlp)
    got = [(key, [m.to_dict() for m in mentions]) for key, mentions in iter_documents(items, client)]
    assert [key for key, _ in got] == [key for key, _ in items]
    assert got == expected
    assert sum(len(m) for _, m in got) > 0
    # each worker process loaded the pipeline once, and only one
    from medie import run

    assert set(client.run(lambda: len(run._worker_pipelines)).values()) == {1}


def test_pieces_and_small_window_keep_order(client, folder, nlp):
    items = _items(folder)
    expected = _serial(items, nlp, chunk_chars=300)
    pulled = 0

    def source():
        nonlocal pulled
        for item in items:
            pulled += 1
            yield item

    got = []
    for key, mentions in iter_documents(source(), client, window=3, chunk_chars=300, spec=PipelineSpec(), batch_chars=1):
        got.append((key, [m.to_dict() for m in mentions]))
        assert pulled <= len(got) + 3 + 1  # never more than the window read ahead (and the next batch begun)
    assert got == expected
    # grouped into tasks of several documents: same results, in order
    grouped = [(key, [m.to_dict() for m in mentions]) for key, mentions in iter_documents(items, client, chunk_chars=300)]
    assert grouped == expected


def test_long_texts_are_scattered_to_the_workers_first(client, folder, nlp, monkeypatch):
    import medie.distributed

    monkeypatch.setattr(medie.distributed, "SCATTER_CHARS", 500)
    items = _items(folder)[:6]
    assert any(len(text) > 500 for _, text in items)
    got = [(key, [m.to_dict() for m in mentions]) for key, mentions in iter_documents(items, client)]
    assert got == _serial(items, nlp)


def test_stopping_early_cancels_the_rest(client, folder):
    items = _items(folder)
    stream = iter_documents(items, client, window=4, batch_chars=1)
    first = next(stream)
    assert first[0] == items[0][0]
    assert any(str(k).startswith("medie-document") for k in client.futures)
    stream.close()
    assert not any(str(k).startswith("medie-document") for k in client.futures)


def test_extract_on_texts_folders_and_files(client, folder, nlp):
    texts = [SENTENCE, "", "没有提及任何药物。", SENTENCE * 3]
    records = list(extract(texts, client))
    assert [r["id"] for r in records] == [0, 1, 2, 3]
    assert records[1]["mentions"] == []
    for record, text in zip(records, texts):
        assert record["mentions"] == [m.to_dict() for m in nlp_mentions(nlp, text)]
        for m in record["mentions"]:
            assert text[m["start"]:m["end"]] == m["text"]
    assert {"DRUG", "PHASE"} <= {m["label"] for m in records[0]["mentions"]}

    files = sorted(folder.rglob("*.txt"))
    mixed = list(extract([folder, str(files[0]), SENTENCE], client, window=2))
    assert [r["id"] for r in mixed] == [str(f) for f in files] + [str(files[0]), 2]
    assert mixed[0]["mentions"] == mixed[len(files)]["mentions"]
    with pytest.raises(FileNotFoundError):
        list(extract(folder / "missing.txt", client))


def nlp_mentions(nlp, text):
    return [m for _, mentions in extract_documents([(0, text)], nlp=nlp) for m in mentions]


def test_extract_without_client_starts_and_closes_a_local_cluster():
    records = list(extract(SENTENCE))
    assert [r["id"] for r in records] == [0]
    assert any(m["label"] == "DRUG" for m in records[0]["mentions"])


def test_connect_local_and_bad_addresses():
    c = connect("local:1", dashboard_address=":0")
    try:
        assert list(c.nthreads().values()) == [1]
        cluster = c.cluster
    finally:
        c.close()
    assert cluster.status.name == "closed"
    for bad in ["", "local:0", "local:two", "tcp://", "tcp://host", "tcp://host:port", "tcp://:8786",
                "tcp://host:70000", "nosuch://host:8786", "tcp://a b:8786"]:
        with pytest.raises(ValueError, match="bad Dask address"):
            connect(bad)


def test_missing_dask_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match=r"pip install 'medie\[dask\]'"):
        connect("local")
    with pytest.raises(ImportError, match=r"pip install 'medie\[dask\]'"):
        next(iter_documents([(0, SENTENCE)], client=None))


def test_cli_dask_output_is_byte_identical_to_the_serial_run(folder, tmp_path, capsys):
    from medie.cli import main

    serial, dask_out = tmp_path / "serial.jsonl", tmp_path / "dask.jsonl"
    assert main(["extract", str(folder), "-o", str(serial)]) == 0
    assert main(["extract", str(folder), "--dask", "local:2", "-o", str(dask_out)]) == 0
    assert dask_out.read_bytes() == serial.read_bytes()
    assert main(["extract", str(folder), "--dask", "local:2", "--n-process", "2"]) == 2
