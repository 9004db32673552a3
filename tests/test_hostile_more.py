"""Hostile inputs found by a second adversarial review: each is a row of the reliability report."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from g60crawler.cli import main

from .conftest import HOST

SEED = f"http://{HOST}/g60zx/2023/0606/1630012.shtml"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def folder_state(folder):
    """Every file in ``folder`` with the digest of its content."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def db(fixture_archive, tmp_path):
    path = tmp_path / "g60.sqlite"
    shutil.copy(fixture_archive, path)
    return path


@pytest.mark.reliability("CSV cells a spreadsheet still evaluates: full-width ＝/＋/＠, leading spaces, "
                         "an ideographic space or a newline before '=', in title, editor, source, author",
                         "cell starts with ', so it is shown as text", group="hostile")
@pytest.mark.parametrize("lead", ["＝", "＋", "－", "＠", "﹦", " =", "  +", "\u3000=", "\xa0@", "\n=", " \t-"])
def test_csv_neutralises_disguised_formulas(db, tmp_path, lead):
    title, editor, source, author = (f"{lead}{f}" for f in ("cmd|' /C calc'!A0", "SUM(A1)", "HYPERLINK(1)", "1+1"))
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET title = ?, editor = ?, source = ?, author = ? WHERE canonical_url = ?",
                     (title, editor, source, author, SEED))
    out = tmp_path / "out.csv"
    result = run("export", "--format", "csv", "-o", out, "--db", db)
    assert result.exit_code == 0, result.output
    rows = {r["canonical_url"]: r for r in csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline=""))}
    got = tuple(rows[SEED][c] for c in ("title", "editor", "source", "author"))
    assert got == tuple("'" + v for v in (title, editor, source, author))


@pytest.mark.reliability("export-warc pointed at an empty file, another program's SQLite file, or an archive "
                         "of an older schema", "exit 1 with one line; the file is not changed", group="hostile")
@pytest.mark.parametrize("kind", ["empty", "other", "older"])
def test_export_warc_never_writes_the_archive(db, tmp_path, kind):
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "x.sqlite"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "other":
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE t (x)")
        conn.close()
    else:
        shutil.copy(db, path)
        with sqlite3.connect(path) as conn:
            conn.execute("DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)")
            conn.execute("PRAGMA user_version = 0")
        conn.close()
    before = folder_state(folder)
    result = run("export-warc", "-o", tmp_path / "out.warc.gz", "--db", path)
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
    assert folder_state(folder) == before
    assert not (tmp_path / "out.warc.gz").exists()


def other_programs_wal_database(folder):
    """Another program's WAL database as it is while open: its tables still only in the -wal file."""
    src = folder.parent / "src.sqlite"
    conn = sqlite3.connect(src)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TABLE notes (x)")
    conn.execute("INSERT INTO notes VALUES ('kept')")
    conn.commit()
    path = folder / "other.sqlite"
    shutil.copy(src, path)
    shutil.copy(f"{src}-wal", f"{path}-wal")
    conn.close()
    return path


@pytest.mark.reliability("every command pointed at another program's WAL-mode SQLite file with its -wal beside it",
                         "exit 1 with one line; no file in its folder changed, created or removed "
                         "(no checkpoint, no -shm)", group="hostile")
@pytest.mark.parametrize("command", [["search", "x"], ["show", "1"], ["stats"], ["runs"], ["export", "--format", "jsonl"],
                                     ["export-warc", "-o", "{tmp}/o.warc.gz"], ["reparse"], ["import-warc", "{tmp}/none.warc.gz"]])
def test_other_programs_wal_file_is_not_touched(tmp_path, command):
    folder = tmp_path / "in"
    folder.mkdir()
    path = other_programs_wal_database(folder)
    (tmp_path / "none.warc.gz").write_bytes(b"")
    before = folder_state(folder)
    result = run(*(a.format(tmp=tmp_path) for a in command), "--db", path)
    assert result.exit_code == 1, result.output
    assert "not a g60crawler archive" in result.output and result.output.count("\n") == 1, result.output
    assert folder_state(folder) == before
