"""The medie command line: formats, inputs and bad input."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from medie.cli import EXIT_SKIPPED, main

SENTENCE = "该Ⅱ期研究共纳入30例患者。"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_jsonl_one_line_per_document(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(SENTENCE, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text(SENTENCE * 2, encoding="gb18030")
    code, out, _ = run(capsys, "extract", str(tmp_path))
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["id"] for line in lines] == [str(tmp_path / "a.txt"), str(tmp_path / "sub" / "b.txt")]
    for line in lines:
        assert isinstance(line["mentions"], list)
        text = (tmp_path / line["id"]).read_text(encoding="utf-8" if line["id"].endswith("a.txt") else "gb18030")
        for m in line["mentions"]:
            assert set(m) == {"start", "end", "label", "text", "attrs"}
            assert text[m["start"] : m["end"]] == m["text"]


def test_an_empty_file_gets_an_empty_record_and_a_note_naming_it(tmp_path, capsys):
    (tmp_path / "a.txt").write_text("患者接受替雷利珠单抗治疗", encoding="utf-8")
    (tmp_path / "b.txt").write_text(" \n\t", encoding="utf-8")
    code, out, err = run(capsys, "extract", str(tmp_path))
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [Path(r["id"]).name for r in records] == ["a.txt", "b.txt"] and records[1]["mentions"] == []
    assert "b.txt has no text" in err and "a.txt has no text" not in err


def test_binary_file_in_folder_is_skipped_and_reported(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(SENTENCE, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\x89PNG\x00\x00")
    (tmp_path / "C.TXT").write_text(SENTENCE, encoding="utf-8")
    code, out, err = run(capsys, "extract", str(tmp_path))
    assert code == EXIT_SKIPPED  # a folder run that skipped a file says so in its exit status
    assert [json.loads(line)["id"].rsplit("/", 1)[-1] for line in out.splitlines()] == ["C.TXT", "a.txt"]
    assert "b.txt: binary file (NUL byte at offset 4)" in err
    assert "2 file(s) processed, 1 skipped" in err


def test_failed_run_leaves_the_old_output_file_intact(tmp_path, capsys):
    target = tmp_path / "out.jsonl"
    target.write_text("old results\n", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\xfa" * 3 + "抗体".encode("utf-8") + b"\xff")
    code, out, err = run(capsys, "extract", str(bad), "--output", str(target), "--encoding", "ascii")
    assert code == 1 and "bad.txt" in err
    assert target.read_text(encoding="utf-8") == "old results\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []
    good = tmp_path / "good.txt"
    good.write_text(SENTENCE, encoding="utf-8")
    assert run(capsys, "extract", str(good), "--output", str(target))[0] == 0
    assert json.loads(target.read_text(encoding="utf-8"))["id"] == str(good)


def test_n_process_below_one_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(SENTENCE, encoding="utf-8")
    code, out, err = run(capsys, "extract", str(tmp_path), "--n-process", "0")
    assert code == 2 and "--n-process must be 1 or more" in err


def test_single_bad_file_fails_with_name_and_offset(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_bytes("好".encode("utf-8") + b"\xff\xfe\xfd\x80")
    code, out, err = run(capsys, "extract", str(bad))
    assert code == 1 and out == ""
    assert f"{bad}: neither UTF-8 (first bad byte at offset 3)" in err


def test_encoding_option(tmp_path, capsys):
    path = tmp_path / "x.txt"
    path.write_bytes(SENTENCE.encode("utf-16-le"))
    code, out, _ = run(capsys, "extract", str(path), "--encoding", "utf-16-le")
    assert code == 0 and json.loads(out)["id"] == str(path)


def test_stdin_and_tsv(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SENTENCE.encode("utf-8"))))
    code, out, _ = run(capsys, "extract", "-", "--format", "tsv")
    assert code == 0
    rows = out.splitlines()
    assert rows[0] == "id\tstart\tend\tlabel\ttext\tattrs"
    assert all(row.startswith("-\t") and len(row.split("\t")) == 6 for row in rows[1:])


def test_empty_stdin_gives_empty_document(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    code, out, _ = run(capsys, "extract", "-")
    assert code == 0 and json.loads(out) == {"id": "-", "mentions": []}


def test_html_output_file(tmp_path, capsys):
    src = tmp_path / "a.txt"
    src.write_text(SENTENCE, encoding="utf-8")
    code, _, _ = run(capsys, "extract", str(src), "--format", "html", "--output", str(tmp_path / "o.html"))
    html = (tmp_path / "o.html").read_text(encoding="utf-8")
    assert code == 0 and "<html" in html and str(src) in html


def test_missing_path(capsys):
    with pytest.raises(SystemExit, match="no such file or folder"):
        main(["extract", "/no/such/file.txt"])


def test_n_process_gives_same_output(tmp_path, capsys):
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(SENTENCE * (i + 1), encoding="utf-8")
    _, one, _ = run(capsys, "extract", str(tmp_path))
    _, two, _ = run(capsys, "extract", str(tmp_path), "--n-process", "2")
    assert one == two


def test_rules_test_reads_a_folder_and_stdin(tmp_path, capsys, monkeypatch):
    (tmp_path / "a.txt").write_text(SENTENCE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(SENTENCE, encoding="utf-8")
    code, out, err = run(capsys, "rules", "test", str(tmp_path))
    assert code == 0 and out.count("== ") == 2
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SENTENCE.encode("utf-8"))))
    code, out, err = run(capsys, "rules", "test", "-")
    assert code == 0 and "== -" in out
    assert run(capsys, "rules", "check", "x.txt")[0] == 2
