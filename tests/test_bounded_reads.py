"""Replay and `extract` check a file's type and size before reading it, and read at most the limit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from g60crawler import settings as defaults
from g60crawler.mirror import TooLarge, Unreadable, read_file

from .conftest import HOST, ROOT, SITE
from .crawl import query, run_crawl
from .expectations import EXPECTED
from .reliability import articles_lost

LIMIT = defaults.DOWNLOAD_MAXSIZE
HUGE = 3 * 1024**3  # a sparse file: 3 GB long, no disk used
ARTICLE = f"{HOST}/g60zx/2023/0606/1630012.shtml"
PAGE_URL = f"http://{ARTICLE}"
# a child process may not take more memory than this: reading 3 GB whole fails in it instead of
# exhausting the machine (the measured peak, not this cap, is what the tests compare)
ADDRESS_SPACE = 2 * 1024**3

_CHILD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
outcome = "returned"
try:
{action}
except SystemExit as exc:
    outcome = f"exit {{exc.code}}"
except BaseException as exc:
    outcome = f"{{type(exc).__name__}}: {{exc}}"
print(json.dumps({{"outcome": outcome, "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}))
"""


def _child(action: str, timeout: int = 60) -> dict:
    """Run ``action`` (indented Python) in a fresh interpreter; its outcome and peak RSS."""
    code = _CHILD.format(cap=ADDRESS_SPACE, action=action)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert done.stdout.strip(), done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["stderr"] = done.stderr
    return result


def _replay(root: Path, url: str) -> str:
    return (f"    from scrapy import Request\n"
            f"    from g60crawler.replay import ReplayMiddleware\n"
            f"    response = ReplayMiddleware({str(root)!r}, {LIMIT}).process_request(Request({url!r}))\n"
            f"    outcome = f'{{response.status}} {{len(response.body)}}'\n")


def _extract(path: Path) -> str:
    return (f"    from g60crawler.cli import main\n"
            f"    main(['extract', {str(path)!r}, '--url', {PAGE_URL!r}])\n")


@pytest.fixture
def mirror(tmp_path):
    """A one-page mirror: the article as saved, its copy as a 3 GB sparse file, and a FIFO."""
    root = tmp_path / "site"
    page = root / ARTICLE
    page.parent.mkdir(parents=True)
    shutil.copyfile(SITE / ARTICLE, page)
    with open(page.with_name("huge.shtml"), "wb") as f:
        f.truncate(HUGE)
    os.mkfifo(page.with_name("fifo.shtml"))
    return root


def _url(name: str) -> str:
    return PAGE_URL.rsplit("/", 1)[0] + "/" + name


@pytest.mark.reliability("replay of a 3 GB (sparse) mirror file", "refused as over DOWNLOAD_MAXSIZE before "
                         "anything is read: peak memory as for a normal page", group="hostile input")
def test_replay_refuses_a_huge_file_before_reading_it(mirror, record_property):
    normal = _child(_replay(mirror, PAGE_URL))
    huge = _child(_replay(mirror, _url("huge.shtml")))
    record_property("measured", f"peak RSS {huge['maxrss_kb'] // 1024} MB; serving a normal page "
                                f"{normal['maxrss_kb'] // 1024} MB")
    assert normal["outcome"] == f"200 {(SITE / ARTICLE).stat().st_size}"
    assert huge["outcome"] == (f"IgnoreRequest: Cancelling download of {_url('huge.shtml')}: expected response "
                               f"size ({HUGE}) larger than download max size ({LIMIT}).")
    # refusing costs no more memory than serving a normal page (plus at most the limit)
    assert huge["maxrss_kb"] * 1024 <= normal["maxrss_kb"] * 1024 + LIMIT, (huge, normal)


@pytest.mark.reliability("replay of a mirror file that is a FIFO", "refused at once (not a regular file), "
                         "no hang", group="hostile input")
def test_replay_refuses_a_fifo_without_waiting(mirror):
    fifo = _child(_replay(mirror, _url("fifo.shtml")), timeout=30)
    assert fifo["outcome"] == (f"IgnoreRequest: Cannot replay {_url('fifo.shtml')}: "
                               f"{mirror / HOST}/g60zx/2023/0606/fifo.shtml: a FIFO, not a regular file")


@pytest.mark.reliability("`extract` on /dev/zero, a FIFO and a 3 GB sparse file", "one `Error:` line with the "
                         "reason, exit 1, no hang; peak memory as for extracting a normal page", group="hostile input")
@pytest.mark.parametrize("target, reason", [
    ("/dev/zero", "a character device, not a regular file"),
    ("{fifo}", "a FIFO, not a regular file"),
    ("{huge}", f"{HUGE} bytes, over the limit of {LIMIT} (DOWNLOAD_MAXSIZE)"),
])
def test_extract_checks_before_reading(mirror, target, reason, record_property):
    page = mirror / ARTICLE
    path = Path(target.format(fifo=page.with_name("fifo.shtml"), huge=page.with_name("huge.shtml")))
    normal = _child(_extract(page))
    hostile = _child(_extract(path), timeout=30)
    record_property("measured", f"peak RSS {hostile['maxrss_kb'] // 1024} MB; a normal page "
                                f"{normal['maxrss_kb'] // 1024} MB")
    assert normal["outcome"] == "exit 0", normal
    assert hostile["outcome"] == "exit 1", hostile
    assert hostile["stderr"].strip().splitlines() == [f"Error: cannot read {path}: {reason}"]
    assert hostile["maxrss_kb"] * 1024 <= normal["maxrss_kb"] * 1024 + LIMIT, (hostile, normal)


def test_read_file_reads_at_most_the_limit(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"x" * 100)
    assert read_file(path, 100) == b"x" * 100
    with pytest.raises(TooLarge) as err:
        read_file(path, 99)
    assert (err.value.size, err.value.limit) == (100, 99)
    with pytest.raises(Unreadable, match="a directory"):
        read_file(tmp_path, 10)


@pytest.mark.reliability("a crawl of a mirror where one article is a 3 GB sparse file and one a FIFO",
                         "both recorded as failures with their reason; every other article archived",
                         group="hostile input")
def test_crawl_records_unreadable_mirror_files_as_failures(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(SITE, site, symlinks=True)
    # two articles with no republished copy in the mirror (a copy would be archived in their place)
    huge_url, fifo_url = PAGE_URL, f"http://{HOST}/g60zx/2024/0528/1630031.shtml"
    assert {huge_url, fifo_url} <= set(EXPECTED)
    for url in (huge_url, fifo_url):
        assert (site / url.split("://", 1)[1]).is_file()
    huge = site / huge_url.split("://", 1)[1]
    huge.unlink()
    with open(huge, "wb") as f:
        f.truncate(HUGE)
    fifo = site / fifo_url.split("://", 1)[1]
    fifo.unlink()
    os.mkfifo(fifo)
    archive = tmp_path / "a.sqlite"
    done = run_crawl(archive, replay=site, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    failures = dict(query(archive, "SELECT url, reason || ': ' || detail FROM failures WHERE url IN (?, ?)",
                          (huge_url, fifo_url)))
    assert "too large" in failures[huge_url] and f"({HUGE})" in failures[huge_url]
    assert "a FIFO, not a regular file" in failures[fifo_url]
    archived = {u for (u,) in query(archive, "SELECT url FROM article_urls")}
    assert not {huge_url, fifo_url} & archived
    assert articles_lost(archive, set(EXPECTED) - {huge_url, fifo_url}) == 0
