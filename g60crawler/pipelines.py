"""Item pipelines: thin. Normalise raw articles, then hand everything to the archive."""

from __future__ import annotations

import logging

from scrapy import signals

from .archive import Archive
from .assemble import build_article
from .items import ArticleItem, FailureItem, ListEntry, RawArticle

logger = logging.getLogger(__name__)


class NormalizePipeline:
    """Turn each :class:`RawArticle` into an :class:`ArticleItem` (or a failure)."""

    def process_item(self, item):
        if isinstance(item, RawArticle):
            return build_article(item)
        return item


class ArchivePipeline:
    """Write articles, list entries and failures to the archive, in batches.

    :param path: the archive file (``G60_ARCHIVE``).
    :param batch_size: items per committed transaction (``G60_ARCHIVE_BATCH``).
    :param run_settings: the settings recorded with the run in ``crawl_runs``.
    """

    def __init__(self, path: str, batch_size: int = 20, run_settings: dict | None = None,
                 stats=None, spider_name: str = "g60") -> None:
        self.path = path
        self.batch_size = max(1, batch_size)
        self.run_settings = run_settings or {}
        self.stats = stats
        self.spider_name = spider_name
        self.archive: Archive | None = None
        self.run_id: int | None = None
        self.pending = 0
        self.counts = {"articles_new": 0, "articles_changed": 0, "articles_unchanged": 0,
                       "duplicates": 0, "failures": 0}

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        run_settings = {
            name: s.get(name)
            for name in ("G60_REPLAY_DIR", "DOWNLOAD_DELAY", "AUTOTHROTTLE_ENABLED",
                         "ROBOTSTXT_OBEY", "USER_AGENT", "JOBDIR")
        }
        pipeline = cls(s.get("G60_ARCHIVE"), s.getint("G60_ARCHIVE_BATCH", 20), run_settings,
                       crawler.stats, getattr(crawler.spidercls, "name", "g60"))
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.spider_opened, signal=signals.spider_opened)
        return pipeline

    def spider_opened(self, spider):
        self.run_settings["sections"] = ",".join(getattr(spider, "section_slugs", []))
        self.open()

    def open(self) -> None:
        self.archive = Archive.open(self.path)
        self.run_id = self.archive.start_run(self.spider_name, self.run_settings)
        logger.info("archive %s, run %d", self.path, self.run_id)

    def process_item(self, item):
        assert self.archive is not None
        if isinstance(item, ArticleItem):
            outcome = self.archive.record_article(item, self.run_id)
            key = "duplicates" if outcome == "duplicate" else f"articles_{outcome}"
            self.counts[key] += 1
            if self.stats:
                self.stats.inc_value(f"g60/articles/{outcome}")
        elif isinstance(item, FailureItem):
            self.archive.record_failure(item, self.run_id)
            self.counts["failures"] += 1
            if self.stats:
                self.stats.inc_value("g60/failures")
            logger.warning("failure: %s: %s", item.url, item.reason)
        elif isinstance(item, ListEntry):
            self.archive.record_listing(item)
        self.pending += 1
        if self.pending >= self.batch_size:
            self.archive.commit()
            self.pending = 0
        return item

    def spider_closed(self, spider, reason):
        if self.archive is None:
            return
        self.archive.commit()
        pages = self.stats.get_value("downloader/response_count", 0) if self.stats else 0
        stats = self.stats.get_stats() if self.stats else {}
        self.archive.finish_run(self.run_id, reason, {"pages_fetched": pages, **self.counts}, stats)
        self.archive.close()
        self.archive = None
        logger.info("run %d finished (%s): %s", self.run_id, reason, self.counts)
