"""Shared test helpers: paths of the fixture mirror, the fixture archive and a private copy of it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "fixtures" / "site"
SITE_V2 = ROOT / "fixtures" / "site-v2"
SITE_V3 = ROOT / "fixtures" / "site-v3"  # after a redesign: new articles in an unknown template
HOST = "g60.chinadevelopment.com.cn"


@pytest.fixture
def archive_path(tmp_path):
    return tmp_path / "archive.sqlite"


@pytest.fixture
def proxy():
    """Address of a real HTTP server on 127.0.0.1 answering as a proxy from fixtures/site."""
    server = subprocess.Popen([sys.executable, "-m", "tests.mirror_server", str(SITE)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        address = server.stdout.readline().strip()
        assert address.startswith("http://127.0.0.1:")
        yield address
    finally:
        server.terminate()
        server.wait(timeout=10)


#: RSS samples (bytes) of the crawl that built fixture_archive: the baseline of memory checks
BASELINE_RSS: list[int] = []


@pytest.fixture(scope="session")
def fixture_archive(tmp_path_factory) -> Path:
    """An archive built by a replay crawl of fixtures/site (shared, read-only: copy it to write)."""
    from .crawl import run_crawl

    archive = tmp_path_factory.mktemp("fixture-archive") / "g60.sqlite"
    done = run_crawl(archive, replay=SITE, rss=BASELINE_RSS)
    assert done.returncode == 0, done.stderr[-3000:]
    return archive


@pytest.fixture
def db(fixture_archive, tmp_path) -> Path:
    """A private copy of the fixture archive (a test may write to it or tamper with it)."""
    path = tmp_path / "g60.sqlite"
    shutil.copy(fixture_archive, path)
    return path


@pytest.fixture(scope="session")
def baseline_peak_rss(fixture_archive) -> int:
    """Peak RSS (bytes) of a plain replay crawl of fixtures/site, sampled while it ran."""
    assert len(BASELINE_RSS) >= 10, f"only {len(BASELINE_RSS)} RSS samples of the baseline crawl"
    return max(BASELINE_RSS)


def pytest_configure(config):
    config.addinivalue_line("markers", "reliability(fault, expected, group=...): a fault or hostile input, "
                                       "reported in docs/RELIABILITY.md")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    from . import reliability

    reliability.record(item, outcome.get_result())


def pytest_sessionfinish(session, exitstatus):
    from . import reliability

    reliability.write()


def ticking_clock(step: timedelta = timedelta(minutes=1)):
    """An archive clock that moves ``step`` forward at each reading, from 2024-01-01 UTC (captures in order)."""
    t = [datetime(2024, 1, 1, tzinfo=timezone.utc)]

    def now():
        t[0] += step
        return t[0]
    return now
