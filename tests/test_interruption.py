"""A crawl stopped early (Ctrl-C, a CLOSESPIDER_* limit) and then rerun plainly archives every article.

The stopped run has recorded list pages whose article requests were still in
flight: those entries are open (listed, neither archived nor failed for good)
and the next normal run fetches them; a section is marked swept only by a run
that finished.
"""

from __future__ import annotations

import pytest

from .conftest import SITE
from .crawl import query, run_crawl


def _urls(archive) -> set[str]:
    # every URL an article is known by: which copy of a republished article is the primary one
    # depends on the order pages arrive in (it differs between Scrapy versions)
    return {url for (url,) in query(archive, "SELECT url FROM article_urls")}


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    archive = tmp_path_factory.mktemp("clean") / "a.sqlite"
    done = run_crawl(archive, replay=SITE)
    assert done.returncode == 0, done.stderr[-2000:]
    return _urls(archive)


@pytest.mark.parametrize("limit", [pytest.param(limit, marks=pytest.mark.reliability(
    f"a crawl stopped early by {limit}, then one plain rerun",
    "the archive holds exactly the articles of an uninterrupted crawl", group="interruption"))
    for limit in ("CLOSESPIDER_PAGECOUNT=5", "CLOSESPIDER_PAGECOUNT=15", "CLOSESPIDER_ITEMCOUNT=10")])
def test_stopped_crawl_then_plain_rerun_archives_everything(tmp_path, clean, limit):
    archive = tmp_path / "a.sqlite"
    first = run_crawl(archive, limit, replay=SITE)
    (reason,) = query(archive, "SELECT finish_reason FROM crawl_runs")[0]
    assert reason.startswith("closespider_"), first.stderr[-2000:]
    assert len(_urls(archive)) < len(clean)
    assert query(archive, "SELECT COUNT(*) FROM section_sweeps") == [(0,)]  # no section walked to its end by a finished run
    second = run_crawl(archive, replay=SITE)
    assert second.returncode == 0, second.stderr[-2000:]
    assert _urls(archive) == clean
