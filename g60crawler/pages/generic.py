"""Fallback for pages in a template no selector set knows: our body block and headline, then our block walk.

gne was chosen over trafilatura by measuring both on pages of templates our
selectors do not cover (docs/generic-extractor.md, benchmarks/generic_extractors.py).
The body element is now chosen by :mod:`.bodyblock` (dense punctuated prose, not link
boxes, in one pass: cheaper than gne) and gne only reads pages it finds no prose on;
the headline is the candidate the page agrees on most (:mod:`.headline`). The body
goes through the same paragraph/image/attachment walk as known templates
(blocks.body_blocks), then loses breadcrumbs, related lists and copyright lines at its edges.
"""

from __future__ import annotations

import re

from gne import GeneralNewsExtractor
from gne import utils as _gne_utils
from gne.extractor import TimeExtractor
from lxml import html as lxml_html
from parsel import Selector

from .. import labels
from ..items import RawArticle
from ..normalize import clean_text, halfwidth_digits, parse_published
from .blocks import attachment_links, body_blocks
from .bodyblock import find_body, trim_paragraphs, body_copy
from .headline import choose_headline

#: The extraction label when our body finder chose the body, and when gne's fallback did
#: (everything reading it asks only ``startswith("generic:")``).
GENERIC_NAME = "generic:blocks"
GNE_NAME = "generic:gne"

# gne reads a `.gne` file from the working directory when imported and lets it
# override extraction; a crawl must not depend on what lies in its cwd.
_gne_utils.config.clear()
_EXTRACTOR = GeneralNewsExtractor()
_TIME = TimeExtractor()

_DATE_TEXT = (r"((?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
              r"(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?)")
#: A publication label (发布日期), tried first: a 政务公开 table shows 成文日期 before it.
_PUBLISHED_DATE = re.compile(r"(?:发布|发表|发稿|公开|刊发)(?:时间|日期)\s*[:：]\s*" + _DATE_TEXT)
#: Any date label but those of another day (成文, 印发, 生效, 实施, 截止, 失效).
_LABELLED_DATE = re.compile(r"(?<!成文)(?<!印发)(?<!生效)(?<!实施)(?<!截止)(?<!失效)(?<!有效)(?:时间|日期)\s*[:：]\s*"
                            + _DATE_TEXT)
_DATE_ONLY = re.compile(_DATE_TEXT)
#: How far after the headline, in characters of page text, its date line may be.
HEADLINE_DATE_REACH = 120
_DATE_LIKE = ("*[self::time or contains(@class, 'date') or contains(@class, 'time') "
              "or contains(@class, 'meta') or contains(@class, 'info')]")


def extract_generic(text: str, url: str, encoding: str) -> RawArticle:
    """Raw fields of an article page in an unknown template.

    :param text: the decoded HTML.
    :param url: the page URL.
    :param encoding: the encoding the HTML was decoded with.
    """
    raw = RawArticle(url=url, extraction=GENERIC_NAME, encoding=encoding)
    sel = Selector(text=text, base_url=url)
    found = {}
    body_el = find_body(sel.root)
    if body_el is None:
        try:
            found = _EXTRACTOR.extract(text, with_body_html=True, title_xpath=_title_xpath(sel))
        except Exception:  # gne raises on pages it cannot read; that is a failure with no body, not a crash
            found = {}
        if found.get("body_html"):
            body_el = lxml_html.fragment_fromstring(found["body_html"], create_parent="div")
            raw.extraction = GNE_NAME
    raw.title = choose_headline(sel.root, body_el) or found.get("title")
    if body_el is not None:
        body = body_blocks(body_copy(body_el), url)
        raw.paragraphs, raw.images = trim_paragraphs(body.paragraphs, raw.title), body.images
    page_text = clean_text(" ".join(
        sel.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]").getall()))
    folded = halfwidth_digits(page_text)
    labelled = _labelled_date(folded)
    if labelled:
        raw.dates.append(("page", labelled))
    elif (shown := _date_element(sel, raw.title) or _date_after_headline(folded, raw.title)) is not None:
        raw.dates.append(("page", shown))
    elif publish_time := found.get("publish_time") or _publish_time(sel.root):
        raw.dates.append(("generic", publish_time))
    raw.source = labels.find_source(page_text)
    raw.author = labels.find_author(page_text)
    m = labels.EDITOR_IN_TEXT.search(page_text)
    if m:
        raw.editor = m.group(0)  # with its label: assemble parses editor fields, not bare names
    raw.summary = _summary(sel)
    root = sel.css("body")
    if root:
        raw.attachments = attachment_links(root[0].root, url)
    return raw


#: Labelled dates looked at: an impossible one (``时间：2024-05-0``) gives way to the next.
MAX_LABELLED_DATES = 5


def _labelled_date(page_text: str) -> str | None:
    """The first possible date after a publication label, else after any date label.

    :param page_text: the page's text, digits half-width.
    """
    for pattern in (_PUBLISHED_DATE, _LABELLED_DATE):
        for n, m in enumerate(pattern.finditer(page_text)):
            if n >= MAX_LABELLED_DATES:
                break
            if parse_published(m.group(1)):
                return m.group(1)
    return None


#: gne matches the <title> against every heading by longest common substring, in time
#: |title| x |headings|: minutes on a page with a long title and long headings.
MAX_TITLE_MATCH_WORK = 1_000_000
_HEADING_TEXT = "//h1//text() | //h2//text() | //h3//text() | //h4//text() | //h5//text()"


def _title_xpath(sel: Selector) -> str:
    """Where gne should take the title from: '' (its own matching) unless that would take too long.

    :param sel: the page.
    """
    title = sum(len(t) for t in sel.xpath("//title/text()").getall())
    headings = sum(len(t) for t in sel.xpath(_HEADING_TEXT).getall())
    if title * headings <= MAX_TITLE_MATCH_WORK:
        return ""
    return "(//h1//text())[1]" if sel.xpath("//h1//text()") else "//title/text()"


def _summary(sel: Selector) -> str | None:
    """A 摘要 block anywhere in the page (a lead paragraph with the label)."""
    for node in sel.xpath("//body//*[self::p or self::div][not(.//p) and not(.//div)]"):
        text = " ".join(node.css("::text").getall())
        if labels.is_summary_line(text):
            return text
    return None


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


def _date_after_headline(page_text: str, title: str | None) -> str | None:
    """The first date in the text just after the headline (its date line: ``2005年03月31日03:18 某报``).

    :param page_text: the page's text, digits half-width.
    :param title: the headline.
    """
    title = clean_text(title)
    if not title:
        return None
    at = page_text.find(title)
    while at >= 0:
        end = at + len(title)
        m = _DATE_ONLY.search(page_text, end, end + HEADLINE_DATE_REACH)
        if m:
            return m.group(1)
        at = page_text.find(title, end)
    return None


def _publish_time(root) -> str | None:
    """gne's guess at the publication time (meta, JSON-LD, <time>, then the first date in the text)."""
    try:
        return _TIME.extractor(root) or None
    except Exception:  # a page gne cannot read has no guess
        return None
