"""The G60 spider: crawl policy only (what to fetch, in what order, when to stop).

A normal run is incremental, with the archive as its memory: each section's
first list page, then further list pages only while they show something new
(or until a section has been walked to its end once); article URLs already
archived are not fetched again, except the ones due for a revisit by the
schedule (G60_REVISIT_DAYS) or missing from between their neighbours on a list
page. ``-a full=1`` walks every list page.

Every list entry ends in exactly one of: an article, a failure or a duplicate
(already known, or another URL of an article of this run); see entries.py.
The spider composes its other concerns from mixins beside it: split articles
(split_articles.py), attachments (attachments.py), page requisites (requisites.py).
"""

from __future__ import annotations

import scrapy
from scrapy import signals
from scrapy.spidermiddlewares.httperror import HttpError

from .. import normalize, portal
from ..archive import Archive
from ..archive.store import Revisit
from ..failures import failure_reason
from ..items import Capture, FailureItem, ListEntry, ListPage, NotModified, RawArticle, SectionSwept
from ..pages.article import extract_raw
from ..pages.listing import parse_listing
from ..pages.notfound import soft_404
from ..runconfig import ConfigError, parse_flag, parse_sections, prepare, stop
from .attachments import ArticleAttachments
from .entries import EntryAccounting
from .requisites import PageRequisites
from .responses import capture_of, content_type
from .scope import on_portal, section_of
from .split_articles import SplitArticles


class G60Spider(EntryAccounting, SplitArticles, ArticleAttachments, PageRequisites, scrapy.Spider):
    """The spider: start, list pages, articles, revisits, and the failures of their requests."""

    name = "g60"

    def __init__(self, *args, sections: str | None = None, full: str | None = None, **kwargs) -> None:
        unknown = sorted(k for k in kwargs if not k.startswith("_"))  # scrapyd's own arguments start with _
        if unknown:
            stop(f"-a {unknown[0]}: unknown spider argument (known: sections, full)")
        super().__init__(*args, **kwargs)
        try:
            self.sections = parse_sections(sections)
        except ConfigError as exc:
            stop(f"-a sections: {exc}")
        try:
            self.full = parse_flag("full", full)
        except ConfigError as exc:
            stop(f"-a {exc}")
        self.section_slugs = [s.slug for s in self.sections]
        self.allowed_domains = list(portal.current().hosts)
        self._requested: set[str] = set()
        self.list_counts: dict[str, dict] = {}  # per section: list pages, links seen, entries, unmatched sample
        self.vanished_revisits = 0
        self.reopened: set[str] = set()  # open entries of earlier runs, requested at the start

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        config = prepare(crawler)  # checks settings, takes the archive's lock
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.config = config
        spider.max_pages = config.values["G60_MAX_LIST_PAGES"]
        spider.max_entries = config.values["G60_MAX_LIST_ENTRIES"]
        spider.fetch_attachments = config.values["G60_ATTACHMENTS"]
        spider.attachment_maxsize = config.values["G60_ATTACHMENT_MAXSIZE"]
        spider.page_requisites = config.values["G60_PAGE_REQUISITES"]
        spider.max_attachments = config.values["G60_MAX_ATTACHMENTS"]
        spider.max_vanished = config.values["G60_MAX_VANISHED_REVISITS"]
        spider.archive = Archive.open(config.archive, clock=config.clock)  # this spider's reads
        crawler.signals.connect(spider._close_archive, signal=signals.spider_closed)
        return spider

    @classmethod
    def update_settings(cls, settings) -> None:
        super().update_settings(settings)
        if settings.get("G60_REPLAY_DIR"):
            # Replay reads local files: politeness delays protect nobody there.
            for name, value in (("DOWNLOAD_DELAY", 0), ("AUTOTHROTTLE_ENABLED", False),
                                ("CONCURRENT_REQUESTS", 16), ("CONCURRENT_REQUESTS_PER_DOMAIN", 16)):
                settings.set(name, value, priority="spider")

    def _close_archive(self, spider, reason: str = "finished") -> None:
        self._report_open_entries(reason)
        self.archive.close()

    # ------------------------------------------------------------ start

    async def start(self):
        self.swept = self.archive.swept_sections()
        self.crawler.stats.set_value("g60/news_sections", sum(s.kind == "news" for s in self.sections))
        if self.page_requisites:
            yield self._root_request()
        for section in self.sections:
            self._requested.add(normalize.canonical_url(section.url))
            if section.kind == "news":
                yield scrapy.Request(section.url, callback=self.parse_list, errback=self.failed,
                                     cb_kwargs={"section": section.slug, "page": 0})
            elif self.full or not self.archive.is_known(section.url):
                yield scrapy.Request(section.url, callback=self.parse_page, errback=self.failed,
                                     cb_kwargs={"section": section.slug})
        # a run resumed from JOBDIR: the entries the stopped run requested are in the job's queue
        queued = self._job_state().get("g60_requested", set())
        for entry in self.archive.open_entries(self.section_slugs):
            # listed before but never archived: failed for a reason worth retrying (a 503, an incomplete
            # split article), or its request was in flight when an earlier run stopped
            if entry.url not in self._requested and entry.url not in queued and self._entry_seen(entry):
                self.crawler.stats.inc_value("g60/entries/retried")
                self.reopened.add(entry.url)
                yield self._entry_request(entry)
        now = self.config.clock()
        for revisit in self.archive.due_revisits(now, self.config.revisit_days, self.config.page_max_age):
            if section_of(revisit.url) in self.section_slugs:
                self.crawler.stats.inc_value("g60/revisits/scheduled")
                yield self._revisit_request(revisit)

    def _job_state(self) -> dict:
        """The spider's state kept in JOBDIR across a stop and resume (empty without JOBDIR)."""
        return getattr(self, "state", None) if isinstance(getattr(self, "state", None), dict) else {}

    def _revisit_request(self, revisit: Revisit) -> scrapy.Request:
        """A conditional request for an archived page: 304 if the server knows it is unchanged."""
        self._requested.add(revisit.url)
        headers = {}
        if revisit.etag:
            headers["If-None-Match"] = revisit.etag
        if revisit.last_modified:
            headers["If-Modified-Since"] = revisit.last_modified
        # dont_filter: a redirect to a URL already requested must reach the spider, not the dupefilter
        return scrapy.Request(revisit.url, headers=headers, callback=self.parse_revisit, errback=self.failed,
                              meta={"handle_httpstatus_list": [304]}, dont_filter=True,
                              cb_kwargs={"entry": revisit.entry, "kind": revisit.kind})

    # ------------------------------------------------------------ lists

    def parse_list(self, response, section: str, page: int = 0):
        listing = parse_listing(response.url, response.body, content_type(response))
        if listing.layout != "known":
            self.logger.info("list page %s: no known list markup, read its repeated article links", response.url)
        counts = self.list_counts.setdefault(section, {"pages": 0, "links": 0, "entries": 0, "unmatched": []})
        counts["pages"] += 1
        counts["links"] += listing.links_seen
        counts["unmatched"] = (counts["unmatched"] + listing.unmatched)[:5]
        new, shown = 0, set()
        page_item = ListPage(response.url, section, capture=capture_of(response, self.config.clock))
        yield from self._requisites_of(response)
        if len(listing.entries) > self.max_entries:
            yield FailureItem(url=response.url, reason="list too long", section=section,
                              detail=f"{len(listing.entries)} entries, the first {self.max_entries} kept "
                                     "(G60_MAX_LIST_ENTRIES)")
            listing.entries = listing.entries[: self.max_entries]
        for raw in listing.entries:
            url = normalize.canonical_url(raw.url)
            if not portal.current().is_article(url):
                self.crawler.stats.inc_value("g60/list/links_not_followed")
                self.logger.debug("not following %s (not an article of the portal)", raw.url)
                if len(counts["unmatched"]) < 5:
                    counts["unmatched"].append(raw.url)
                continue
            counts["entries"] += 1
            shown.add(url)
            entry = ListEntry(url=url, section=section, title=raw.title, date=raw.date, list_url=response.url)
            page_item.entries.append(entry)
            first_sight = self._entry_seen(entry)
            if url in self.reopened:
                new += 1  # not archived yet: the list may hold more that an earlier run did not reach
            if url in self._requested or self.archive.is_known(url):
                if first_sight:  # archived before, failed for good, or already asked for in this run
                    self.crawler.stats.inc_value("g60/entries/duplicates")
                    self.crawler.stats.inc_value("g60/entries/known")
                continue
            new += 1
            yield self._entry_request(entry)
        self.crawler.stats.set_value(f"g60/sections/{section}", dict(counts))
        # judged before this page's entries are recorded, against the order of an earlier sighting
        yield from self._vanished(section, page_item.entries, shown)
        yield page_item
        following = listing.next_page if listing.next_page and on_portal(listing.next_page) else None
        if following and normalize.canonical_url(following) in self._requested:
            following = None  # a pager that points back: the section's end
        if not following:
            yield SectionSwept(section)
        elif page + 1 >= self.max_pages:
            yield FailureItem(url=following, reason="pagination limit", section=section,
                              detail=f"{section} has more than {self.max_pages} list pages (G60_MAX_LIST_PAGES)")
        elif self.full or new or section not in self.swept:
            url = normalize.canonical_url(following)
            self._requested.add(url)
            yield scrapy.Request(url, callback=self.parse_list, errback=self.failed,
                                 cb_kwargs={"section": section, "page": page + 1})
        else:
            self.crawler.stats.inc_value("g60/list/stopped_at_known_page")

    def _entry_request(self, entry: ListEntry) -> scrapy.Request:
        """The request for a list entry, counted open until its outcome is recorded."""
        self._requested.add(entry.url)
        self._entry_opened(entry.url)
        if hasattr(self, "state"):  # JOBDIR: a resumed run must not request it again
            self.state.setdefault("g60_requested", set()).add(entry.url)
        # dont_filter: a redirect to a URL already requested must reach the spider, not the dupefilter
        return scrapy.Request(entry.url, callback=self.parse_article, errback=self.failed, dont_filter=True,
                              cb_kwargs={"entry": entry})

    def _vanished(self, section: str, entries: list[ListEntry], shown: set[str]):
        """Revisit archived articles missing from between two neighbours that were listed around them.

        Only that is evidence of a removal: a pinned (置顶) old entry, or entries
        pushed to the next page, are not. At most G60_MAX_VANISHED_REVISITS a run.
        """
        pairs = [(a.url, b.url) for a, b in zip(entries, entries[1:])]
        for revisit in self.archive.missing_between(section, pairs):
            if revisit.url in shown or revisit.url in self._requested:
                continue
            if self.vanished_revisits >= self.max_vanished:
                self.crawler.stats.inc_value("g60/revisits/vanished_over_limit")
                self.logger.warning("not revisiting %s, missing from its list: over G60_MAX_VANISHED_REVISITS",
                                    revisit.url)
                continue
            self.vanished_revisits += 1
            self.crawler.stats.inc_value("g60/revisits/vanished_from_list")
            yield self._revisit_request(revisit)

    # ------------------------------------------------------------ articles

    def _raw(self, response, kind: str = "article") -> RawArticle:
        raw = self._extract(response)
        raw.kind = kind
        fetched = self.config.clock().isoformat(timespec="seconds")
        raw.captures = [Capture(url, status, headers, body, fetched)
                        for url, status, headers, body in response.meta.get("g60_redirects", [])]
        raw.captures.append(capture_of(response, self.config.clock))
        raw.aliases = list(response.meta.get("redirect_urls", []))
        return raw

    def parse_article(self, response, entry: ListEntry | None):
        yield from self._requisites_of(response)
        raw = self._raw(response)
        raw.section = section_of(response.url) or (entry and entry.section)
        raw.list_entry = entry
        requested = normalize.canonical_url(response.meta.get("redirect_urls", [response.url])[0])
        final = normalize.canonical_url(response.url)
        why = soft_404(requested, final, raw.title or raw.title_tag, "\n".join(raw.paragraphs),
                       self._other_articles(requested, final, entry))
        if why:
            self.crawler.stats.inc_value("g60/soft_404")
            yield FailureItem(url=requested, reason="soft 404", detail=why[:500],
                              section=(entry and entry.section) or section_of(requested),
                              captures=raw.captures)
            return
        yield from self._next_or_done(raw, pages=1)

    def _other_articles(self, requested: str, final: str, entry: ListEntry | None) -> set[str]:
        """{final} when a redirect landed on another listed article (listed in this run or before), else empty.

        The same article moved to a new URL (same list title, or already one of its
        archived URLs) is not another article: the redirect is kept as its alias. A
        URL never listed itself is where articles moved: entries redirected there are
        aliases of the one article there, whichever reached it first (and whether or
        not that one is committed yet).
        """
        if final == requested or not portal.current().is_article(final):
            return set()
        other = self.entries.get(final) or self.archive.list_entry(final)
        if other is None:
            return set()
        archived = self.archive.article(final) if self.archive.is_known(final) else None
        if archived is not None and requested in archived["urls"]:
            return set()
        title = normalize.clean_text(entry.title) if entry and entry.title else None
        return set() if title and normalize.clean_text(other.title) == title else {final}

    def parse_revisit(self, response, entry: ListEntry | None, kind: str):
        if response.status == 304:
            yield NotModified(response.url)
        elif kind == "page":
            yield from self.parse_page(response, section_of(response.url))
        else:
            yield from self.parse_article(response, entry)

    def _extract(self, response) -> RawArticle:
        """Extract a page; a page that breaks the extractor is an empty result, recorded as a failure."""
        try:
            return extract_raw(response.url, response.body, content_type(response))
        except Exception as exc:  # a hostile page must not stop the crawl
            self.logger.error("extraction error on %s: %r", response.url, exc)
            self.crawler.stats.inc_value("g60/extraction_errors")
            return RawArticle(url=response.url, extraction=f"error:{type(exc).__name__}", encoding="")

    def parse_page(self, response, section: str):
        yield from self._requisites_of(response)
        raw = self._raw(response, kind="page")
        raw.section = section
        yield raw

    # ------------------------------------------------------------ failures

    def failed(self, failure):
        request = failure.request
        reason, detail = failure_reason(failure)
        captures = [capture_of(failure.value.response, self.config.clock)] if failure.check(HttpError) else []
        # a redirect chain is recorded under the URL the crawl asked for, not where it was sent
        url = request.meta.get("redirect_urls", [request.url])[0]
        if url != request.url:
            detail = f"{detail} (redirected to {request.url})"
        section = request.cb_kwargs.get("section") or section_of(url)
        yield FailureItem(url=url, reason=reason, detail=detail, section=section, captures=captures)

