"""Split articles: an article's later pages, read one after the other and joined to the first."""

from __future__ import annotations

import scrapy
from scrapy.spidermiddlewares.httperror import HttpError

from .. import normalize
from ..assemble import join_pages, next_page, pages_joined
from ..failures import failure_reason
from ..items import FailureItem, RawArticle
from ..pages.notfound import soft_404
from .responses import capture_of
from .scope import on_portal


class SplitArticles:
    """Spider mixin: follows an article's pager to its end, then hands it to the attachments.

    Expects the spider's ``config``, ``fetch_attachments``, ``_extract``, ``_requisites_of``,
    ``_attachment_plan`` and ``_attachments``.
    """

    def _next_or_done(self, raw: RawArticle, pages: int):
        """The request for the article's next page, or (the last page read) its attachments and the article.

        :param raw: the article, its pages so far joined.
        :param pages: how many pages are joined in it.
        """
        nxt = next_page(raw, pages) if raw.next_page and on_portal(raw.next_page) else None
        if isinstance(nxt, FailureItem):
            yield nxt
        elif nxt:
            yield scrapy.Request(nxt, callback=self.parse_article_page, errback=self.page_failed, dont_filter=True,
                                 cb_kwargs={"first": raw, "pages": pages})
        else:
            yield from self._attachments(raw, self._attachment_plan(raw) if self.fetch_attachments else [])

    def parse_article_page(self, response, first: RawArticle, pages: int):
        yield from self._requisites_of(response)
        later = self._extract(response)
        later.captures = [capture_of(response, self.config.clock)]
        requested = normalize.canonical_url(response.meta.get("redirect_urls", [response.url])[0])
        final = normalize.canonical_url(response.url)
        gone = soft_404(requested, final, later.title or later.title_tag, "\n".join(later.paragraphs))
        if final in pages_joined(first):  # a redirect back to a page already read: this page is missing
            failed = f"redirected back to {final}"
        else:
            failed = "soft 404" if gone else None
        joined = join_pages(first, later, failed=failed)
        if isinstance(joined, FailureItem):
            yield joined
        else:
            yield from self._next_or_done(joined, pages + 1)

    def page_failed(self, failure):
        """A later page of a split article failed: the article is incomplete, a failure (retried later)."""
        reason, _detail = failure_reason(failure)
        incomplete = join_pages(failure.request.cb_kwargs["first"], None, failed=reason)
        if failure.check(HttpError):
            incomplete.captures.append(capture_of(failure.value.response, self.config.clock))
        yield incomplete
