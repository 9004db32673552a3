"""Exports a spreadsheet cannot turn into an attack, and files that appear only when complete."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import sqlite3
import subprocess
import sys

import pytest

from g60crawler.archive import export as export_module
from g60crawler.archive.export import spreadsheet_safe

from .conftest import ROOT, HOST
from .cli_runner import run

SEED = f"http://{HOST}/g60zx/2023/0606/1630012.shtml"


@pytest.mark.parametrize("cell, shown", [
    ("=HYPERLINK(\"http://evil.example/\",\"点击\")", "'=HYPERLINK(\"http://evil.example/\",\"点击\")"),
    ("+1+2", "'+1+2"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("合肥 = 1", "合肥 = 1"),  # not at the start: text already
    ("'=1", "'=1"),  # already quoted by its author: as it is
    ("", ""),
    (None, None),
    (12, 12),  # numbers are numbers
])
def test_spreadsheet_safe(cell, shown):
    assert spreadsheet_safe(cell) == shown


@pytest.mark.reliability("an article whose title starts '=HYPERLINK(…)' and editor '@SUM(…)', exported as CSV",
                         "cells neutralised with a leading ', JSON Lines unchanged", group="hostile input")
@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_export_csv_neutralises_formulas_and_jsonl_keeps_them(db, tmp_path, lead):
    title, editor = f"{lead}HYPERLINK(\"http://evil.example/\")", f"{lead}SUM(A1:A3)"
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET title = ?, editor = ? WHERE canonical_url = ?", (title, editor, SEED))
    out = tmp_path / "out.csv"
    assert run("export", "--format", "csv", "--section", "g60zx", "-o", out, "--db", db).exit_code == 0
    rows = {r["canonical_url"]: r for r in csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline=""))}
    assert (rows[SEED]["title"], rows[SEED]["editor"]) == ("'" + title, "'" + editor)
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows.values() for v in r.values())
    jsonl = run("export", "--format", "jsonl", "--section", "g60zx", "--db", db).stdout.splitlines()
    item = next(json.loads(line) for line in jsonl if json.loads(line)["canonical_url"] == SEED)
    assert (item["title"], item["editor"]) == (title, editor)
    searched = list(csv.reader(io.StringIO(run("search", "长三角一体化", "--format", "csv", "--db", db).stdout)))
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for r in searched for v in r)


def full_disk_after(limit: int, real_open=open):
    """An ``open`` whose files take ``limit`` characters, then fail as a full disk does."""
    class Full(io.TextIOWrapper):
        written = 0

        def write(self, text):
            Full.written += len(text)
            if Full.written > limit:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return super().write(text)

    def fake_open(file, mode="r", *args, **kwargs):
        stream = real_open(file, mode, *args, **kwargs)
        if "w" in mode and isinstance(stream, io.TextIOWrapper):
            return Full(stream.detach(), encoding=stream.encoding, newline="")
        return stream
    return fake_open


@pytest.mark.reliability("the disk fills up during `export -o FILE` (csv, jsonl)",
                         "one line 'Error: cannot write …: No space left on device', exit 1, no partial file",
                         group="interruption")
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_interrupted_by_a_full_disk_leaves_no_partial_file(db, tmp_path, monkeypatch, fmt):
    out = tmp_path / "exports" / f"all.{fmt}"
    out.parent.mkdir()
    monkeypatch.setattr(export_module, "open", full_disk_after(20_000), raising=False)
    result = run("export", "--format", fmt, "-o", out, "--db", db)
    assert result.exit_code == 1
    assert result.output == f"Error: cannot write {out}: No space left on device; nothing was written\n"
    assert os.listdir(out.parent) == []


def test_export_replaces_a_file_only_when_complete(db, tmp_path, monkeypatch):
    out = tmp_path / "all.csv"
    out.write_text("the previous export\n")
    monkeypatch.setattr(export_module, "open", full_disk_after(5_000), raising=False)
    assert run("export", "--format", "csv", "-o", out, "--db", db).exit_code == 1
    assert out.read_text() == "the previous export\n" and os.listdir(tmp_path) == ["g60.sqlite", "all.csv"] or \
        sorted(os.listdir(tmp_path)) == sorted(["g60.sqlite", "all.csv", "g60.sqlite-wal", "g60.sqlite-shm"])
    monkeypatch.undo()
    assert run("export", "--format", "csv", "-o", out, "--db", db).exit_code == 0
    assert out.read_text("utf-8-sig").startswith("id,canonical_url")
    assert oct(out.stat().st_mode & 0o777) == oct(0o666 & ~current_umask())


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.mark.reliability("`export` and `search` to a full standard output (> /dev/full)",
                         "one line 'Error: cannot write to standard output: No space left on device', exit 1",
                         group="interruption")
@pytest.mark.parametrize("command", [["export", "--format", "csv"], ["export", "--format", "jsonl"],
                                     ["search", "合肥"], ["search", "合肥", "--format", "csv"], ["stats"], ["runs"],
                                     ["show", "1"]])
def test_a_full_standard_output_is_one_line(db, command):
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "g60crawler.cli", *command, "--db", str(db)], cwd=ROOT,
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == "Error: cannot write to standard output: No space left on device"
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    if command[0] != "export":
        assert len(done.stderr.splitlines()) == 1
