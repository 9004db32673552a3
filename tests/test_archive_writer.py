"""The crawl's archive writer (a child process): writes in order, one transaction per batch, errors stop the crawl."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from g60crawler.archive import Archive
from g60crawler.items import FailureItem
from g60crawler.writer import ArchiveWriter, Skipped, WriterError

from .conftest import HOST, ROOT, SITE
from .crawl import article_count, query, run_crawl

FAILING = f"http://{HOST}/zcfw/2023/1120/1631017.shtml"  # an article of the mirror


def _fail_on(archive, table: str, column: str, url: str) -> None:
    """Make every insert of ``url`` into ``table`` fail, as a full disk would fail a write."""
    Archive.open(archive).close()
    conn = sqlite3.connect(archive)
    conn.execute(f"CREATE TRIGGER injected BEFORE INSERT ON {table} WHEN NEW.{column} = '{url}' "
                 "BEGIN SELECT RAISE(ABORT, 'injected write failure'); END")
    conn.commit()
    conn.close()


@pytest.fixture
def writer(tmp_path):
    archive = tmp_path / "a.sqlite"
    _fail_on(archive, "failures", "url", "http://x/boom")
    w = ArchiveWriter(archive, "2024-05-01T00:00:00+00:00")
    w.start()
    yield w, archive
    w.close()


def test_a_failed_write_rolls_its_batch_back_and_nothing_after_it_is_written(writer):
    w, archive = writer
    run = w.call("call", "start_run", "g60", {})
    assert w.call("store", run, FailureItem("http://x/1", "http 503"), commit=True) == ("failure", False)
    w.call("store", run, FailureItem("http://x/2", "http 503"))  # in the batch that fails
    with pytest.raises(WriterError, match="injected write failure"):
        w.call("store", run, FailureItem("http://x/boom", "http 503"), commit=True)
    with pytest.raises(Skipped):
        w.call("store", run, FailureItem("http://x/3", "http 503"), commit=True)
    # the run is still recorded as ended, as the crawl does after a failed write
    w.call("call", "finish_run", run, "archive_error", {"failures": 1}, {}, 4, ["archive write failed"])
    w.close()
    assert query(archive, "SELECT url FROM failures") == [("http://x/1",)]
    assert query(archive, "SELECT finish_reason, exit_code, failures FROM crawl_runs") == [("archive_error", 4, 1)]


def test_operations_run_in_the_order_they_were_sent(writer):
    w, archive = writer
    run = w.call("call", "start_run", "g60", {})
    for i in range(5):
        w.call("store", run, FailureItem(f"http://x/{i}", "http 503"))
    # the read runs after the writes sent before it, in their (uncommitted) transaction
    assert w.call("query", "SELECT COUNT(*) FROM failures") == [(5,)]
    w.close()
    assert query(archive, "SELECT COUNT(*) FROM failures") == [(5,)]  # close commits what is open


def test_an_archive_that_cannot_be_opened_is_an_error_not_a_hang(tmp_path):
    path = tmp_path / "not-an-archive.sqlite"
    path.write_text("plain text, not SQLite")
    w = ArchiveWriter(path)
    with pytest.raises(WriterError, match="not a usable archive"):
        w.start()
    w.close()


def test_a_write_error_in_the_writer_stops_the_crawl_with_exit_4(tmp_path):
    archive = tmp_path / "a.sqlite"
    _fail_on(archive, "articles", "canonical_url", FAILING)
    done = run_crawl(archive, "G60_ARCHIVE_BATCH=2", replay=SITE)
    assert done.returncode == 4, done.stderr[-2000:]
    errors = [line for line in done.stderr.splitlines() if " ERROR: " in line]
    assert len(errors) == 1 and "archive write failed, stopping the crawl: injected write failure" in errors[0], errors
    assert "Traceback" not in done.stderr
    assert query(archive, "SELECT canonical_url FROM articles WHERE canonical_url = ?", (FAILING,)) == []
    # what the run record counts is what the archive holds: the committed batches, whole
    (new, finish, code), = query(archive, "SELECT articles_new, finish_reason, exit_code FROM crawl_runs")
    assert (finish, code) == ("archive_error", 4)
    assert new == query(archive, "SELECT COUNT(*) FROM articles")[0][0] > 0
    assert query(archive, "SELECT (SELECT COUNT(*) FROM articles) - (SELECT COUNT(*) FROM articles_fts)") == [(0,)]


def test_the_archive_is_complete_when_the_crawl_returns(tmp_path):
    archive = tmp_path / "a.sqlite"
    done = run_crawl(archive, "G60_ARCHIVE_BATCH=7", replay=SITE)
    assert done.returncode == 0, done.stderr[-2000:]
    (new, items, duplicates, failures, finished), = query(
        archive, "SELECT articles_new, items, duplicates, failures, finished_at IS NOT NULL FROM crawl_runs")
    assert finished
    assert new == query(archive, "SELECT COUNT(*) FROM articles")[0][0] > 0
    # items: the articles read, a copy of an archived one (a duplicate) included
    assert items == query(archive, "SELECT COUNT(*) FROM articles WHERE kind = 'article'")[0][0] + duplicates
    assert failures == query(archive, "SELECT COUNT(*) FROM failures")[0][0]
    # every article whole: version, capture, index row
    assert query(archive, "SELECT COUNT(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM captures c "
                          "JOIN article_versions v ON v.id = c.version_id WHERE v.article_id = a.id)") == [(0,)]
    assert query(archive, "SELECT (SELECT COUNT(*) FROM articles) - (SELECT COUNT(*) FROM articles_fts)") == [(0,)]


def _crawl_cmd(archive, *settings: str) -> list[str]:
    cmd = [sys.executable, "-m", "scrapy", "crawl", "g60", "-s", f"G60_ARCHIVE={archive}", "-s", "LOG_LEVEL=INFO",
           "-s", f"G60_REPLAY_DIR={SITE}"]
    for s in settings:
        cmd += ["-s", s]
    return cmd


def test_a_crawl_that_is_pid_1_keeps_its_writer(tmp_path):
    # docker run without --init, a Kubernetes pod: the crawl is the first process of its pid namespace
    archive = tmp_path / "a.sqlite"
    done = subprocess.run(["unshare", "--pid", "--fork", "--mount-proc", *_crawl_cmd(archive)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert query(archive, "SELECT finish_reason, exit_code FROM crawl_runs") == [("finished", 0)]
    assert query(archive, "SELECT COUNT(*) FROM articles")[0][0] > 0


def test_the_writer_imports_the_crawls_own_package_not_one_in_the_current_directory(tmp_path):
    archive, marker = tmp_path / "a.sqlite", tmp_path / "imported"
    other = tmp_path / "checkout" / "g60crawler"
    other.mkdir(parents=True)
    (other / "__init__.py").write_text(f"open({str(marker)!r}, 'w').close()\nraise ImportError('the other g60crawler')\n")
    scrapy = Path(sys.executable).parent / "scrapy"  # a console script: the crawl itself does not import from cwd
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SCRAPY_SETTINGS_MODULE": "g60crawler.settings"}
    done = subprocess.run([str(scrapy), *_crawl_cmd(archive)[3:]], cwd=other.parent, env=env,
                          capture_output=True, text=True, timeout=120)
    assert not marker.exists(), done.stderr[-2000:]
    assert done.returncode == 0, done.stderr[-2000:]


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_a_killed_writer_stops_the_crawl_with_one_error_and_the_run_recorded(tmp_path):
    archive = tmp_path / "a.sqlite"
    crawl = subprocess.Popen(_crawl_cmd(archive, "G60_ARCHIVE_BATCH=2", "DOWNLOAD_DELAY=0.05",
                                        "AUTOTHROTTLE_ENABLED=False", "DOWNLOAD_DELAY_JITTER=0"),
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while article_count(archive) < 4 and time.monotonic() < deadline and crawl.poll() is None:
            time.sleep(0.01)
        assert crawl.poll() is None, "the crawl ended before its writer could be killed"
        (child,) = _children(crawl.pid)
        os.kill(child, signal.SIGKILL)
        _, stderr = crawl.communicate(timeout=60)
    finally:
        if crawl.poll() is None:
            crawl.kill()
            crawl.communicate()
    assert crawl.returncode == 4, stderr[-2000:]
    errors = [line for line in stderr.splitlines() if " ERROR: " in line]
    assert len(errors) == 1 and "the archive writer was killed by signal 9" in errors[0], errors
    assert "Traceback" not in stderr
    (run, reason, code, new, failures), = query(
        archive, "SELECT id, finish_reason, exit_code, articles_new, failures FROM crawl_runs WHERE finished_at IS NOT NULL")
    assert (reason, code) == ("archive_error", 4)
    assert new == query(archive, "SELECT COUNT(*) FROM articles")[0][0] > 0
    assert failures == query(archive, "SELECT COUNT(*) FROM failures WHERE last_run_id = ?", (run,))[0][0]


def test_a_killed_writer_is_reported_with_its_signal_not_the_pipe(writer):
    w, _ = writer
    w.call("call", "start_run", "g60", {})
    w.process.kill()
    w.process.wait(10)
    with pytest.raises(WriterError, match="^the archive writer was killed by signal 9$"):
        w.call("store", 1, FailureItem("http://x/1", "http 503"), commit=True)
    assert w.gone == "the archive writer was killed by signal 9"
