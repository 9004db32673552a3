"""Errors from the archive or the system reach the user as one line and a non-zero exit, never a traceback."""

from __future__ import annotations

import errno
import os
import sqlite3

import pytest

from g60crawler.archive import search as search_module
from g60crawler.cli import research

from .conftest import HOST
from .cli_runner import run


@pytest.mark.parametrize("key", ["99999999999999999999999", "9223372036854775808", "0", "00"])
def test_show_an_id_no_article_can_have(db, key):
    result = run("show", key, "--db", db)
    assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output == f"Error: no article {key!r} in the archive\n"


@pytest.mark.parametrize("key", ["http://[::1", "http://x:99999/a.shtml", f"http://{HOST}:-1/", "²"])
def test_show_a_url_that_cannot_be_one(db, key):
    result = run("show", key, "--db", db)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert len(result.output.splitlines()) == 1
    assert result.output.startswith(f"Error: not an article id or URL: {key!r}")


@pytest.mark.parametrize("key", ["99999999999999999999999", "http://[::1"])
def test_fixture_of_a_capture_that_cannot_be(db, key, tmp_path):
    result = run("fixture", key, "x", "--into", tmp_path / "pages", "--db", db)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert len(result.output.splitlines()) == 1 and result.output.startswith("Error: ")


def failing(exc):
    def fail(*args, **kwargs):
        raise exc
    return fail


@pytest.mark.reliability("the disk (SQLite's temporary store) fills up during `search`",
                         "one line 'Error: the archive could not be used: database or disk is full', exit 1",
                         group="interruption")
@pytest.mark.parametrize("exc, message", [
    (sqlite3.OperationalError("database or disk is full"), "Error: the archive could not be used: database or disk is full"),
    (sqlite3.DatabaseError("database disk image is malformed"),
     "Error: the archive could not be used: database disk image is malformed"),
    (OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), "Error: No space left on device"),
    (OSError(errno.EIO, os.strerror(errno.EIO), "/srv/archive/attachments/ab/cd"),
     "Error: cannot use /srv/archive/attachments/ab/cd: Input/output error"),
])
@pytest.mark.parametrize("command, target", [
    (["search", "合肥"], (research, "search_archive")),
    (["stats"], (research, "counts")),
    (["export", "--format", "jsonl"], (search_module, "_matching")),
])
def test_archive_and_system_errors_are_one_line(db, monkeypatch, exc, message, command, target):
    monkeypatch.setattr(*target, failing(exc))
    result = run(*command, "--db", db)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    assert result.output == message + "\n"


def test_a_real_sqlite_error_during_search_is_one_line(db):
    with sqlite3.connect(db) as conn:  # the index gone: every full-text query fails inside SQLite
        conn.execute("DROP TABLE articles_fts")
        conn.execute("CREATE TABLE articles_fts (x)")
    result = run("search", "合肥", "--db", db)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.output.startswith("Error: the archive could not be used: ") and len(result.output.splitlines()) == 1
