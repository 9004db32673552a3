"""Commands that only read: never change the file they are given, refuse what is not an archive, read read-only media."""

from __future__ import annotations

import hashlib
import os
import shlex
import sqlite3
import subprocess
import sys

import pytest

from g60crawler.archive.schema import LATEST_VERSION

from .conftest import ROOT, SITE
from .cli_runner import run
from .crawl import run_crawl

READ_ONLY = [["search", "合肥"], ["show", "1"], ["stats"], ["export", "--format", "csv"], ["runs"],
             ["fixture", "1", "x", "--into", "{tmp}/pages"]]


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def other_programs_db(path, journal: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode = {journal}")
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.execute("INSERT INTO notes (text) VALUES ('合肥')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("journal", ["delete", "wal"])
@pytest.mark.parametrize("command", READ_ONLY + [["serve"]])
def test_another_programs_sqlite_file_is_left_as_it_was(tmp_path, command, journal):
    path = tmp_path / "notes.db"
    other_programs_db(path, journal)
    before, files = digest(path), sorted(os.listdir(tmp_path))
    result = run(*[c.format(tmp=tmp_path) for c in command], "--db", path)
    assert result.exit_code == 1
    assert result.output == f"Error: {path} is not a g60crawler archive (another program's SQLite database); " \
                            "nothing was changed\n"
    assert digest(path) == before and sorted(os.listdir(tmp_path)) == files
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone() == (journal,)


@pytest.mark.parametrize("command", READ_ONLY)
@pytest.mark.parametrize("content", [b"", b"just some notes\n" * 300, b"SQLite format 3\x00" + b"\x00" * 200])
def test_a_file_that_is_not_an_archive_is_refused_unchanged(tmp_path, command, content):
    path = tmp_path / "x.sqlite"
    path.write_bytes(content)
    result = run(*[c.format(tmp=tmp_path) for c in command], "--db", path)
    assert result.exit_code == 1 and len(result.output.splitlines()) == 1, result.output
    assert result.output.startswith(f"Error: {path} is not a")
    assert path.read_bytes() == content and os.listdir(tmp_path) == ["x.sqlite"]


@pytest.mark.parametrize("command", READ_ONLY)
def test_a_device_is_refused_and_nothing_is_created_beside_it(command, tmp_path):
    result = run(*[c.format(tmp=tmp_path) for c in command], "--db", "/dev/zero")
    assert result.exit_code == 1
    assert result.output == "Error: /dev/zero is not an archive file (not a regular file)\n"
    assert not os.path.exists("/dev/zero-journal") and not os.path.exists("/dev/zero-wal")


@pytest.mark.parametrize("command", READ_ONLY)
def test_read_only_commands_do_not_write_to_an_archive(db, command, tmp_path):
    before = digest(db)
    result = run(*[c.format(tmp=tmp_path) for c in command], "--db", db)
    assert result.exit_code in (0, 1) and "Traceback" not in result.output
    assert digest(db) == before


def newer(path) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("command", READ_ONLY + [["serve"], ["reparse"], ["import-warc", "{tmp}/none.warc"]])
def test_an_archive_of_a_newer_schema_is_refused_by_every_command(db, command, tmp_path):
    newer(db)
    (tmp_path / "none.warc").write_bytes(b"")
    before = digest(db)
    result = run(*[c.format(tmp=tmp_path) for c in command], "--db", db)
    assert result.exit_code == 1
    assert result.output == (f"Error: {db} has schema version {LATEST_VERSION + 1}, newer than this g60crawler knows "
                             f"({LATEST_VERSION}): upgrade g60crawler to use it\n")
    assert digest(db) == before


def test_a_newer_migration_record_is_refused_too(db):
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (?, 'from the future', '2030-01-01')", (LATEST_VERSION + 5,))
    result = run("search", "合肥", "--db", db)
    assert result.exit_code == 1 and "upgrade g60crawler" in result.output


def test_the_crawl_refuses_a_newer_archive_before_it_starts(db):
    newer(db)
    before = digest(db)
    done = run_crawl(db, replay=SITE)
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.strip().splitlines()[-1] == (
        f"Error: G60_ARCHIVE: {db} has schema version {LATEST_VERSION + 1}, newer than this g60crawler knows "
        f"({LATEST_VERSION}): upgrade g60crawler to use it")
    assert "Traceback" not in done.stderr and digest(db) == before


def garbage_in_the_middle(path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 8192] = os.urandom(8192)
    path.write_bytes(bytes(data))


def truncated(path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])


@pytest.mark.parametrize("damage", [garbage_in_the_middle, truncated])
def test_the_crawl_refuses_a_damaged_archive_before_it_starts(db, damage):
    with sqlite3.connect(db) as conn:  # one file, no WAL beside it
        conn.execute("PRAGMA journal_mode = DELETE")
    damage(db)
    done = run_crawl(db, replay=SITE)
    assert done.returncode == 2, done.stderr[-2000:]
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(f"Error: G60_ARCHIVE: {db} is damaged (") and last.endswith("restore it from a backup")
    assert "Traceback" not in done.stderr


def in_a_read_only_mount(tmp_path, db, commands: list[list[str]]) -> subprocess.CompletedProcess:
    """Copy ``db`` onto a tmpfs, remount it read-only, run each g60crawler command there (own mount namespace)."""
    mount_dir = tmp_path / "ro"
    mount_dir.mkdir()
    runs = "; ".join(f"{shlex.join([sys.executable, '-m', 'g60crawler.cli', *c, '--db', f'{mount_dir}/g60.sqlite'])}"
                     f" > {tmp_path}/out{i}.txt 2>&1; echo exit{i}=$?" for i, c in enumerate(commands))
    script = (f"mount -t tmpfs -o size=16m tmpfs {mount_dir} && cp {db} {mount_dir}/g60.sqlite && "
              f"mount -o remount,ro {mount_dir} && {runs}; ls -a {mount_dir}")
    unshare = ["unshare", "-m"] if os.geteuid() == 0 else ["unshare", "-rm"]
    return subprocess.run([*unshare, "sh", "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.reliability("an archive on a read-only file system (a DVD, a snapshot): search, show, stats, export, runs",
                         "each reads it, exit status 0, nothing written beside it", group="hostile input")
def test_an_archive_on_read_only_media_is_readable(db, tmp_path):
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)  # needs a -shm: immutable on read-only media
    commands = [["search", "合肥"], ["show", "1"], ["stats"], ["export", "--format", "jsonl"], ["runs"]]
    done = in_a_read_only_mount(tmp_path, db, commands)
    assert [line for line in done.stdout.splitlines() if line.startswith("exit")] == [
        f"exit{i}=0" for i in range(len(commands))], done.stdout + done.stderr
    assert "13 article(s)" in (tmp_path / "out0.txt").read_text()  # 合肥: 13 fixture articles
    assert "46 article(s) exported" in (tmp_path / "out3.txt").read_text()
    assert sorted(done.stdout.split()[-3:]) == [".", "..", "g60.sqlite"]
