"""A full disk or a read-only archive path: a clear error and a non-zero exit, never a half-written row.

Each crawl runs in its own mount namespace (`unshare -m`) on a small tmpfs:
a real full file system (ENOSPC) and a real read-only one (EROFS), gone when
the crawl ends.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
import sys

import pytest

from .conftest import ROOT, SITE


def crawl_on_tmpfs(mount_dir, options: str, after_mount: str = "", after_crawl: str = "") -> subprocess.CompletedProcess:
    """Mount a tmpfs with ``options`` at ``mount_dir`` in a private mount namespace, then crawl into it.

    ``after_mount`` runs between the mount and the crawl; ``after_crawl`` after it, still inside
    the namespace (the crawl's exit status is printed as ``exit=N`` first).
    """
    crawl = shlex.join([sys.executable, "-m", "scrapy", "crawl", "g60", "-s", f"G60_ARCHIVE={mount_dir}/a.sqlite",
                        "-s", f"G60_REPLAY_DIR={SITE}", "-s", "G60_ARCHIVE_BATCH=2"])
    script = (f"mount -t tmpfs -o {options} tmpfs {shlex.quote(str(mount_dir))} && {after_mount}"
              f"{{ {crawl}; echo exit=$?; }}; {after_crawl or 'true'}")
    unshare = ["unshare", "-m"] if os.geteuid() == 0 else ["unshare", "-rm"]
    done = subprocess.run([*unshare, "sh", "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    status = [line for line in done.stdout.splitlines() if line.startswith("exit=")]
    done.returncode = int(status[-1][5:]) if status else done.returncode
    return done


@pytest.mark.reliability("the archive's disk fills up during a crawl (tmpfs of 800 KB)",
                         "one ERROR line, exit status 4, committed rows whole, the half-done batch rolled back",
                         group="interruption")
def test_full_disk(tmp_path):
    mount_dir = tmp_path / "full"
    mount_dir.mkdir()
    done = crawl_on_tmpfs(mount_dir, "size=800k")
    assert done.returncode == 4, done.stderr[-2000:]
    errors = [line for line in done.stderr.splitlines() if " ERROR: " in line]
    assert errors and "archive write failed, stopping the crawl: database or disk is full" in errors[0]
    assert "Traceback" not in done.stderr


def test_full_disk_leaves_a_sound_archive(tmp_path):
    mount_dir = tmp_path / "full"
    mount_dir.mkdir()
    out = tmp_path / "copy.sqlite"
    backup = shlex.join([sys.executable, "-c", "import sqlite3,sys; s=sqlite3.connect(sys.argv[1]); "
                         "d=sqlite3.connect(sys.argv[2]); s.backup(d)", f"{mount_dir}/a.sqlite", str(out)])
    done = crawl_on_tmpfs(mount_dir, "size=800k", after_crawl=backup)  # copied out before the unmount
    assert done.returncode == 4
    conn = sqlite3.connect(out)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    articles = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    assert 0 < articles < 47
    # no half-written article: each has its current version, its capture and its index row
    assert conn.execute("SELECT COUNT(*) FROM articles a LEFT JOIN article_versions v ON v.article_id = a.id "
                        "AND v.version = a.current_version WHERE v.id IS NULL").fetchone() == (0,)
    assert conn.execute("SELECT COUNT(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM captures c JOIN "
                        "article_versions v ON v.id = c.version_id WHERE v.article_id = a.id)").fetchone() == (0,)
    assert conn.execute("SELECT (SELECT COUNT(*) FROM articles) - (SELECT COUNT(*) FROM articles_fts)").fetchone() == (0,)


@pytest.mark.reliability("the archive folder is on a read-only file system",
                         "one line 'Error: G60_ARCHIVE: cannot lock …: Read-only file system', exit status 2",
                         group="interruption")
def test_read_only_archive_path(tmp_path):
    mount_dir = tmp_path / "ro"
    mount_dir.mkdir()
    done = crawl_on_tmpfs(mount_dir, "ro,size=64k")
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.strip().splitlines()[-1] == (
        f"Error: G60_ARCHIVE: cannot lock {mount_dir}/a.sqlite.lock: Read-only file system")
    assert "Traceback" not in done.stderr


@pytest.mark.reliability("an existing archive on a file system remounted read-only",
                         "one clear 'Error: G60_ARCHIVE: …' line, exit status 2, the archive unchanged",
                         group="interruption")
def test_existing_archive_on_a_read_only_file_system(tmp_path, fixture_archive):
    mount_dir = tmp_path / "ro"
    mount_dir.mkdir()
    seed = tmp_path / "seed.sqlite"
    shutil.copy(fixture_archive, seed)
    prepare = (f"cp {shlex.quote(str(seed))} {mount_dir}/a.sqlite && touch {mount_dir}/a.sqlite.lock && "
               f"mount -o remount,ro {shlex.quote(str(mount_dir))} && ")
    done = crawl_on_tmpfs(mount_dir, "size=8m", after_mount=prepare)
    assert done.returncode == 2, done.stderr[-2000:]
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: G60_ARCHIVE: ") and "read" in last.lower()
    assert "Traceback" not in done.stderr
