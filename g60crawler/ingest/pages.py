"""From the captured pages of an article to one raw article: extract each page, join split ones.

Shared by reparse and WARC import. Pages are joined with
:func:`g60crawler.assemble.join_pages` only; an article that links a next page
which is not among the captures is incomplete and is never stored as a version.
"""

from __future__ import annotations

from typing import Callable

from .. import normalize
from ..assemble import join_pages, next_page, pages_joined
from ..items import FailureItem, RawArticle
from ..pages.article import extract_raw
from ..pages.decode import content_type

def extract_page(url: str, body: bytes, headers: dict[str, str]) -> RawArticle:
    """Extract one stored page; a page that breaks the extractor is an empty result (a failure later).

    :param url: the page's URL.
    :param body: its raw bytes.
    :param headers: its HTTP headers (for the charset).
    """
    try:
        return extract_raw(url, body, content_type(headers))
    except Exception as exc:  # a hostile page must not stop an import or a reparse
        return RawArticle(url=url, extraction=f"error:{type(exc).__name__}", encoding="")


class Incomplete(Exception):
    """A split article's later page is not among the captures.

    :param missing: the URL of the first missing page.
    """

    def __init__(self, missing: str) -> None:
        super().__init__(f"page {missing} is missing")
        self.missing = missing


def join_article(first: RawArticle, page_at: Callable[[str], RawArticle | None]) -> RawArticle:
    """Join a split article's pages in order, following each page's next-page link.

    :param first: the extracted first page.
    :param page_at: the extracted page at a URL, or None when it was not captured.
    :raises Incomplete: a linked next page is missing, or join_pages finds it empty.
    """
    raw, pages = first, 1
    while True:
        nxt = next_page(raw, pages)  # None: the last page, or a page linking back
        if nxt is None:
            return raw
        if isinstance(nxt, FailureItem):  # a pager that never ends
            raise Incomplete(raw.next_page)
        later = page_at(nxt)
        if later is not None and normalize.canonical_url(later.url) in pages_joined(raw):
            later = None  # the capture is a page already joined (a redirect back): page nxt is missing
        joined = join_pages(raw, later)
        if isinstance(joined, FailureItem):  # the page is missing, or came back empty
            raise Incomplete(nxt)
        raw, pages = joined, pages + 1
