"""The G60 spider: sections -> list pages -> articles (joined over their pages)."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

import scrapy
from scrapy.spidermiddlewares.httperror import HttpError

from .. import normalize, portal
from ..archive import Archive, ArchiveError
from ..assemble import join_pages
from ..items import Capture, FailureItem, ListEntry, RawArticle
from ..pages.article import extract_raw
from ..pages.listing import parse_listing

#: A split article with more pages than this is cut here (a pager loop guard).
MAX_ARTICLE_PAGES = 30


class SpiderArgumentError(ValueError):
    """A bad ``-a`` argument."""


def parse_sections(value: str | None) -> tuple[portal.Section, ...]:
    """The sections named by ``-a sections=g60zx,sjxw`` (all when not given)."""
    if not value:
        return portal.SECTIONS
    slugs = [s.strip() for s in value.split(",") if s.strip()]
    unknown = [s for s in slugs if s not in portal.SECTIONS_BY_SLUG]
    if unknown or not slugs:
        known = ",".join(portal.SECTIONS_BY_SLUG)
        raise SpiderArgumentError(f"unknown section(s) {','.join(unknown) or value!r}; known: {known}")
    return tuple(portal.SECTIONS_BY_SLUG[s] for s in dict.fromkeys(slugs))


def usage_error(message: str) -> NoReturn:
    """Stop before crawling: one line on stderr and exit status 2, not a traceback."""
    sys.stderr.write(f"Error: {message}\n")
    raise SystemExit(2)


def check_settings(settings) -> None:
    """Refuse settings that would fail later in the crawl (a bad path, a bad number)."""
    replay = settings.get("G60_REPLAY_DIR")
    if replay and not Path(replay).is_dir():
        usage_error(f"G60_REPLAY_DIR {replay!r} is not a folder")
    try:
        if settings.getint("G60_ARCHIVE_BATCH") < 1:
            raise ValueError
    except ValueError:
        usage_error(f"G60_ARCHIVE_BATCH must be a positive integer, got {settings.get('G60_ARCHIVE_BATCH')!r}")
    try:
        Archive.open(settings.get("G60_ARCHIVE")).close()
    except ArchiveError as exc:
        usage_error(f"G60_ARCHIVE: {exc}")


def capture_of(response) -> Capture:
    """The raw response as the archive keeps it."""
    headers = {
        key.decode("latin-1"): b", ".join(values).decode("latin-1")
        for key, values in response.headers.items()
    }
    return Capture(response.url, response.status, headers, response.body,
                   datetime.now(timezone.utc).isoformat(timespec="seconds"))


def content_type(response) -> str | None:
    value = response.headers.get("Content-Type")
    return value.decode("latin-1") if value else None


def on_portal(url: str) -> bool:
    return (urlsplit(url).hostname or "").lower() == portal.HOST


class G60Spider(scrapy.Spider):
    name = "g60"
    allowed_domains = [portal.HOST]

    def __init__(self, *args, sections: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        try:
            self.sections = parse_sections(sections)
        except SpiderArgumentError as exc:
            usage_error(f"-a sections: {exc}")
        self.section_slugs = [s.slug for s in self.sections]
        self._requested: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        check_settings(crawler.settings)
        return super().from_crawler(crawler, *args, **kwargs)

    @classmethod
    def update_settings(cls, settings) -> None:
        super().update_settings(settings)
        if settings.get("G60_REPLAY_DIR"):
            # Replay reads local files: politeness delays protect nobody there.
            for name, value in (("DOWNLOAD_DELAY", 0), ("AUTOTHROTTLE_ENABLED", False),
                                ("CONCURRENT_REQUESTS", 16), ("CONCURRENT_REQUESTS_PER_DOMAIN", 16)):
                settings.set(name, value, priority="spider")

    async def start(self):
        for section in self.sections:
            callback = self.parse_page if section.kind == "page" else self.parse_list
            yield scrapy.Request(section.url, callback=callback, errback=self.failed,
                                 cb_kwargs={"section": section.slug})

    # ------------------------------------------------------------ lists

    def parse_list(self, response, section: str):
        listing = parse_listing(response.url, response.body, content_type(response))
        if listing.layout != "known":
            self.logger.warning("list page %s: unknown list markup, used any article link", response.url)
        for raw in listing.entries:
            url = normalize.canonical_url(raw.url)
            if not on_portal(url) or not portal.ARTICLE_PATH.match(urlsplit(url).path):
                self.crawler.stats.inc_value("g60/list/links_not_followed")
                self.logger.debug("not following %s (not an article of the portal)", raw.url)
                continue
            entry = ListEntry(url=url, section=section, title=raw.title, date=raw.date,
                              list_url=response.url)
            yield entry
            if url in self._requested:
                continue
            self._requested.add(url)
            yield scrapy.Request(url, callback=self.parse_article, errback=self.failed,
                                 cb_kwargs={"entry": entry})
        for page in listing.pages:
            page = normalize.canonical_url(page)
            m = portal.LIST_PATH.match(urlsplit(page).path)
            if on_portal(page) and m and m["section"] == section:
                yield scrapy.Request(page, callback=self.parse_list, errback=self.failed,
                                     cb_kwargs={"section": section})

    # ------------------------------------------------------------ articles

    def _raw(self, response, kind: str = "article") -> RawArticle:
        raw = extract_raw(response.url, response.body, content_type(response))
        raw.kind = kind
        raw.captures = [capture_of(response)]
        raw.aliases = list(response.meta.get("redirect_urls", []))
        return raw

    def parse_article(self, response, entry: ListEntry):
        raw = self._raw(response)
        raw.section = portal.section_of_path(urlsplit(response.url).path) or entry.section
        raw.list_entry = entry
        yield from self._next_or_done(raw, pages=1)

    def parse_article_page(self, response, first: RawArticle, pages: int):
        later = extract_raw(response.url, response.body, content_type(response))
        later.captures = [capture_of(response)]
        yield from self._next_or_done(join_pages(first, later), pages + 1)

    def _next_or_done(self, raw: RawArticle, pages: int):
        nxt = raw.next_page
        if nxt and on_portal(nxt) and pages < MAX_ARTICLE_PAGES:
            yield scrapy.Request(nxt, callback=self.parse_article_page, errback=self.page_failed,
                                 cb_kwargs={"first": raw, "pages": pages})
        else:
            yield raw

    def page_failed(self, failure):
        """A later page of a split article failed: keep the pages we have, record the gap."""
        first = failure.request.cb_kwargs["first"]
        first.next_page = None
        yield first
        yield from self.failed(failure)

    def parse_page(self, response, section: str):
        raw = self._raw(response, kind="page")
        raw.section = section
        yield raw

    # ------------------------------------------------------------ failures

    def failed(self, failure):
        request = failure.request
        captures = []
        if failure.check(HttpError):
            response = failure.value.response
            reason = f"http {response.status}"
            captures = [capture_of(response)]
        else:
            reason = failure.type.__name__
        section = request.cb_kwargs.get("section") or portal.section_of_path(urlsplit(request.url).path)
        yield FailureItem(url=request.url, reason=reason, detail=str(failure.value)[:500],
                          section=section, captures=captures)
