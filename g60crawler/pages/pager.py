"""Pagination of list pages, of every common kind: ``index_N`` pages, the CMS pager script,
下一页 links, numbered pagers and query-string pages (``?page=2``, ``?p=2``)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit

from parsel import Selector

from .. import normalize, portal

_CREATE_PAGE = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]")
#: Numbered list pages: index_2.shtml, list_2.htm, more-2.html (the stems CMSs name list pages with).
_INDEX_PAGE = re.compile(r"(?:^|/)(?:index|list|lists|more|default|page)(?:[_-](\d+))?\.(?:s?html?|jsp|php|aspx?)$", re.I)
_NEXT_TEXT = re.compile(r"^[\s\[【(<«‹]*(?:下一页|下一頁|下页|后一页|next(?:\s*page)?|>|›|»)[\s\]】)>›»]*$", re.I)
#: Query parameters that number list pages.
PAGE_PARAMS = ("page", "p", "pageno", "pagenum", "pn", "pageindex", "curpage", "cpage", "pg")


_FIRST_PAGES = frozenset({"", "index.html", "index.shtml", "index.htm"})


def _folder(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.netloc.lower(), parts.path.rsplit("/", 1)[0]


def page_number(url: str, site: portal.Portal | None = None) -> tuple[str, int] | None:
    """(kind, n) of a list page URL: ("index", N) for index_N, ("query", N) for ?page=N; None otherwise.

    The first page (the folder, ``index.shtml``) is ("index", 0).

    :param url: a list page URL.
    :param site: the portal (its pagination parameter); the current one when None.
    """
    site = site or portal.current()
    parts = urlsplit(url)
    params = {k.lower(): v for k, v in parse_qsl(parts.query)}
    names = ((site.pagination_param.lower(),) if site.pagination_param else ()) + PAGE_PARAMS
    for name in names:
        if name in params and params[name].isdigit():
            return "query", int(params[name])
    m = _INDEX_PAGE.search(parts.path)
    if m or parts.path.endswith("/"):
        return "index", int(m[1]) if m and m[1] else 0
    return None


def same_list(a: str, b: str) -> bool:
    """Are two URLs pages of one list: same folder, and for query pages the same path and agreeing parameters?

    :param a: a list page URL.
    :param b: another URL.
    """
    if _folder(a) != _folder(b):
        return False
    pa, pb = urlsplit(a), urlsplit(b)

    def rest(q: str) -> list:
        return sorted((k, v) for k, v in parse_qsl(q) if k.lower() not in PAGE_PARAMS)

    if pa.query or pb.query:
        # a later page may add parameters (a page size, a column uid); the ones both carry must agree
        ra, rb = dict(rest(pa.query)), dict(rest(pb.query))
        same_path = pa.path == pb.path or {pa.path.rsplit("/", 1)[-1], pb.path.rsplit("/", 1)[-1]} <= _FIRST_PAGES
        return same_path and all(ra[k] == rb[k] for k in ra.keys() & rb.keys()) and \
            (not ra or not rb or bool(ra.keys() & rb.keys()))
    return True


def _links(sel: Selector, base: str) -> list[tuple[str, str]]:
    out = []
    for a in sel.css("a[href]"):
        href = a.attrib["href"].strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        text = normalize.clean_text(" ".join(a.css("::text").getall())) or \
            (a.attrib.get("title") or " ".join(a.css("img::attr(alt)").getall())).strip()  # an image button
        out.append((urljoin(base, href).split("#", 1)[0], text))
    return out


def numbered_pages(sel: Selector, base: str, site: portal.Portal | None = None) -> list[str]:
    """URLs of the section's other numbered list pages linked from this one (index_N, ?page=N).

    :param sel: the list page.
    :param base: its URL.
    :param site: the portal; the current one when None.
    """
    here = normalize.canonical_url(base)
    seen, pages = {here}, []
    for url, _text in _links(sel, base):
        canon = normalize.canonical_url(url)
        if canon not in seen and page_number(url, site) and same_list(url, base):
            seen.add(canon)
            pages.append(url)
    return pages


def next_page(sel: Selector, base: str, site: portal.Portal | None = None) -> str | None:
    """The list page after this one: the 下一页 link, the pager script's next page, or number + 1.

    :param sel: the list page.
    :param base: its URL.
    :param site: the portal; the current one when None.
    """
    site = site or portal.current()
    here = normalize.canonical_url(base)
    links = _links(sel, base)
    for url, text in links:
        if _NEXT_TEXT.match(text) and normalize.canonical_url(url) != here and same_list(url, base):
            return url
    for script in sel.css("script::text").getall():
        m = _CREATE_PAGE.search(script)
        if m:
            total, current, stem, ext = int(m[1]), int(m[2]), m[3], m[4]
            return urljoin(base, f"{stem}_{current + 1}.{ext}") if current + 1 < total else None
    mine = page_number(base, site)
    numbered: dict[int, str] = {}
    kinds: set[str] = set()
    for url, _text in links:
        n = page_number(url, site)
        if n and same_list(url, base) and normalize.canonical_url(url) != here:
            numbered.setdefault(n[1], url)
            kinds.add(n[0])
    if not numbered:
        return None
    if mine and mine[0] == "query":
        current = mine[1]
    elif "query" in kinds:
        current = 1  # the first page of a ?page=N list is page 1
    else:
        current = mine[1] if mine else 0
    # an unnumbered first page is followed by _1 or by _2, as the CMS counts; a lone 尾页 is not next
    return numbered.get(current + 1) or numbered.get(current + 2)
