"""Section list pages: the entries (link, title, date) and the other list pages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from .. import normalize, portal
from .decode import decode_html

#: Known markup of list entries, tried in order.
LIST_ITEM_SELECTORS = ("ul.list-news > li", "ul.news-list > li", "div.list-news li", "ul.list > li")
_CREATE_PAGE = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]")
_LIST_PAGE_HREF = re.compile(r"(?:^|/)index(?:_\d+)?\.s?html$")
_CHROME = "header, footer, nav, .nav, .header, .footer, .sidebar, .right, .side, .hot, .related-news"


@dataclass
class RawEntry:
    url: str
    title: str | None
    date: str | None


@dataclass
class Listing:
    entries: list[RawEntry] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)  # linked list pages and the pager's next page
    layout: str = "known"  # "known" list markup, or "fallback" (any article link)


def parse_listing(url: str, body: bytes, content_type: str | None = None) -> Listing:
    """Entries and pagination of a section list page.

    :param url: the list page URL.
    :param body: raw bytes.
    :param content_type: the HTTP ``Content-Type`` header, None for a file.
    """
    text, _encoding = decode_html(body, content_type)
    sel = Selector(text=text, base_url=url)
    listing = Listing()
    items = []
    for css in LIST_ITEM_SELECTORS:
        items = sel.css(css)
        if items:
            break
    if items:
        for li in items:
            entry = _entry(li, url)
            if entry:
                listing.entries.append(entry)
    else:
        listing.layout = "fallback"
        listing.entries = _fallback_entries(sel, url)
    listing.pages = _pages(sel, url)
    return listing


def _entry(li: Selector, base: str) -> RawEntry | None:
    href = li.css("a::attr(href)").get()
    if not href:
        return None
    a = li.css("a")[0]
    title = a.attrib.get("title") or " ".join(a.css("::text").getall())
    date_text = " ".join(li.css(".date ::text, span.time ::text, em ::text").getall())
    if not date_text:
        date_text = " ".join(li.xpath("./text()").getall())
    target = urljoin(base, href.strip())
    return RawEntry(target, normalize.clean_text(title) or None, _list_date(date_text, target))


def _list_date(text: str, target: str) -> str | None:
    return normalize.parse_published(text, default_year=normalize.year_from_url(target))


def _fallback_entries(sel: Selector, base: str) -> list[RawEntry]:
    """Any link to an article of the portal outside the page chrome."""
    chrome = {id(n.root) for n in sel.css(_CHROME)}
    entries, seen = [], set()
    for a in sel.css("a[href]"):
        if any(id(p) in chrome for p in a.root.iterancestors()):
            continue
        target = urljoin(base, a.attrib["href"].strip())
        if not portal.ARTICLE_PATH.match(urlsplit(target).path) or target in seen:
            continue
        seen.add(target)
        title = a.attrib.get("title") or " ".join(a.css("::text").getall())
        parent_text = " ".join(a.root.getparent().itertext()) if a.root.getparent() is not None else ""
        entries.append(RawEntry(target, normalize.clean_text(title) or None, _list_date(parent_text, target)))
    return entries


def _pages(sel: Selector, base: str) -> list[str]:
    """URLs of the section's other list pages, from links and the CMS pager script."""
    pages: list[str] = []
    for href in sel.css("a::attr(href)").getall():
        target = urljoin(base, href.strip()).split("#", 1)[0]
        if _LIST_PAGE_HREF.search(urlsplit(target).path) and _same_folder(target, base):
            pages.append(target)
    for script in sel.css("script::text").getall():
        m = _CREATE_PAGE.search(script)
        if m:
            # the pager knows every page, but a crawl only ever follows the next one: listing
            # all of them on every page made a section of n list pages cost n² URLs
            total, current, stem, ext = int(m[1]), int(m[2]), m[3], m[4]
            if current + 1 < total:
                pages.append(urljoin(base, f"{stem}_{current + 1}.{ext}"))
    here = normalize.canonical_url(base)
    seen, unique = set(), []
    for page in pages:
        if page not in seen and normalize.canonical_url(page) != here:
            seen.add(page)
            unique.append(page)
    return unique


def _same_folder(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    return pa.netloc == pb.netloc and pa.path.rsplit("/", 1)[0] == pb.path.rsplit("/", 1)[0]
