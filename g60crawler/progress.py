"""Progress of a long crawl, logged every ``G60_PROGRESS_INTERVAL`` seconds: a Scrapy extension.

A live crawl at one request a second runs for hours; every interval it logs one INFO line::

    progress: 3/7 sections done, 41 list pages read, 812 articles archived, 230 article requests
    pending, about 4 min left (0.9 articles a second)

A section is done when its list pages were read to their end (or to a page holding nothing
new, or to ``G60_MAX_LIST_PAGES``). The estimate divides the article requests still pending
(list entries asked for whose outcome is not recorded yet) by the rate observed so far
(entries archived, failed or found duplicate, per second since the crawl opened); list pages
still to be read add articles it cannot know of, so it is a floor while sections remain.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from scrapy import signals
from scrapy.exceptions import NotConfigured

from . import runconfig
from .items import FailureItem, SectionSwept

logger = logging.getLogger(__name__)

#: the stats the spider counts list entries' outcomes in
DONE_STATS = ("g60/entries/archived", "g60/entries/failed", "g60/entries/duplicates")


def remaining_seconds(pending: int, done: int, elapsed: float) -> float | None:
    """Seconds the pending requests take at the rate observed so far (None: no rate yet).

    :param pending: article requests not finished.
    :param done: article requests finished so far.
    :param elapsed: seconds since the crawl opened.
    """
    if pending == 0:
        return 0.0
    if done <= 0 or elapsed <= 0:
        return None
    return pending / (done / elapsed)


def _duration(seconds: float) -> str:
    """``under a minute``, ``about 4 min``, ``about 2.5 h``."""
    if seconds < 30:
        return "under a minute"
    if seconds < 90 * 60:
        return f"about {max(1, round(seconds / 60))} min"
    return f"about {seconds / 3600:.1f} h"


class ProgressLog:
    """Log the crawl's progress every ``interval`` seconds (0: never).

    :param stats: the crawler's stats (the spider's ``g60/sections/*`` and ``g60/entries/*``).
    :param interval: seconds between two lines.
    :param clock: monotonic seconds (a fake one in tests).
    """

    def __init__(self, stats, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.stats = stats
        self.interval = interval
        self.clock = clock
        self.started: float | None = None
        self.spider = None
        self.sections_done: set[str] = set()
        self.task = None

    @classmethod
    def from_crawler(cls, crawler):
        name = "G60_PROGRESS_INTERVAL"
        interval = runconfig.SETTINGS[name](name, crawler.settings.get(name, runconfig.default(name)))
        if not interval:
            raise NotConfigured(f"{name} is 0")
        extension = cls(crawler.stats, interval)
        crawler.signals.connect(extension.start, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        return extension

    def spider_opened(self, spider) -> None:
        self.spider = spider
        self.started = self.clock()

    def start(self, spider) -> None:
        """The crawl opened: note when, and log every interval from now on."""
        from twisted.internet import task

        self.spider_opened(spider)
        self.task = task.LoopingCall(self.log)
        self.task.start(self.interval, now=False)

    def spider_closed(self, spider, reason) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()

    def item_scraped(self, item, spider) -> None:
        """A section is done when its list ended: swept to its end, or cut at the page limit."""
        if isinstance(item, SectionSwept):
            self.sections_done.add(item.section)
        elif isinstance(item, FailureItem) and item.reason == "pagination limit" and item.section:
            self.sections_done.add(item.section)

    def line(self) -> str:
        """The progress line, from the stats and the spider's open entries."""
        stats = self.stats.get_stats()
        total = len(getattr(self.spider, "section_slugs", ()) or ())
        done_sections = len(self.sections_done) + (stats.get("g60/list/stopped_at_known_page") or 0)
        pages = sum(v.get("pages", 0) for k, v in stats.items()
                    if k.startswith("g60/sections/") and isinstance(v, dict))
        archived = stats.get("g60/entries/archived", 0)
        finished = sum(stats.get(k, 0) for k in DONE_STATS)
        pending = len(getattr(self.spider, "open_entries", ()) or ())
        elapsed = self.clock() - (self.started if self.started is not None else self.clock())
        left = remaining_seconds(pending, finished, elapsed)
        text = (f"progress: {min(done_sections, total)}/{total} sections done, {pages} list pages read, "
                f"{archived} articles archived, {pending} article requests pending")
        if left is None:
            return text + ", no estimate yet"
        if pending:
            text += f", {_duration(left)} left ({finished / elapsed:.2g} articles a second)"
        return text

    def log(self) -> None:
        logger.info("%s", self.line())
