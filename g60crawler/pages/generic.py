"""Fallback for pages in a template no selector set knows: trafilatura.

trafilatura was chosen over gne by measuring both on pages of templates our
selectors do not cover (docs/generic-extractor.md, benchmarks/generic_extractors.py).
"""

from __future__ import annotations

import re

import trafilatura
from parsel import Selector

from ..items import RawArticle
from ..normalize import clean_text, parse_published
from .blocks import attachment_links

GENERIC_NAME = "generic:trafilatura"

_LABELLED_DATE = re.compile(
    r"(?:发布时间|发布日期|发表时间|时间|日期)\s*[:：]\s*"
    r"((?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?)"
)
_LABELLED_SOURCE = re.compile(r"来源\s*[:：]\s*([^\s|｜]+)")
_LABELLED_AUTHOR = re.compile(r"作者\s*[:：]\s*([^\s|｜]+)")


def extract_generic(text: str, url: str, encoding: str) -> RawArticle:
    """Raw fields of an article page in an unknown template.

    :param text: the decoded HTML.
    :param url: the page URL.
    :param encoding: the encoding the HTML was decoded with.
    """
    raw = RawArticle(url=url, extraction=GENERIC_NAME, encoding=encoding)
    doc = trafilatura.bare_extraction(
        text, url=url, with_metadata=True, include_comments=False, include_tables=True,
        deduplicate=False,
    )
    sel = Selector(text=text, base_url=url)
    page_text = clean_text(" ".join(sel.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]").getall()))
    if doc is not None:
        raw.title = doc.title
        raw.paragraphs = [line for line in (doc.text or "").split("\n") if line.strip()]
        if doc.author:
            raw.author = doc.author
    m = _LABELLED_DATE.search(page_text)
    if m:
        raw.dates.append(("page", m.group(1)))
    elif (shown := _date_element(sel, raw.title)) is not None:
        raw.dates.append(("page", shown))
    elif doc is not None and doc.date:
        raw.dates.append(("generic", doc.date))
    m = _LABELLED_SOURCE.search(page_text)
    if m:
        raw.source = m.group(1)
    m = _LABELLED_AUTHOR.search(page_text)
    if m:
        raw.author = m.group(1)
    body = sel.css("body")
    if body:
        raw.attachments = attachment_links(body[0].root, url)
    return raw


_DATE_LIKE = ("*[self::time or contains(@class, 'date') or contains(@class, 'time') "
              "or contains(@class, 'meta') or contains(@class, 'info')]")


def _date_element(sel: Selector, title: str | None) -> str | None:
    """The first date-like element after the headline that holds a date (``span.post-date``).

    Only elements after the headline count: sidebars before it list other
    articles with their own dates.
    """
    start = sel
    axis = "//"
    wanted = clean_text(title)
    if wanted:
        for heading in sel.css("h1, h2, h3"):
            if clean_text(" ".join(heading.css("::text").getall())) == wanted:
                start, axis = heading, "following::"
                break
    for node in start.xpath(axis + _DATE_LIKE):
        text = node.attrib.get("datetime") or " ".join(node.css("::text").getall())
        if parse_published(text):
            return clean_text(text)
    return None
