"""import-warc's temporary index: stale folders of killed imports removed, a full TMPDIR named as such."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile

import pytest
from click.testing import CliRunner

from g60crawler.archive import Archive
from g60crawler.archive.warc_read import RefIndex, remove_stale_indexes
from g60crawler.cli import main

from .crawl import query

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_the_index_folder_is_named_with_the_pid_and_stale_ones_of_dead_processes_go(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = _dead_pid()
    stale = tmp_path / f"g60-warc-index-{dead}-abc"
    alive = tmp_path / f"g60-warc-index-{os.getppid()}-def"  # a live process's (our parent's): kept
    unnamed = tmp_path / "g60-warc-index-x1y2"  # no pid in its name: whose it is cannot be told
    other_user = tmp_path / f"g60-warc-index-{dead}-ghi"
    for folder in (stale, alive, unnamed, other_user):
        folder.mkdir()
        (folder / "index.sqlite").write_bytes(b"x" * 100)
    if os.geteuid() == 0:  # only root can give a folder to another user
        os.chown(other_user, 54321, 54321)
    assert remove_stale_indexes() == [stale]
    with RefIndex() as index:
        mine = [p for p in tmp_path.iterdir() if p.name.startswith(f"g60-warc-index-{os.getpid()}-")]
        assert len(mine) == 1 and (mine[0] / "index.sqlite").exists()
        assert index.folder == mine[0]
    assert not stale.exists()
    assert alive.exists() and unnamed.exists()
    assert other_user.exists() or os.geteuid() != 0
    assert not mine[0].exists()


def test_stale_folders_are_reported_by_import_warc(fixture_warc, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    (tmp_path / f"g60-warc-index-{_dead_pid()}-abc").mkdir()
    result = CliRunner().invoke(main, ["import-warc", str(fixture_warc), "--db",
                                                      str(tmp_path / "a.sqlite")])
    assert result.exit_code == 0, result.output + result.stderr
    assert "removed 1 temporary index folder(s) left by killed imports" in result.stderr


@pytest.fixture
def fixture_warc(db, tmp_path):
    out = tmp_path / "f.warc.gz"
    result = CliRunner().invoke(main, ["export-warc", "-o", str(out), "--db", str(db)])
    assert out.exists(), result.output  # the copy has no attachment files: exit 3, every page is in it
    return out


def test_a_full_tmpdir_is_named_and_the_run_ends_failed(fixture_warc, tmp_path):
    """The index's folder is on a 16 KB tmpfs: the error names it (not the archive) and the run is finished."""
    mount = tmp_path / "tmp"
    mount.mkdir()
    db = tmp_path / "a.sqlite"
    Archive.open(db).close()  # made beforehand: only the import's index is on the full disk
    command = shlex.join([sys.executable, "-m", "g60crawler.cli", "import-warc", str(fixture_warc), "--db", str(db)])
    script = (f"mount -t tmpfs -o size=16k tmpfs {shlex.quote(str(mount))} && TMPDIR={shlex.quote(str(mount))} "
              f"{command}; code=$?; ls -A {shlex.quote(str(mount))} >&2; exit $code")
    unshare = ["unshare", "-m"] if os.geteuid() == 0 else ["unshare", "-rm"]
    done = subprocess.run([*unshare, "sh", "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1, done.stderr[-3000:]
    assert lines and lines[0].startswith(f"Error: the temporary index in {mount}/g60-warc-index-"), done.stderr
    assert "database or disk is full" in lines[0] and "archive could not be used" not in done.stderr
    assert not [line for line in lines[1:] if "g60-warc-index-" in line]  # the index folder is gone from the disk
    assert [line for line in lines if line.startswith("Error")] == lines[:1]
    assert query(db, "SELECT spider, finish_reason, finished_at IS NOT NULL FROM crawl_runs") == [
        ("import-warc", "failed", 1)]
