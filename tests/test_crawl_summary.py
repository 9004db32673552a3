"""What a person reads of a crawl: one `crawl finished:` line, progress lines on a long crawl, no false alarms."""

from __future__ import annotations

import logging
import re
from collections import Counter

import pytest

from g60crawler.items import FailureItem, SectionSwept
from g60crawler.progress import ProgressLog, remaining_seconds

from .conftest import SITE
from .crawl import query, run_crawl


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    archive = tmp_path_factory.mktemp("summary") / "g60.sqlite"
    done = run_crawl(archive, "DOWNLOAD_DELAY=0.02", "G60_PROGRESS_INTERVAL=0.2", replay=SITE)
    assert done.returncode == 0, done.stderr[-3000:]
    return archive, done.stderr


def test_one_summary_line_with_the_runs_counts(crawled):
    archive, log = crawled
    lines = [line for line in log.splitlines() if "crawl finished:" in line]
    assert len(lines) == 1, lines
    line = lines[0]
    assert " INFO: crawl finished: " in line
    (run_id, new, changed, unchanged, duplicates, failures, tombstones, exit_code), = query(
        archive, "SELECT id, articles_new, articles_changed, articles_unchanged, duplicates, failures, tombstones, "
                 "exit_code FROM crawl_runs")
    assert f"run {run_id} " in line
    for number, words in ((new, "new"), (changed, "changed"), (unchanged, "unchanged"),
                          (duplicates, "duplicates?"), (tombstones, "removed from the site")):
        assert re.search(rf"\b{number} {words}\b", line), (words, line)
    by_reason = Counter(dict(query(archive, "SELECT reason, COUNT(*) FROM failures WHERE last_run_id = ? "
                                            "GROUP BY reason", (run_id,))))
    assert failures == sum(by_reason.values()) == 2
    shown = re.search(r"\b(\d+) failures? \(([^)]*)\)", line)
    assert shown and int(shown.group(1)) == failures
    assert Counter({reason: int(n) for n, reason in
                    (part.split(" ", 1) for part in shown.group(2).split(", "))}) == by_reason
    assert f"exit status {exit_code}" in line
    assert f"g60crawler runs --db {archive}" in line


def test_the_mirrors_deliberate_failures_are_not_alarms(crawled):
    _, log = crawled
    # the mirror's 404 and its page without a body are the portal's own answers: INFO, not WARNING
    assert re.search(r"INFO: failure \(the portal's answer\): \S+: http 404", log)
    assert re.search(r"INFO: failure \(the portal's answer\): \S+: no body", log)
    assert not [line for line in log.splitlines() if re.search(r"\[g60crawler[^\]]*\] (WARNING|ERROR)", line)]


def test_a_long_crawl_logs_its_progress(crawled):
    _, log = crawled
    lines = [line for line in log.splitlines() if "] INFO: progress: " in line]
    assert lines, log[-3000:]
    assert re.search(r"progress: \d+/7 sections done, \d+ list pages read, \d+ articles archived, "
                     r"\d+ article requests pending", lines[-1]), lines[-1]


def test_no_progress_line_when_disabled(tmp_path):
    done = run_crawl(tmp_path / "g60.sqlite", "G60_PROGRESS_INTERVAL=0", replay=SITE)
    assert done.returncode == 0
    assert "progress:" not in done.stderr


@pytest.mark.parametrize("pending, done, elapsed, expected", [
    (100, 50, 100.0, 200.0),  # half an article a second: 100 more take 200 s
    (0, 50, 100.0, 0.0),  # nothing pending: done
    (10, 0, 30.0, None),  # nothing finished yet: no rate to estimate from
    (10, 5, 0.0, None),
])
def test_remaining_time_from_the_observed_rate(pending, done, elapsed, expected):
    assert remaining_seconds(pending, done, elapsed) == expected


class FakeStats:
    def __init__(self, values):
        self.values = values

    def get_value(self, key, default=None):
        return self.values.get(key, default)

    def get_stats(self):
        return dict(self.values)


class FakeSpider:
    section_slugs = ["g60zx", "sjxw", "jcfc", "zcfw"]
    open_entries = {f"http://x/{n}" for n in range(30)}


def test_a_progress_line_from_stats_and_a_clock(caplog):
    now = [1000.0]
    stats = FakeStats({"g60/sections/g60zx": {"pages": 3}, "g60/sections/sjxw": {"pages": 2},
                       "g60/entries/archived": 50, "g60/entries/failed": 5, "g60/entries/duplicates": 5})
    progress = ProgressLog(stats, interval=60, clock=lambda: now[0])
    progress.spider_opened(FakeSpider())
    progress.item_scraped(SectionSwept("g60zx"), None)
    progress.item_scraped(FailureItem(url="http://x/p", reason="pagination limit", section="sjxw"), None)
    now[0] += 120.0  # 60 entries done in 120 s: 0.5 a second, 30 pending take 60 s
    with caplog.at_level(logging.INFO, logger="g60crawler.progress"):
        progress.log()
    assert caplog.messages == ["progress: 2/4 sections done, 5 list pages read, 50 articles archived, "
                               "30 article requests pending, about 1 min left (0.5 articles a second)"]
