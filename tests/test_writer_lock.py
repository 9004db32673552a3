"""Every writer takes the archive's lock: import-warc and reparse beside a crawl exit 75, on the real path."""

from __future__ import annotations


import pytest
from click.testing import CliRunner

from g60crawler.cli import main
from g60crawler.lock import ArchiveLock


def writers(db, tmp_path):
    warc = tmp_path / "any.warc.gz"
    warc.write_bytes(b"not even read: the lock comes first\n")
    return {"reparse": ["reparse", "--db", str(db)], "import-warc": ["import-warc", str(warc), "--db", str(db)]}


@pytest.mark.parametrize("command", ["reparse", "import-warc"])
@pytest.mark.parametrize("through_symlink", [False, True])
def test_a_writer_refuses_an_archive_another_process_holds(db, tmp_path, command, through_symlink):
    lock = ArchiveLock(db)
    lock.acquire()  # as a running crawl holds it
    try:
        path = db
        if through_symlink:  # another path to the same file is the same archive
            path = tmp_path / "elsewhere" / "link.sqlite"
            path.parent.mkdir()
            path.symlink_to(db)
        before = db.read_bytes()
        result = CliRunner().invoke(main, writers(path, tmp_path)[command])
    finally:
        lock.release()
    assert result.exit_code == 75, result.output
    assert result.output.count("\n") == 1
    assert result.output.startswith("Error: another crawl (pid ") and "nothing was done" in result.output
    assert db.read_bytes() == before


def test_the_lock_is_on_the_real_path(tmp_path):
    db = tmp_path / "a.sqlite"
    db.touch()
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.sqlite").symlink_to(db)
    assert ArchiveLock(tmp_path / "link.sqlite").path == ArchiveLock(tmp_path / "sub" / ".." / "a.sqlite").path
    assert ArchiveLock(tmp_path / "link.sqlite").path == tmp_path.resolve() / "a.sqlite.lock"


def test_writers_run_when_nobody_holds_the_lock(db, tmp_path):
    result = CliRunner().invoke(main, writers(db, tmp_path)["reparse"])
    assert result.exit_code == 0, result.output
    lock = ArchiveLock(db)
    lock.acquire()  # released when the command ended
    lock.release()


@pytest.mark.parametrize("command", ["reparse", "import-warc"])
def test_a_hard_link_to_the_archive_is_the_same_archive(db, tmp_path, command, monkeypatch):
    lock = ArchiveLock(db)
    lock.acquire()  # as a running crawl holds it
    try:
        other = tmp_path / "elsewhere"
        other.mkdir()
        (other / "hard.sqlite").hardlink_to(db)  # another name, the same file (inode)
        monkeypatch.chdir(other)  # and reached by a relative path from another folder
        before = db.read_bytes()
        result = CliRunner().invoke(main, writers("hard.sqlite", tmp_path)[command])
    finally:
        lock.release()
    assert result.exit_code == 75, result.output
    assert result.output.startswith("Error: another crawl (pid ")
    assert db.read_bytes() == before
