"""From the captured pages of an article to one raw article: extract each page, join split ones.

Shared by reparse and WARC import. Pages are joined with
:func:`g60crawler.assemble.join_pages` only; an article that links a next page
which is not among the captures is incomplete and is never stored as a version.
"""

from __future__ import annotations

from typing import Callable

from .. import normalize
from ..assemble import join_pages
from ..items import FailureItem, RawArticle
from ..pages.article import extract_raw
from ..pages.decode import content_type

#: A split article longer than this is cut here, as the crawl does.
MAX_ARTICLE_PAGES = 30


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
    raw = first
    seen = {normalize.canonical_url(first.url)}
    for _ in range(MAX_ARTICLE_PAGES - 1):
        nxt = raw.next_page
        if not nxt or normalize.canonical_url(nxt) in seen:  # the last page, or a page linking back
            break
        seen.add(normalize.canonical_url(nxt))
        joined = join_pages(raw, page_at(nxt))
        if isinstance(joined, FailureItem):  # the page is missing, or came back empty
            raise Incomplete(nxt)
        raw = joined
    return raw
