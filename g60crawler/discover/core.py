"""Discover a portal from its root URL: sections, article URL pattern, pagination, templates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urljoin, urlsplit

from parsel import Selector

from .. import normalize, portal
from .. import settings as defaults
from ..pages.article import extract_raw
from ..pages.decode import decode_html
from ..pages.linkgroups import link_groups
from ..pages.pager import PAGE_PARAMS, next_page, page_number, same_list, unfollowed
from .fetch import Fetcher
from .nav import find_navigation
from .patterns import learn

#: List pages read per section, and articles sampled per section.
LIST_PAGES = 2
SAMPLES = 3
_SLUG = re.compile(r"^[A-Za-z0-9_.-]+$")
_NEXT_TEXT = ("下一页", "下页", "next")


class DiscoverError(Exception):
    """The channel's sections cannot be found from the root URL."""


@dataclass
class SectionFound:
    name: str
    slug: str
    kind: str
    url: str
    link_text: str = ""
    list_pages: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    matched: int = 0  # list links the learned pattern accepts
    samples: list[tuple[str, str, str]] = field(default_factory=list)  # (url, extraction, title)
    problem: str = ""
    pager: str = ""  # why its pagination could not be followed, if so


@dataclass
class Discovery:
    root: str
    hosts: list[str]
    path_prefix: str
    sections: list[SectionFound]
    missing: list[str]
    articles: list[str]
    pagination: str = "index"
    pagination_param: str = ""
    fetched: int = 0
    extraction: str = "template"  # the portal file's ``extraction``: which extractor read the samples
    samples_read: int = 0  # sampled articles read by a template or the generic extractor
    samples_generic: int = 0  # of those, read by the generic extractor


def extraction_mode(samples: list[str], limit: float = defaults.G60_HEALTH_MAX_GENERIC_RISE) -> str:
    """The portal's ``extraction``: "generic" when more of the sampled articles went to the generic
    extractor than a templated portal's health check tolerates (a first run would be red), else "template".

    :param samples: how each sampled article was read (``template:NAME``, ``generic:NAME``, or a problem).
    :param limit: the share of generic reads a templated portal tolerates (G60_HEALTH_MAX_GENERIC_RISE).
    """
    read = [s for s in samples if s.startswith(("template:", "generic:"))]
    generic = sum(s.startswith("generic:") for s in read)
    return "generic" if read and generic / len(read) > limit else "template"


def _folder(url: str) -> str:
    path = urlsplit(url).path or "/"
    return path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"


#: The slugs of the seven section names (the built-in portal's), for URLs that name a section only by a number.
NAME_SLUGS = {"G60资讯": "g60zx", "松江新闻": "sjxw", "九城风采": "jcfc", "政策服务": "zcfw", "产业投资": "cytz",
              "招才纳贤": "zcnx", "关于我们": "gywm"}
#: A folder name that is only a number, perhaps after a short prefix (col101, c12, 1234, node_55).
_NUMBERED = re.compile(r"(?:[A-Za-z]{0,4}[_-]?)\d{2,}|\d+")


def section_slug(url: str, name: str, taken: set[str]) -> str:
    """A readable slug for a section: its folder's name, or, when the URL names it only by a number
    (``list.jsp?cid=11``, ``/col/col101/``), the slug of its name; distinct from ``taken``.

    :param url: the section's list URL.
    :param name: the section's name (``G60资讯``).
    :param taken: the slugs given to the sections before it.
    """
    parts = urlsplit(url)
    seg = (parts.path.rstrip("/").rsplit("/", 1)[-1] if parts.path.endswith("/") else
           _folder(url).rstrip("/").rsplit("/", 1)[-1])
    readable = bool(seg and _SLUG.match(seg) and not seg.startswith("index") and not _NUMBERED.fullmatch(seg))
    by_name = NAME_SLUGS.get(re.sub(r"\s+", "", name), "section")
    slug = seg if readable and seg not in taken else by_name
    n = 2
    while slug in taken:
        slug, n = f"{by_name}-{n}", n + 1
    return slug


def _common_folder(urls: list[str]) -> str:
    parts = [_folder(u).strip("/").split("/") for u in urls]
    common = []
    for segs in zip(*parts):
        if len(set(segs)) != 1:
            break
        common.append(segs[0])
    if len(urls) > 1 and all(len(p) == len(common) for p in parts):
        common = common[:-1]
    return "/" + "".join(f"{c}/" for c in common if c)


def _widened(prefix: str, articles: list[str]) -> str:
    """The channel's path prefix: the sections' common folder, or, when most articles lie
    outside it, the folder the sections and those articles share.

    :param prefix: the sections' common folder (``/g60/``).
    :param articles: the article URLs their lists showed.
    """
    outside = [u for u in articles if not (urlsplit(u).path or "/").startswith(prefix)]
    if not outside or len(outside) * 2 < len(articles):
        return prefix  # a few links to other channels in a list do not widen the channel
    segs = [s for s in prefix.strip("/").split("/") if s]
    for url in outside:
        path = _folder(url).strip("/").split("/")
        n = 0
        while n < len(segs) and n < len(path) and segs[n] == path[n]:
            n += 1
        segs = segs[:n]
    return "/" + "".join(f"{s}/" for s in segs)


def discover(root: str, fetcher: Fetcher, known: portal.Portal | None = None) -> Discovery:
    """Read the root page, the section lists and a few articles; learn the portal file's contents.

    :param root: the channel's root URL.
    :param fetcher: how pages are fetched (live or replay).
    :param known: the portal whose section names (and fallback slugs) are looked for; the built-in one.
    :raises DiscoverError: when the root page cannot be read or shows no navigation of the sections.
    """
    known = known or portal.load()
    names = [s.name for s in known.sections]
    root, nav = _root_page(root, fetcher, names)
    by_name = {s.name: s for s in known.sections}
    sections, taken = [], set()
    for link in nav:
        base = by_name[link.name]
        slug = section_slug(link.url, link.name, taken)
        taken.add(slug)
        sections.append(SectionFound(link.name, slug, base.kind, normalize.canonical_url(link.url), link.text))
    missing = [n for n in names if n not in {s.name for s in sections}]
    news = [s for s in sections if s.kind == "news"]
    hosts = list(dict.fromkeys([urlsplit(s.url).hostname.lower() for s in sections]
                               + [urlsplit(root).hostname.lower()]))
    prefix = _common_folder([s.url for s in news] or [root])
    # articles may lie outside the section folders (/col/colN/ lists, /art/yyyy/m/d/ articles):
    # the lists are read host-wide, and the path prefix widened below to where their articles are
    provisional = portal.Portal(name="", root=root, hosts=tuple(hosts), path_prefix="/", sections=(),
                                articles=(re.compile(r"$^"),))
    section_urls = {normalize.canonical_url(s.url) for s in sections} | {normalize.canonical_url(root)}

    def candidate_on(list_url: str):
        def candidate(url: str) -> bool:
            parts = urlsplit(url)
            if not provisional.in_scope(url) or normalize.canonical_url(url) in section_urls:
                return False
            if page_number(url, provisional) is not None and (
                    same_list(url, list_url) or not re.search(r"\d{3,}", parts.path + parts.query)):
                return False  # a page of this list (or of another), not an article
            return bool(re.search(r"\d", parts.path.rsplit("/", 1)[-1] + parts.query))
        return candidate

    kinds: list[tuple[str, str]] = []
    for s in news:
        url, pages = s.url, 0
        while url and pages < LIST_PAGES:
            got = fetcher.get(url)
            if got.status != 200:
                s.problem = f"list page {url}: {got.problem}"
                break
            s.list_pages.append(url)
            pages += 1
            text, _enc = decode_html(got.body, got.content_type)
            groups = link_groups(text, url, candidate_on(url))
            if groups:
                s.articles += [u for u in (normalize.canonical_url(e.url) for e in groups[0].entries)
                               if u not in s.articles]
            sel = Selector(text=text, base_url=url)
            nxt = next_page(sel, url, provisional)
            if nxt and normalize.canonical_url(nxt) not in {normalize.canonical_url(p) for p in s.list_pages}:
                kinds.append(_pagination_kind(sel, url, nxt, provisional))
                url = nxt
            else:
                s.pager = s.pager or unfollowed(sel, url, provisional)
                url = None
        if not s.articles and not s.problem:
            s.problem = "no repeated group of article links on its list page"
    prefix = _widened(prefix, [u for s in news for u in s.articles])
    for s in news:
        s.articles = [u for u in s.articles if (urlsplit(u).path or "/").startswith(prefix)]
    folders = tuple(_folder(s.url) for s in news if _folder(s.url) != "/")
    every = [u for s in news for u in s.articles]
    patterns = learn(every, folders, [s.articles for s in news])
    compiled = tuple(re.compile(p) for p in patterns) or (re.compile(r"$^"),)
    learned = portal.Portal(name="", root=root, hosts=tuple(hosts), path_prefix=prefix, sections=(),
                            articles=compiled)
    for s in news:
        s.matched = sum(learned.is_article(u) for u in s.articles)
        for url in s.articles[:SAMPLES]:
            got = fetcher.get(url)
            if got.status != 200:
                s.samples.append((url, got.problem, ""))
                continue
            raw = extract_raw(url, got.body, got.content_type)
            s.samples.append((url, raw.extraction or "none", normalize.clean_text(raw.title) or ""))
    kind, param = _vote(kinds)
    how = [h for s in news for _u, h, _t in s.samples]
    read = [h for h in how if h.startswith(("template:", "generic:"))]
    return Discovery(root=root, hosts=hosts, path_prefix=prefix, sections=sections, missing=missing,
                     articles=patterns, pagination=kind, pagination_param=param, fetched=fetcher.count,
                     extraction=extraction_mode(how), samples_read=len(read),
                     samples_generic=sum(h.startswith("generic:") for h in read))


_HOME_TEXT = re.compile(r"^\s*(?:网站首页|返回首页|首\s*页|主页|home(?:\s*page)?)\s*$", re.I)


def _not_root(url: str, nav: list) -> str:
    """Why a page showing the navigation is not the channel's root page ("" when it may be): it is one
    of the sections' pages, lies in a section's folder, or is numbered like an article.

    :param url: the page's URL.
    :param nav: the navigation found on it.
    """
    canon = normalize.canonical_url(url)
    for link in nav:
        target = normalize.canonical_url(link.url)
        folder = _folder(target)
        if canon == target or (same_list(canon, target) and (page_number(canon) or ("", 0))[1] > 0):
            return f"it is a list page of the section {link.name}"
        if folder != "/" and (urlsplit(canon).path or "/").startswith(folder) and \
                urlsplit(canon).netloc == urlsplit(target).netloc:
            return f"it lies in the folder of the section {link.name}"
    parts = urlsplit(canon)
    if re.search(r"\d{3,}", parts.path.rsplit("/", 1)[-1] + parts.query):
        return "it is numbered like an article"
    return ""


def _root_page(given: str, fetcher: Fetcher, names: list[str]) -> tuple[str, list]:
    """The channel's root page and its navigation, from the URL given: the URL itself, or, when that
    page is an article or a section's page, the page its 首页 link (or the host's root) leads to.

    :param given: the URL given to discover.
    :param fetcher: how pages are fetched.
    :param names: the section names.
    :raises DiscoverError: when the page cannot be read, or neither it nor its home page is the root.
    """
    got = fetcher.get(given)
    if got.status != 200 or not got.body:
        raise DiscoverError(f"cannot read the root page {given}: {got.problem}")
    url = got.url
    text, _enc = decode_html(got.body, got.content_type)
    nav = find_navigation(text, url, names)
    why = _not_root(url, nav) if nav else "it shows no navigation with the section names"
    if not why:
        return url, nav
    sel = Selector(text=text, base_url=url)
    homes = [urljoin(url, a.attrib["href"].strip()) for a in sel.css("a[href]")
             if _HOME_TEXT.match(normalize.clean_text(" ".join(a.css("::text").getall())) or "")
             and not a.attrib["href"].strip().startswith(("javascript:", "#", "mailto:"))]
    parts = urlsplit(url)
    homes.append(f"{parts.scheme}://{parts.netloc}/")
    tried = {normalize.canonical_url(url)}
    for home in homes:
        if normalize.canonical_url(home) in tried:
            continue
        tried.add(normalize.canonical_url(home))
        back = fetcher.get(home)
        if back.status != 200 or not back.body:
            continue
        home_text, _enc = decode_html(back.body, back.content_type)
        home_nav = find_navigation(home_text, back.url, names)
        if home_nav and not _not_root(back.url, home_nav):
            return back.url, home_nav
    if not nav:
        raise DiscoverError(
            f"no navigation with the section names ({' '.join(names)}) on {url}: is this the channel's "
            "root page? Open it in a browser and give the URL of the page whose menu shows them")
    raise DiscoverError(f"{url} is not the channel's root page ({why}), and its 首页 link leads to no page "
                        "whose menu shows the sections: give the URL of the channel's home page")


def _pagination_kind(sel: Selector, url: str, nxt: str, site: portal.Portal) -> tuple[str, str]:
    n = page_number(nxt, site)
    if n and n[0] == "query":
        params = {k.lower(): k for k, _ in parse_qsl(urlsplit(nxt).query)}
        return "query", next((params[p] for p in PAGE_PARAMS if p in params), "page")
    if n and n[0] == "index":
        return "index", ""
    return "next", ""


def _vote(kinds: list[tuple[str, str]]) -> tuple[str, str]:
    if not kinds:
        return "index", ""
    return max(set(kinds), key=kinds.count)


def _toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_toml(d: Discovery) -> str:
    """The portal file for a discovery (read back by portal.load).

    :param d: what discover found.
    """
    lines = ["# Written by `g60crawler discover`: review it (README, \"Pointing it at the live portal\").",
             f"name = {_toml_str('中国发展网 长三角G60科创走廊')}",
             f"root = {_toml_str(d.root)}",
             "hosts = [" + ", ".join(_toml_str(h) for h in d.hosts) + "]",
             f"path_prefix = {_toml_str(d.path_prefix)}",
             "articles = ["]
    lines += [f"  {_toml_str(p)}," for p in d.articles]
    lines += ["]", ""]
    lines += [f"# How the articles are read: {d.samples_generic} of the {d.samples_read} sampled article(s) went to",
              "# the generic extractor. \"template\": a known selector set reads them, and a rise of the generic",
              "# extractor's share turns a run red (the template may have changed). \"generic\": no selector set",
              "# knows the pages; the generic extractor's share is expected, and the other health checks apply.",
              "# Add a Template and set \"template\" to have a later template change turn a run red.",
              f"extraction = {_toml_str(d.extraction)}", ""]
    lines += ["[pagination]", f"kind = {_toml_str(d.pagination)}",
              f"param = {_toml_str(d.pagination_param)}"]
    stuck = [s.name for s in d.sections if s.pager]
    if stuck:
        lines += [f"# NOT FOLLOWED: a JavaScript pager on the lists of {', '.join(stuck)}. Give list page N's URL,",
                  "# relative to the list, and the number of the list's first page:",
                  '# template = "?page={n}"', "# first = 1"]
    for s in d.sections:
        lines += ["", "[[sections]]", f"slug = {_toml_str(s.slug)}", f"name = {_toml_str(s.name)}",
                  f"kind = {_toml_str(s.kind)}", f"url = {_toml_str(s.url)}"]
    return "\n".join(lines) + "\n"


def report(d: Discovery, written: str | None) -> str:
    """A readable report of a discovery: what was found, what was not, counts and sample URLs.

    :param d: what discover found.
    :param written: the portal file written, if any.
    """
    out = [f"root: {d.root}", f"hosts: {', '.join(d.hosts)}   path prefix: {d.path_prefix}",
           f"sections found: {len(d.sections)} of {len(d.sections) + len(d.missing)}"
           + (f"; NOT found: {', '.join(d.missing)}" if d.missing else ""),
           f"article URL pattern(s): {'; '.join(d.articles) or 'NONE learned'}",
           f"pagination: {d.pagination}{' (' + d.pagination_param + '=N)' if d.pagination_param else ''}",
           f"extraction: {d.extraction} ({d.samples_generic} of {d.samples_read} sampled article(s) read by the "
           "generic extractor" + ("; its share is expected by the health check" if d.extraction == "generic"
                                   else "; a rise of its share turns a run red") + ")", ""]
    for s in d.sections:
        head = f"{s.name} [{s.slug}] {s.kind}: {s.url}"
        if s.kind == "page":
            out.append(f"{head}  (static page)")
            continue
        out.append(f"{head}\n  list pages read: {len(s.list_pages)}; article links: {len(s.articles)}, "
                   f"{s.matched} matched by the pattern" + (f"; PROBLEM: {s.problem}" if s.problem else ""))
        if s.pager:
            out.append(f"  PAGINATION NOT FOLLOWED: {s.pager}")
        for url, how, title in s.samples:
            out.append(f"  sample {url}  -> {how}  {title[:40]}")
    out.append("")
    out.append(f"{d.fetched} pages fetched.")
    if written:
        out.append(f"portal file written: {written}; crawl with `scrapy crawl g60 -s G60_PORTAL={written}`")
    return "\n".join(out)
