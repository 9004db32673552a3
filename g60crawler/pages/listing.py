"""Section list pages: the entries (link, title, date) and the next list page.

Known list markup is read first; a page none of it fits is read by its
structure (pages/linkgroups.py): the best group of repeated sibling blocks
whose links are article URLs of the portal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin

from lxml import etree
from parsel import Selector

from .. import normalize, portal
from .decode import decode_html
from .linkgroups import link_groups
from .pager import next_page, numbered_pages

#: Known markup of list entries, tried in order.
LIST_ITEM_SELECTORS = ("ul.list-news > li", "ul.news-list > li", "div.list-news li", "ul.list > li")
#: How many links that matched no article pattern a listing keeps as a sample (for the zero-entries report).
UNMATCHED_SAMPLE = 5


@dataclass
class RawEntry:
    url: str
    title: str | None
    date: str | None


@dataclass
class Listing:
    entries: list[RawEntry] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)  # linked list pages of the section
    next_page: str | None = None  # the pager's next page, if any
    layout: str = "known"  # "known" list markup, or "structure" (repeated blocks of article links)
    links_seen: int = 0  # distinct links on the page
    unmatched: list[str] = field(default_factory=list)  # a sample of list links that are no article URL


def parse_listing(url: str, body: bytes, content_type: str | None = None,
                  site: portal.Portal | None = None) -> Listing:
    """Entries and pagination of a section list page.

    :param url: the list page URL.
    :param body: raw bytes.
    :param content_type: the HTTP ``Content-Type`` header, None for a file.
    :param site: the portal (URL patterns, pagination); the current one when None.
    """
    site = site or portal.current()
    text, _encoding = decode_html(body, content_type)
    sel = Selector(text=text, base_url=url)
    listing = Listing()
    items = []
    for css in LIST_ITEM_SELECTORS:
        items = sel.css(css)
        if items:
            break
    for li in items:
        entry = _entry(li, url)
        if entry:
            listing.entries.append(entry)
    if not any(site.is_article(e.url) for e in listing.entries):
        listing.layout = "structure"
        groups = link_groups(text, url, site.is_article)
        listing.entries = [RawEntry(e.url, e.title, _list_date(e.date_text, e.url))
                           for e in (groups[0].entries if groups else [])]
    links = {urljoin(url, h.strip()).split("#", 1)[0] for h in sel.css("a::attr(href)").getall()
             if h.strip() and not h.strip().startswith(("javascript:", "#", "mailto:"))}
    listing.links_seen = len(links)
    if not listing.entries:
        listing.unmatched = _unmatched(text, url, site)
    listing.pages = numbered_pages(sel, url, site)
    listing.next_page = next_page(sel, url, site)
    return listing


def _unmatched(text: str, url: str, site: portal.Portal) -> list[str]:
    """Links of the page's main repeated group that match no article pattern (what the portal file misses)."""
    sections = {normalize.canonical_url(s.url) for s in site.sections}

    def candidate(target: str) -> bool:
        return (target.startswith(("http://", "https://")) and normalize.canonical_url(target) not in sections
                and not site.is_article(target))

    groups = link_groups(text, url, candidate)
    return [e.url for e in groups[0].entries[:UNMATCHED_SAMPLE]] if groups else []


def _entry(li: Selector, base: str) -> RawEntry | None:
    href = li.css("a::attr(href)").get()
    if not href:
        return None
    a = li.css("a")[0]
    title = a.attrib.get("title") or " ".join(a.css("::text").getall())
    date_text = " ".join(_DATE_ELEMENT_TEXT(li.root))
    if not date_text:
        date_text = " ".join(li.xpath(".//text()[not(ancestor::a)]").getall())  # a plain <span> beside the link
    target = urljoin(base, href.strip())
    return RawEntry(target, normalize.clean_text(title) or None, _list_date(date_text, target))


# Date elements of a list entry, outside its link: text inside the link is the title's.
_DATE_ELEMENT_TEXT = etree.XPath(
    ".//*[contains(concat(' ', normalize-space(@class), ' '), ' date ')"
    " or (self::span and contains(concat(' ', normalize-space(@class), ' '), ' time ')) or self::em]"
    "[not(ancestor-or-self::a)]//text()"
)


def _list_date(text: str, target: str) -> str | None:
    """The date shown beside a link, if it is plausible for the article's URL.

    :param text: text of the entry outside its link (never the title).
    :param target: the article URL (gives the year of ``06-06`` and the dates allowed).
    """
    value = normalize.parse_published(text, default_year=normalize.year_from_url(target))
    if value and normalize.plausible_date(value, normalize.url_date_range(target), normalize.LIST_TOLERANCE,
                                          datetime.now(normalize.CST)):
        return value
    return None
