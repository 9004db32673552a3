"""import-warc SIGKILLed after some batches are committed, then run again: the archive equals an uninterrupted import's.

The WARC is a small synthetic portal (list pages, articles, attachments) plus
older captures of some articles with other content (history to insert); the
import runs as a subprocess, killed once the archive holds some of the articles.
"""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from benchmarks.synthetic_portal import build
from benchmarks.warc_bench import committed_articles, url_of, write_warc
from g60crawler import portal

from .conftest import ROOT

ARTICLES = 600
OLD = "<p>　　".encode()


@pytest.fixture(scope="module")
def warcs(tmp_path_factory):
    """The portal's WARC and a second one of older captures, with other content, of every 7th article."""
    folder = tmp_path_factory.mktemp("resume")
    build(folder / "portal", ARTICLES, seed=3, progress=False)
    root = folder / "portal" / portal.HOST
    main = folder / "portal.warc.gz"
    write_warc(root, main, 12 << 20, seed=3)
    older = folder / "older.warc.gz"
    with older.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        pages = sorted(p for p in root.rglob("*.shtml") if portal.current().is_article(url_of(root, p)))
        for i, path in enumerate(pages[::7]):
            body = path.read_bytes().replace(OLD, OLD + "（旧稿）".encode(), 1)
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            when = datetime(2026, 10, 31, 12, 0, i % 60, tzinfo=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            writer.write_record(writer.create_warc_record(
                url_of(root, path), "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
                warc_headers_dict={"WARC-Date": when}))
    return [main, older]


def command(files, db) -> list[str]:
    return [sys.executable, "-m", "g60crawler.cli", "import-warc", *map(str, files), "--db", str(db)]


def run(files, db) -> subprocess.CompletedProcess:
    return subprocess.run(command(files, db), cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def snapshot(db) -> dict:
    """Everything a resumed import must reproduce, ids aside."""
    conn = sqlite3.connect(db)
    try:
        q = lambda sql: sorted(conn.execute(sql).fetchall())  # noqa: E731
        return {
            "articles": q("SELECT canonical_url, content_hash, current_version, first_seen, last_seen FROM articles"),
            "versions": q("SELECT a.canonical_url, v.version, v.content_hash, v.seen_at, v.superseded_at "
                          "FROM article_versions v JOIN articles a ON a.id = v.article_id"),
            "urls": q("SELECT url, content_hash, first_seen, last_seen FROM article_urls"),
            "captures": q("SELECT c.url, c.sha256, c.status, c.first_fetched, c.last_fetched, a.canonical_url, "
                          "v.version FROM captures c LEFT JOIN article_versions v ON v.id = c.version_id "
                          "LEFT JOIN articles a ON a.id = v.article_id"),
            "blobs": q("SELECT sha256 FROM blobs"),
            "failures": q("SELECT url, reason, times FROM failures"),
        }
    finally:
        conn.close()


def test_a_killed_import_run_again_equals_an_uninterrupted_one(warcs, tmp_path):
    whole = tmp_path / "whole.sqlite"
    done = run(warcs, whole)
    assert done.returncode == 0, done.stderr
    expected = snapshot(whole)
    assert len(expected["articles"]) == ARTICLES + 1  # and 关于我们
    assert any(version > 1 for _, version, *_ in expected["versions"])  # the older captures made history

    db = tmp_path / "resumed.sqlite"
    proc = subprocess.Popen(command(warcs, db), cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while committed_articles(db) < ARTICLES // 5 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the import ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    part = committed_articles(db)
    assert 0 < part < ARTICLES + 1

    again = run(warcs, db)
    assert again.returncode == 0, again.stderr
    got = snapshot(db)
    for table in expected:
        assert got[table] == expected[table], table
    (duplicates,) = sqlite3.connect(db).execute(
        "SELECT COUNT(*) FROM (SELECT url, sha256 FROM captures GROUP BY url, sha256 HAVING COUNT(*) > 1)").fetchone()
    assert duplicates == 0


def test_an_import_killed_in_its_first_checkpoint_is_run_again(warcs, tmp_path):
    """A kill while SQLite copies the WAL into the main file (page 1 first) leaves a main file that is
    not readable alone: the next import reads it with its WAL, as SQLite does, and completes."""
    db = tmp_path / "cut.sqlite"
    subprocess.run([sys.executable, "-c", "import os, sys\nfrom g60crawler.archive import Archive\n"
                    "a = Archive.open(sys.argv[1]); a.conn.execute('PRAGMA wal_autocheckpoint = 0'); a.commit()\n"
                    "os._exit(0)", str(db)], cwd=ROOT, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    wal = (tmp_path / "cut.sqlite-wal").read_bytes()
    size = int.from_bytes(wal[8:12], "big")
    frames = {int.from_bytes(wal[o:o + 4], "big"): wal[o + 24:o + 24 + size]
              for o in range(32, len(wal) - 24 - size + 1, 24 + size)}  # page number -> its newest image
    with db.open("r+b") as main:  # the checkpoint, cut after its first page
        main.write(frames[1])
    (tmp_path / "cut.sqlite-shm").unlink()
    done = run(warcs[1:], db)
    assert done.returncode == 0, done.stderr
    assert committed_articles(db) == -(-ARTICLES // 7)  # the older captures of every 7th article


def test_an_import_failing_half_way_leaves_no_half_written_article(warcs, tmp_path, monkeypatch):
    """A write that fails in the middle of an article (a full disk) rolls back the open batch: the
    archive keeps whole articles only, each with its version and its capture."""
    from click.testing import CliRunner

    from g60crawler.archive.store import Archive
    from g60crawler.cli import main

    calls = {"n": 0}
    store_capture = Archive.store_capture

    def failing(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 150:  # the article's row is written, its capture is not
            raise sqlite3.OperationalError("database or disk is full")
        return store_capture(self, *args, **kwargs)

    monkeypatch.setattr(Archive, "store_capture", failing)
    db = tmp_path / "full.sqlite"
    result = CliRunner().invoke(main, ["import-warc", str(warcs[0]), "--db", str(db)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    (half,) = sqlite3.connect(db).execute(
        "SELECT COUNT(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM captures c JOIN article_versions v "
        "ON v.id = c.version_id WHERE v.article_id = a.id)").fetchone()
    assert half == 0
    assert committed_articles(db) == 100  # the batches before the failure stay
