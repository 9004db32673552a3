"""Pagination of list pages, of every common kind: ``index_N`` pages, the CMS pager script,
下一页 links, numbered pagers and query-string pages (``?page=2``, ``?p=2``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

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
    if site.pagination_template:
        return js_next_page(sel, base, site)
    mine = page_number(base, site)
    numbered: dict[int, str] = {}
    kinds: set[str] = set()
    for url, _text in links:
        n = page_number(url, site)
        if n and same_list(url, base) and normalize.canonical_url(url) != here:
            numbered.setdefault(n[1], url)
            kinds.add(n[0])
    if not numbered:
        return js_next_page(sel, base, site)
    if mine and mine[0] == "query":
        current = mine[1]
    elif "query" in kinds:
        current = 1  # the first page of a ?page=N list is page 1
    else:
        current = mine[1] if mine else 0
    # an unnumbered first page is followed by _1 or by _2, as the CMS counts; a lone 尾页 is not next
    return numbered.get(current + 1) or numbered.get(current + 2)


# ------------------------------------------------------------ JavaScript pagers

#: A pager script call naming the list pages' stem and extension: createPageHTML(5, 0, "index", "shtml"),
#: createPage(5, 1, "list", "htm") (any function name): (total, current, stem, ext).
_SCRIPT_PAGER = re.compile(r"\b\w+\(\s*(\d+)\s*,\s*(\d+)\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](s?html?|jsp|php|aspx?)['\"]")
#: A page number in a JavaScript link or handler: javascript:goPage(2), onclick="toPage(2)".
_JS_CALL = re.compile(r"^\s*(?:javascript:)?\s*[\w.$]+\(\s*['\"]?(\d{1,4})['\"]?\s*\)\s*;?\s*(?:return\s+false;?)?\s*$", re.I)
_PAGE_COUNT = re.compile(r"共\s*(\d{1,4})\s*页|(?:第\s*\d+\s*/\s*(\d{1,4})\s*页)|\b(?:page\s+\d+\s+of\s+)(\d{1,4})\b", re.I)
_STEM = re.compile(r"^(index|list|lists|more|default|page)(?:[_-](\d+))?\.(s?html?|jsp|php|aspx?)$", re.I)


@dataclass
class JsPager:
    """What a list page's JavaScript pager says: its page count, a 下一页 number, a script's URL scheme."""

    numbers: list[int] = field(default_factory=list)  # page numbers its links call for
    total: int | None = None  # pages in all (共N页, the script's count, the largest number)
    next_number: int | None = None  # the number the 下一页 link calls for
    stem: str = ""  # the script's list page stem and extension (createPage(5, 1, "list", "htm"))
    ext: str = ""
    current: int | None = None  # the script's current page

    @property
    def found(self) -> bool:
        return bool(self.numbers or self.stem or self.next_number)


def js_pager(sel: Selector) -> JsPager:
    """The JavaScript pager of a list page (links to javascript:, onclick, data-page, a pager script).

    :param sel: the list page.
    """
    pager = JsPager()
    for el in sel.xpath("//*[@href or @onclick or @data-page]"):
        number = None
        for attr in ("data-page", "onclick", "href"):
            value = (el.attrib.get(attr) or "").strip()
            if attr == "data-page" and value.isdigit():
                number = int(value)
            elif attr != "data-page":
                m = _JS_CALL.match(value)
                if m and (attr == "onclick" or value.lower().startswith("javascript:")):
                    number = int(m[1])
            if number is not None:
                break
        if number is None:
            continue
        pager.numbers.append(number)
        text = normalize.clean_text(" ".join(el.css("::text").getall())) or (el.attrib.get("title") or "")
        if _NEXT_TEXT.match(text):
            pager.next_number = number
    for script in sel.css("script::text").getall():
        m = _SCRIPT_PAGER.search(script)
        if m:
            pager.total, pager.current, pager.stem, pager.ext = int(m[1]), int(m[2]), m[3], m[4]
            break
    if pager.total is None:
        text = " ".join(sel.css("body ::text").getall())
        m = _PAGE_COUNT.search(text)
        if m:
            pager.total = int(next(g for g in m.groups() if g))
        elif pager.numbers:
            pager.total = max(pager.numbers) + (1 if 0 in pager.numbers else 0)
    return pager


def page_url(base: str, template: str, n: int) -> str:
    """The URL of list page number n by a template relative to the list (``index_{n}.shtml``, ``?page={n}``).

    A template starting with ``?`` sets its parameters in the list's own query, keeping the others.

    :param base: a page of the list.
    :param template: the pagination template, ``{n}`` standing for the number.
    :param n: the page number.
    """
    filled = template.replace("{n}", str(n))
    if not filled.startswith("?"):
        return urljoin(base, filled)
    parts = urlsplit(base)
    new = parse_qsl(filled[1:], keep_blank_values=True)
    names = {k for k, _ in new}
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in names] + new
    return urlunsplit(parts._replace(query=urlencode(query), fragment=""))


def template_number(url: str, template: str) -> int | None:
    """The page number of a list page URL made by the template, or None (the list's first page).

    :param url: a list page URL.
    :param template: the pagination template.
    """
    parts = urlsplit(url)
    if template.startswith("?"):
        wanted = [(k, v) for k, v in parse_qsl(template[1:], keep_blank_values=True) if "{n}" in v]
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        for k, v in wanted:
            m = re.fullmatch(re.escape(v).replace(re.escape("{n}"), r"(\d+)"), params.get(k, ""))
            if m:
                return int(m[1])
        return None
    pattern = re.escape(template.lstrip("./")).replace(re.escape("{n}"), r"(\d+)", 1).replace(re.escape("{n}"), r"\d+")
    m = re.search(r"(?:^|/)" + pattern + "$", parts.path)
    return int(m[1]) if m else None


def scheme_of(base: str, site: portal.Portal, pager: JsPager | None = None) -> tuple[str, int] | None:
    """(template, first page number) of a list: the portal file's, a pager script's, or read off the list's
    own URL (index.shtml -> index_{n}.shtml from 0; list.htm -> list_{n}.htm from 1; ?page=N from 1).

    :param base: a page of the list.
    :param site: the portal.
    :param pager: the page's JavaScript pager, if read.
    """
    if site.pagination_template:
        return site.pagination_template, site.pagination_first
    parts = urlsplit(base)
    params = {k.lower(): k for k, v in parse_qsl(parts.query) if v.isdigit()}
    names = ((site.pagination_param.lower(),) if site.pagination_param else ()) + PAGE_PARAMS
    for name in names:
        if name in params:
            return f"?{params[name]}={{n}}", 1
    if pager and pager.stem:
        first = pager.current if pager.current in (0, 1) and not re.search(r"[_-]\d+\.\w+$", parts.path) \
            else (0 if pager.stem.lower() == "index" else 1)
        return f"{pager.stem}_{{n}}.{pager.ext}", first
    if parts.query:
        return None  # list.jsp?cid=11: which parameter numbers the pages is not shown
    m = _STEM.match(parts.path.rsplit("/", 1)[-1])
    if m:
        stem = m[1]
        return f"{stem}_{{n}}.{m[3]}", 0 if stem.lower() == "index" else 1
    return None


def js_next_page(sel: Selector, base: str, site: portal.Portal) -> str | None:
    """The next list page behind a JavaScript pager (or any page when the portal gives a template), or None.

    :param sel: the list page.
    :param base: its URL.
    :param site: the portal.
    """
    pager = js_pager(sel)
    if not pager.found and not site.pagination_template:
        return None
    scheme = scheme_of(base, site, pager)
    if scheme is None:
        return None
    template, first = scheme
    n = template_number(base, template)
    n = first if n is None else n
    if pager.total is not None:
        last = first + pager.total - 1
        return page_url(base, template, n + 1) if n + 1 <= last else None
    if pager.next_number is not None:
        return page_url(base, template, n + 1)
    return None


def unfollowed(sel: Selector, base: str, site: portal.Portal | None = None) -> str:
    """Why a list page's pager cannot be followed (a JavaScript pager, no URL scheme), or "".

    :param sel: the list page.
    :param base: its URL.
    :param site: the portal; the current one when None.
    """
    site = site or portal.current()
    pager = js_pager(sel)
    if not pager.found or (pager.total or 0) < 2 and pager.next_number is None:
        return ""
    if scheme_of(base, site, pager) is not None:
        return ""
    shown = f"{pager.total} pages" if pager.total else "a next page"
    return (f"a JavaScript pager ({shown}) and no page number in the list's URL {base}: pagination not followed; "
            'set it in the portal file, e.g. [pagination] template = "?page={n}" and first = 1')
