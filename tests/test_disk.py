"""A full disk or a read-only archive path: a clear error and a non-zero exit, never a half-written row.

Each crawl runs in its own mount namespace (`unshare -m`) on a small tmpfs:
a real full file system (ENOSPC) and a real read-only one (EROFS), gone when
the crawl ends.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys

import pytest

from .conftest import HOST, ROOT, SITE

BATCH = 2


def crawl_on_tmpfs(mount_dir, options: str, after_mount: str = "", after_crawl: str = "", site=SITE,
                   settings: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """Mount a tmpfs with ``options`` at ``mount_dir`` in a private mount namespace, then crawl into it.

    ``after_mount`` runs between the mount and the crawl; ``after_crawl`` after it, still inside
    the namespace (the crawl's exit status is printed as ``exit=N`` first).
    """
    extra = [arg for s in settings for arg in ("-s", s)]
    crawl = shlex.join([sys.executable, "-m", "scrapy", "crawl", "g60", "-s", f"G60_ARCHIVE={mount_dir}/a.sqlite",
                        "-s", f"G60_REPLAY_DIR={site}", "-s", f"G60_ARCHIVE_BATCH={BATCH}", *extra])
    script = (f"mount -t tmpfs -o {options} tmpfs {shlex.quote(str(mount_dir))} && {after_mount}"
              f"{{ {crawl}; echo exit=$?; }}; {after_crawl or 'true'}")
    unshare = ["unshare", "-m"] if os.geteuid() == 0 else ["unshare", "-rm"]
    done = subprocess.run([*unshare, "sh", "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    status = [line for line in done.stdout.splitlines() if line.startswith("exit=")]
    done.returncode = int(status[-1][5:]) if status else done.returncode
    return done


_SCRAPED = re.compile(r"^([A-Z]\w+)\((?:url='([^']*)')?")  # every item counts towards a batch, with a URL or not


def _items_around_the_error(stderr: str) -> tuple[list[tuple[str, str]], tuple[str, str] | None]:
    """The items stored before the first ERROR line (Scrapy's DEBUG "Scraped from"), and the one after it."""
    before, failing, seen_error, lines = [], None, False, stderr.splitlines()
    for i, line in enumerate(lines):
        if " ERROR: " in line:
            seen_error = True
        elif "Scraped from <" in line and i + 1 < len(lines) and (m := _SCRAPED.match(lines[i + 1])):
            if not seen_error:
                before.append(m.groups())
            elif failing is None:
                failing = m.groups()
    return before, failing


def _assert_batch_rolled_back(done, archive_urls: set[str]) -> list[str]:
    """Every batch committed before the error is in the archive; the batch in progress is not."""
    before, failing = _items_around_the_error(done.stderr)
    cut = len(before) - len(before) % BATCH  # the pipeline commits every BATCH items
    committed = {url for kind, url in before[:cut] if kind == "ArticleItem"}
    in_progress = {url for kind, url in [*before[cut:], *([failing] if failing else [])] if kind == "ArticleItem"}
    in_progress -= committed
    assert before and committed <= archive_urls, committed - archive_urls
    assert not in_progress & archive_urls, in_progress & archive_urls
    return sorted(in_progress)


def _urls_on_tmpfs(mount_dir, out) -> str:
    """A command that copies the archive's article URLs out of the namespace, one per line."""
    return shlex.join([sys.executable, "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); open(sys.argv[2],"
                       "'w').write(chr(10).join(u for (u,) in c.execute('SELECT url FROM article_urls')))",
                       f"{mount_dir}/a.sqlite", str(out)])


@pytest.mark.reliability("the archive's disk fills up during a crawl (tmpfs of 800 KB)",
                         "one ERROR line, exit status 4, committed batches whole, the half-done batch rolled back",
                         group="interruption")
def test_full_disk(tmp_path):
    mount_dir = tmp_path / "full"
    mount_dir.mkdir()
    urls = tmp_path / "urls.txt"
    done = crawl_on_tmpfs(mount_dir, "size=800k", settings=("LOG_LEVEL=DEBUG",),
                          after_crawl=_urls_on_tmpfs(mount_dir, urls))
    assert done.returncode == 4, done.stderr[-2000:]
    errors = [line for line in done.stderr.splitlines() if " ERROR: " in line]
    assert len(errors) == 1, errors
    assert "archive write failed, stopping the crawl: database or disk is full" in errors[0]
    assert "Traceback" not in done.stderr
    rolled_back = _assert_batch_rolled_back(done, set(urls.read_text().split()))
    assert rolled_back, "the write that failed was not an article's: nothing shown rolled back"


@pytest.mark.reliability("the disk fills up while an attachment (6 MB, tmpfs of 5 MB) is written",
                         "one ERROR line, exit status 4, the article and its batch rolled back, no partial file left",
                         group="interruption")
def test_full_disk_while_an_attachment_is_written(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    pdf = site / HOST / "zcfw/2023/1120/P020231120512345678901.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + os.urandom(6 * 1024 * 1024))  # larger than the whole tmpfs
    mount_dir = tmp_path / "full"
    mount_dir.mkdir()
    urls, files = tmp_path / "urls.txt", tmp_path / "files.txt"
    listing = f"find {shlex.quote(str(mount_dir))} -type f > {shlex.quote(str(files))}"
    done = crawl_on_tmpfs(mount_dir, "size=5m", site=site, settings=("LOG_LEVEL=DEBUG",),
                          after_crawl=_urls_on_tmpfs(mount_dir, urls) + " && " + listing)
    assert done.returncode == 4, done.stderr[-2000:]
    errors = [line for line in done.stderr.splitlines() if " ERROR: " in line]
    assert len(errors) == 1, errors
    assert "archive write failed, stopping the crawl: " in errors[0] and "No space left on device" in errors[0]
    assert "Traceback" not in done.stderr
    archived = set(urls.read_text().split())
    rolled_back = _assert_batch_rolled_back(done, archived)
    assert f"http://{HOST}/zcfw/2023/1120/1631017.shtml" in rolled_back  # the article of the attachment
    assert not [f for f in files.read_text().split() if f.endswith(".tmp")]  # no half-written file left


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
