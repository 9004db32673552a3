"""Page requisites: the portal-hosted style sheets, scripts and images a page loads (G60_PAGE_REQUISITES)."""

from __future__ import annotations

from urllib.parse import urlsplit

import scrapy
from scrapy.spidermiddlewares.httperror import HttpError

from .. import normalize, portal
from ..failures import failure_reason
from ..items import Requisite
from ..pages.requisites import css_requisites, html_requisites
from .responses import capture_of, content_type
from .scope import on_host


class PageRequisites:
    """Spider mixin: requests each page's requisites once per run and hands their captures on.

    Expects the spider's ``archive``, ``config``, ``crawler``, ``logger``, ``page_requisites``
    and ``attachment_maxsize`` (the size cap of a requisite too).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._requisites: set[str] = set()  # canonical URLs of the requisites requested in this run

    def _root_request(self) -> scrapy.Request:
        """The page a replay starts from: kept with its requisites, like the requisites themselves."""
        root = portal.current().root
        self._requisites.add(normalize.canonical_url(root))
        return scrapy.Request(root, callback=self.parse_requisite, errback=self.requisite_failed,
                              cb_kwargs={"html": True})

    def _requisites_of(self, response, css: bool = False):
        """Requests for the portal-hosted style sheets, scripts and images a page loads (G60_PAGE_REQUISITES).

        Each URL once per run, and not at all once the archive holds a capture of it.

        :param response: the page (HTML, or a style sheet when ``css``).
        :param css: read the response as a style sheet.
        """
        if not self.page_requisites or not hasattr(response, "text"):
            return
        found = css_requisites(response.url, response.text) if css else html_requisites(response.url, response.text)
        for url in found:
            url = normalize.canonical_url(url)
            if url in self._requisites or not on_host(url) or self.archive.has_capture(url):
                continue
            self._requisites.add(url)
            self.crawler.stats.inc_value("g60/requisites/requested")
            yield scrapy.Request(url, callback=self.parse_requisite, errback=self.requisite_failed,
                                 meta={"download_maxsize": self.attachment_maxsize})

    def parse_requisite(self, response, html: bool = False):
        yield Requisite(capture_of(response, self.config.clock))
        if html:
            yield from self._requisites_of(response)
        elif "css" in (content_type(response) or "").lower() or urlsplit(response.url).path.endswith(".css"):
            yield from self._requisites_of(response, css=True)

    def requisite_failed(self, failure):
        """A requisite that answered an error is kept as that answer (a replay shows it too); others are logged."""
        self.crawler.stats.inc_value("g60/requisites/failed")
        if failure.check(HttpError):
            yield Requisite(capture_of(failure.value.response, self.config.clock))
        self.logger.info("page requisite %s: %s", failure.request.url, failure_reason(failure)[0])
