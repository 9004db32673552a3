"""Item pipelines: thin. Normalise raw articles, then hand everything to the archive."""

from __future__ import annotations

import logging
import os
import sqlite3

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future

from . import portal, runconfig
from .archive import Archive, ArchiveError
from .archive.planning import PERMANENT_REASONS
from .assemble import build_article
from .health import EXIT_ARCHIVE, EXIT_OK, EXIT_UNHEALTHY, RunMetrics, Thresholds, check_run, check_sections
from .items import ArticleItem, ListPage, NotModified, RawArticle, SectionSwept
from .pages.pager import page_number
from .writer import ArchiveWriter, Skipped, WriterError

logger = logging.getLogger(__name__)

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
        self.writer: ArchiveWriter | None = None  # the archive's writer: every write goes through it
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
        except WriterError as exc:  # the disk filled up between the checks and the first write
            self._stop(exc)

    def open(self) -> None:
        """Start the archive's writer (a child process) and record the run's start."""
        self.writer = ArchiveWriter(self.config.archive, self.run_settings.get("G60_NOW"))
        try:
            self.writer.start()
        except WriterError:
            self.writer.close()
            self.writer = None  # nothing was opened: nothing to record at the end
            raise
        self.run_id = self.writer.call("call", "start_run", self.spider_name, self.run_settings)
        logger.info("archive %s, run %d", os.path.abspath(self.config.archive), self.run_id)

    async def process_item(self, item):
        """Hand the item to the writer; done when it is written (committed with its batch)."""
        if self.broken is not None or self.writer is None:
            return item  # the crawl is stopping; nothing more can be written
        self.pending += 1
        commit = self.pending >= self.config.batch
        if commit:
            self.pending = 0
        try:
            number = page_number(item.url) if isinstance(item, ListPage) else None  # its place in the section's list
            stored = self.writer.submit("store", self.run_id, item, number[1] if number else None, commit=commit)
            kind, value = await maybe_deferred_to_future(stored)
        except Skipped:
            return item  # an earlier write failed: this one was not made
        except WriterError as exc:  # SQLite's error, or an attachment file not written
            if self.broken is None:
                self._stop(exc)
            return item
        if self.broken is None:
            self._stored(item, kind, value)
            if commit:
                self._committed()
        return item

    def _stop(self, exc: Exception) -> None:
        """The archive cannot be written (disk full, read-only): the writer rolled the batch back; stop the crawl."""
        self.broken = str(exc)
        self.pending = 0
        self.batch_counts = dict.fromkeys(RUN_COUNTS, 0)
        self.batch_outcomes = {}
        logger.error("archive write failed, stopping the crawl: %s (%s)", exc, self.config.archive)
        if self.stats:
            self.stats.set_value("g60/exit_code", EXIT_ARCHIVE)
        if self.crawler is not None and self.crawler.engine is not None:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="archive_error"))

    def _stored(self, item, kind: str, value) -> None:
        """Count a written item in the open batch and tell the spider how its list entry ended.

        :param kind: what the writer wrote (``article``, ``failure`` or ``other``).
        :param value: the article's outcome, or whether the failure made a tombstone.
        """
        if kind == "article":
            self._article(item, value)
        elif kind == "failure":
            if self.first_failure is None:
                self.first_failure = f"{item.reason}: {item.detail}" if item.detail else item.reason
            self.batch_counts["failures"] += 1
            self._entry_done([item.url] + [c.url for c in item.captures], "failed")
            if value:
                self.batch_counts["tombstones"] += 1
                logger.info("gone from the site (tombstone): %s", item.url)
            elif item.reason in EXPECTED_REASONS:
                logger.info("failure (the portal's answer): %s: %s", item.url, item.reason)
            else:
                logger.warning("failure: %s: %s", item.url, item.reason)
        elif isinstance(item, NotModified):
            self.batch_counts["not_modified"] += 1
        elif isinstance(item, SectionSwept):
            self.swept.append(item.section)
            state = getattr(getattr(self.crawler, "spider", None), "state", None)
            if isinstance(state, dict):  # JOBDIR: the resumed run finishes the walk this run began
                state.setdefault("g60_swept", []).append(item.section)

    def _committed(self) -> None:
        """The open batch was committed: add its counts to the run's."""
        for key, value in self.batch_counts.items():
            self.counts[key] += value
        if self.stats:
            for outcome, value in self.batch_outcomes.items():
                self.stats.inc_value(f"g60/articles/{outcome}", value)
        self.batch_counts = dict.fromkeys(RUN_COUNTS, 0)
        self.batch_outcomes = {}

    def _article(self, item: ArticleItem, outcome: str) -> None:
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
        """Record the run's end once every item is written (the writer runs them in order), then close it."""
        if self.writer is None:
            return
        try:
            self._finish(reason)
        except (WriterError, Skipped) as exc:
            if self.broken is None:
                self._stop(exc)
            if self.writer.gone is None:  # the writer is there but could not write it
                logger.error("run %s could not be recorded as finished: %s", self.run_id, exc)
        finally:
            gone = self.writer.gone
            self.writer.close()
            self.writer = None
        if gone is not None:
            self._finish_without_writer()

    def _finish_without_writer(self) -> None:
        """The writer died (killed, crashed): record the run's end from the crawl's process, with what was committed."""
        stats = self.stats.get_stats() if self.stats else {}
        try:
            archive = Archive.open(self.config.archive, clock=self.config.clock)
            try:
                archive.finish_run(self.run_id, "archive_error", self.counts, stats, EXIT_ARCHIVE,
                                   [f"archive write failed: {self.broken}"])
            finally:
                archive.close()
        except (sqlite3.Error, ArchiveError) as exc:
            logger.error("run %s could not be recorded as finished: %s", self.run_id, exc)
            return
        logger.info("%s", self.summary("archive_error", EXIT_ARCHIVE, {}))

    def _call(self, method: str, *args):
        """Call an archive method in the writer and wait for its value."""
        return self.writer.call("call", method, *args)

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        return self.writer.call("query", sql, params)

    def _finish(self, reason: str) -> None:
        if self.broken is not None:
            if self.writer.gone is not None:
                return  # recorded from the crawl's process once the writer is closed
            stats = self.stats.get_stats() if self.stats else {}
            self._call("finish_run", self.run_id, "archive_error", self.counts, stats, EXIT_ARCHIVE,
                       [f"archive write failed: {self.broken}"])
            logger.info("%s", self.summary("archive_error", EXIT_ARCHIVE, {}))
            return
        if reason == "finished":
            # a stopped run may not have archived the entries of the lists it walked
            state = getattr(getattr(self.crawler, "spider", None), "state", None)
            for section in dict.fromkeys([*self.swept, *(state.get("g60_swept", []) if isinstance(state, dict) else [])]):
                self._call("mark_swept", section)
        self._call("commit")
        self._committed()
        self.pending = 0
        stats = self.stats.get_stats() if self.stats else {}
        pages = stats.get("downloader/response_count", 0)
        pages_ok = sum(v for k, v in stats.items()
                       if k.startswith("downloader/response_status_count/") and k.rsplit("/", 1)[1] in ("200", "304"))
        metrics = RunMetrics(pages_ok, self.counts["items"], self.counts["failures"], self.counts["generic"],
                             self.counts["with_published"], self.counts["with_editor"], self.counts["with_summary"],
                             responses=pages)
        previous = self._call("recent_metrics", self.config.health_runs, self.run_id)
        problems = check_run(metrics, previous, self.config.thresholds, portal.current().extraction,
                             first_failure=self.first_failure)
        sections = {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("g60/sections/")}
        archived = None
        if stats.get("g60/news_sections"):  # a run of 关于我们 alone archives no article, rightly
            ((archived,),) = self._query("SELECT COUNT(*) FROM articles WHERE kind = 'article'")
        problems += check_sections(sections, archived, portal.current().source, reachable=pages > 0)
        exit_code = EXIT_UNHEALTHY if problems else EXIT_OK
        for problem in problems:
            logger.error("health check failed: %s", problem)
        if self.stats:
            self.stats.set_value("g60/exit_code", exit_code)
        self._call("finish_run", self.run_id, reason, {"pages_fetched": pages, "pages_ok": pages_ok, **self.counts},
                   stats, exit_code, problems)
        by_reason = dict(self._query(
            "SELECT reason, COUNT(*) FROM failures WHERE last_run_id = ? GROUP BY reason ORDER BY COUNT(*) DESC, reason",
            (self.run_id,)))
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
