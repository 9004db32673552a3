"""Item pipelines: thin. Normalise raw articles, then hand everything to the archive."""

from __future__ import annotations

import logging
import os
import sqlite3

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro

from . import portal, runconfig
from .archive import Archive, ArchiveError
from .archive.planning import PERMANENT_REASONS
from .assemble import build_article
from .health import EXIT_ARCHIVE, EXIT_OK, EXIT_UNHEALTHY, RunMetrics, Thresholds, check_run, check_sections
from .items import ArticleItem, FailureItem, ListEntry, ListPage, NotModified, RawArticle, Requisite, SectionSwept
from .pages.pager import page_number

logger = logging.getLogger(__name__)

#: Failure reasons that say an archived article is gone from the site: it gets a tombstone.
GONE_REASONS = ("http 404", "http 410", "soft 404")
#: Failures that are the portal's own answer for a page (gone, or served without a title or body): an
#: expected outcome of crawling a live site, logged at INFO. Any other failure (timeouts, server errors,
#: a list cut at a limit ...) is logged at WARNING: an operator may have to act. A rise of either kind
#: across runs is the health checks' business (ERROR, and a non-zero exit status).
EXPECTED_REASONS = frozenset(PERMANENT_REASONS)
#: The run's counts of archived items, as ``crawl_runs`` records them.
RUN_COUNTS = ("articles_new", "articles_changed", "articles_unchanged", "duplicates", "failures", "items", "generic",
              "with_published", "with_editor", "with_summary", "not_modified", "tombstones")

#: The settings recorded with each run in ``crawl_runs.settings``.
RUN_SETTINGS = ("G60_REPLAY_DIR", "G60_NOW", "G60_REVISIT_DAYS", "DOWNLOAD_DELAY", "AUTOTHROTTLE_ENABLED",
                "ROBOTSTXT_OBEY", "USER_AGENT", "JOBDIR")


class NormalizePipeline:
    """Turn each :class:`RawArticle` into an :class:`ArticleItem` (or a failure)."""

    def process_item(self, item):
        if isinstance(item, RawArticle):
            return build_article(item)
        return item


class ArchivePipeline:
    """Write articles, list entries and failures to the archive, in batches; judge the run.

    :param config: the run's configuration (archive path, batch size, clock, thresholds).
    :param run_settings: the settings recorded with the run in ``crawl_runs``.
    """

    def __init__(self, config: runconfig.RunConfig, run_settings: dict | None = None, stats=None,
                 spider_name: str = "g60") -> None:
        self.config = config
        self.run_settings = run_settings or {}
        self.stats = stats
        self.spider_name = spider_name
        self.archive: Archive | None = None
        self.run_id: int | None = None
        self.crawler = None
        self.broken: str | None = None  # why the archive cannot be written, once it cannot
        self.pending = 0
        # what committed batches hold (recorded in crawl_runs), and what the open batch adds to it:
        # a batch rolled back is never counted
        self.counts = dict.fromkeys(RUN_COUNTS, 0)
        self.batch_counts = dict.fromkeys(RUN_COUNTS, 0)
        self.batch_outcomes: dict[str, int] = {}
        self.first_failure: str | None = None  # reason and detail of the run's first failure
        self.swept: list[str] = []  # sections walked to their last list page, marked swept if the run finishes

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        pipeline = cls(runconfig.load(s), {name: s.get(name) for name in RUN_SETTINGS}, crawler.stats,
                       getattr(crawler.spidercls, "name", "g60"))
        pipeline.crawler = crawler
        crawler.signals.connect(pipeline.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def spider_opened(self, spider):
        self.run_settings["sections"] = ",".join(getattr(spider, "section_slugs", []))
        self.run_settings["full"] = bool(getattr(spider, "full", False))
        try:
            self.open()
        except sqlite3.Error as exc:  # the disk filled up between the checks and the first write
            self._stop(exc)

    def open(self) -> None:
        self.archive = Archive.open(self.config.archive, clock=self.config.clock)
        self.run_id = self.archive.start_run(self.spider_name, self.run_settings)
        logger.info("archive %s, run %d", os.path.abspath(self.config.archive), self.run_id)

    def process_item(self, item):
        if self.broken is not None:
            return item  # the crawl is stopping; nothing more can be written
        try:
            self._store(item)
        except (sqlite3.Error, ArchiveError) as exc:  # ArchiveError: an attachment file not written
            self._stop(exc)
        return item

    def _stop(self, exc: Exception) -> None:
        """The archive cannot be written (disk full, read-only): roll back the batch, stop the crawl."""
        self.broken = str(exc)
        self.pending = 0
        self.batch_counts = dict.fromkeys(RUN_COUNTS, 0)
        self.batch_outcomes = {}
        logger.error("archive write failed, stopping the crawl: %s (%s)", exc, self.config.archive)
        try:
            if self.archive is not None:
                self.archive.conn.rollback()
        except sqlite3.Error:
            pass
        if self.stats:
            self.stats.set_value("g60/exit_code", EXIT_ARCHIVE)
        if self.crawler is not None and self.crawler.engine is not None:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="archive_error"))

    def _store(self, item) -> None:
        assert self.archive is not None
        if isinstance(item, ArticleItem):
            self._article(item)
        elif isinstance(item, FailureItem):
            self.archive.record_failure(item, self.run_id)
            if self.first_failure is None:
                self.first_failure = f"{item.reason}: {item.detail}" if item.detail else item.reason
            self.batch_counts["failures"] += 1
            self._entry_done([item.url] + [c.url for c in item.captures], "failed")
            if item.reason in GONE_REASONS and self.archive.tombstone(item.url):
                self.batch_counts["tombstones"] += 1
                logger.info("gone from the site (tombstone): %s", item.url)
            elif item.reason in EXPECTED_REASONS:
                logger.info("failure (the portal's answer): %s: %s", item.url, item.reason)
            else:
                logger.warning("failure: %s: %s", item.url, item.reason)
        elif isinstance(item, ListPage):
            number = page_number(item.url)  # its place in the section's list orders its entries
            self.archive.record_listings(item.entries, number[1] if number else None)
            if item.capture is not None:
                self.archive.store_capture(item.capture, self.run_id)
        elif isinstance(item, Requisite):
            self.archive.store_capture(item.capture, self.run_id)
        elif isinstance(item, ListEntry):
            self.archive.record_listings([item])
        elif isinstance(item, NotModified):
            self.archive.record_not_modified(item.url)
            self.batch_counts["not_modified"] += 1
        elif isinstance(item, SectionSwept):
            self.swept.append(item.section)
            state = getattr(getattr(self.crawler, "spider", None), "state", None)
            if isinstance(state, dict):  # JOBDIR: the resumed run finishes the walk this run began
                state.setdefault("g60_swept", []).append(item.section)
        self.pending += 1
        if self.pending >= self.config.batch:
            self._commit()

    def _commit(self) -> None:
        """Commit the open batch, then add its counts to the run's."""
        self.archive.commit()
        for key, value in self.batch_counts.items():
            self.counts[key] += value
        if self.stats:
            for outcome, value in self.batch_outcomes.items():
                self.stats.inc_value(f"g60/articles/{outcome}", value)
        self.pending = 0
        self.batch_counts = dict.fromkeys(RUN_COUNTS, 0)
        self.batch_outcomes = {}

    def _article(self, item: ArticleItem) -> None:
        outcome = self.archive.record_article(item, self.run_id)
        self._entry_done([item.list_entry.url] if item.list_entry else [item.url],
                         "duplicates" if outcome == "duplicate" else "archived")
        key = "duplicates" if outcome == "duplicate" else f"articles_{outcome}"
        self.batch_counts[key] += 1
        self.batch_outcomes[outcome] = self.batch_outcomes.get(outcome, 0) + 1
        if item.kind == "article":
            c = self.batch_counts
            c["items"] += 1
            c["generic"] += bool(item.extraction and item.extraction.startswith("generic:"))
            c["with_published"] += item.published is not None
            c["with_editor"] += item.editor is not None
            c["with_summary"] += item.summary is not None

    def _entry_done(self, urls: list[str], outcome: str) -> None:
        """Tell the spider how a list entry ended (it counts each entry once)."""
        done = getattr(getattr(self.crawler, "spider", None), "entry_done", None)
        if done is not None:
            done(urls, outcome)

    def spider_closed(self, spider, reason):
        if self.archive is None:
            return
        try:
            self._finish(reason)
        except (sqlite3.Error, ArchiveError) as exc:
            if self.broken is None:
                self._stop(exc)
            logger.error("run %s could not be recorded as finished: %s", self.run_id, exc)
        finally:
            try:
                self.archive.close()
            except sqlite3.Error:
                pass
            self.archive = None

    def _finish(self, reason: str) -> None:
        if self.broken is not None:
            stats = self.stats.get_stats() if self.stats else {}
            self.archive.finish_run(self.run_id, "archive_error", self.counts, stats, EXIT_ARCHIVE,
                                    [f"archive write failed: {self.broken}"])
            logger.info("%s", self.summary("archive_error", EXIT_ARCHIVE, {}))
            return
        if reason == "finished":
            # a stopped run may not have archived the entries of the lists it walked
            state = getattr(getattr(self.crawler, "spider", None), "state", None)
            for section in dict.fromkeys([*self.swept, *(state.get("g60_swept", []) if isinstance(state, dict) else [])]):
                self.archive.mark_swept(section)
        self._commit()
        stats = self.stats.get_stats() if self.stats else {}
        pages = stats.get("downloader/response_count", 0)
        pages_ok = sum(v for k, v in stats.items()
                       if k.startswith("downloader/response_status_count/") and k.rsplit("/", 1)[1] in ("200", "304"))
        metrics = RunMetrics(pages_ok, self.counts["items"], self.counts["failures"], self.counts["generic"],
                             self.counts["with_published"], self.counts["with_editor"], self.counts["with_summary"],
                             responses=pages)
        previous = self.archive.recent_metrics(self.config.health_runs, before_run=self.run_id)
        problems = check_run(metrics, previous, self.config.thresholds, portal.current().extraction,
                             first_failure=self.first_failure)
        sections = {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("g60/sections/")}
        archived = None
        if stats.get("g60/news_sections"):  # a run of 关于我们 alone archives no article, rightly
            (archived,) = self.archive.conn.execute("SELECT COUNT(*) FROM articles WHERE kind = 'article'").fetchone()
        problems += check_sections(sections, archived, portal.current().source, reachable=pages > 0)
        exit_code = EXIT_UNHEALTHY if problems else EXIT_OK
        for problem in problems:
            logger.error("health check failed: %s", problem)
        if self.stats:
            self.stats.set_value("g60/exit_code", exit_code)
        self.archive.finish_run(self.run_id, reason, {"pages_fetched": pages, "pages_ok": pages_ok, **self.counts},
                                stats, exit_code, problems)
        by_reason = dict(self.archive.conn.execute(
            "SELECT reason, COUNT(*) FROM failures WHERE last_run_id = ? GROUP BY reason ORDER BY COUNT(*) DESC, reason",
            (self.run_id,)).fetchall())
        logger.info("%s", self.summary(reason, exit_code, by_reason))

    def summary(self, reason: str, exit_code: int, failures_by_reason: dict[str, int]) -> str:
        """The one line a person reads at the end of a crawl: what it found, what failed and why, where to look.

        :param reason: how the crawl ended (Scrapy's finish reason).
        :param exit_code: the run's exit status.
        :param failures_by_reason: this run's failures (rows of ``failures``) counted by reason.
        """
        c = self.counts
        failures = f"{c['failures']} failure{'' if c['failures'] == 1 else 's'}"
        if failures_by_reason:
            failures += " (" + ", ".join(f"{n} {why}" for why, n in failures_by_reason.items()) + ")"
        return (f"crawl finished: run {self.run_id} ({reason}): {c['articles_new']} new, "
                f"{c['articles_changed']} changed, {c['articles_unchanged']} unchanged, "
                f"{c['duplicates']} duplicate{'' if c['duplicates'] == 1 else 's'}, "
                f"{c['not_modified']} not modified, {c['tombstones']} removed from the site, {failures}; "
                f"exit status {exit_code}; details: g60crawler runs --db {self.config.archive}")


__all__ = ["ArchivePipeline", "NormalizePipeline", "Thresholds"]
