"""Article pages: raw fields of a known template, else of the generic extractor."""

from __future__ import annotations

import codecs
import re
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from cssselect import HTMLTranslator
from lxml import etree

from .. import labels, normalize, portal
from ..items import RawArticle
from .blocks import attachment_links, body_blocks
from .decode import decode_html
from .generic import extract_generic
from .templates import TEMPLATES, Template
from .tree import parse_html, text_of

_META_DATES = (
    "pubdate", "publishdate", "published_time", "article:published_time",
    "og:release_date", "firstpublishedtime", "releasedate",
)
_DATE_IN_TEXT = re.compile(normalize._DATE_TIME.pattern)


def extract_raw(url: str, body: bytes, content_type: str | None = None) -> RawArticle:
    """Extract the raw fields of an article page.

    :param url: the page URL (resolves relative links, gives the URL date).
    :param body: the raw response bytes.
    :param content_type: the HTTP ``Content-Type`` header, None for a file.
    """
    text, encoding = decode_html(body, content_type)
    # parsed once: every selector below reads this tree; bytes that are the text's UTF-8 are not encoded again
    same_bytes = encoding == "utf-8" and not body.startswith(codecs.BOM_UTF8) and "\ufffd" not in text
    root = parse_html(text, url, utf8=body if same_bytes else None)
    for template in TEMPLATES:
        container = _find(root, template.body)
        title = _find(root, template.title) if container else None
        if container and title:
            raw = _from_template(template, container[0], title, url, encoding)
            break
    else:
        raw = extract_generic(text, url, encoding)
    title = root.find("head/title")
    raw.title_tag = text_of(title) if title is not None else None
    raw.dates.extend(("meta", d) for d in meta_dates(root))
    raw.next_page = next_page_url(root, url)
    canonical = root.xpath("head/link[@rel='canonical']/@href")
    raw.canonical_link = urljoin(url, canonical[0].strip()) if canonical and canonical[0].strip() else None
    return raw


_SIMPLE = re.compile(r"^([a-z][a-z0-9]*)?(?:#([\w-]+))?((?:\.[\w-]+)*)$")


@lru_cache(maxsize=None)
def _xpath(css: str, near: bool = False) -> tuple[etree.XPath, tuple[tuple[str, ...], ...] | None]:
    """A template's CSS selector compiled once: (XPath, the class names each match must carry).

    Selectors of the simple forms templates use (``div.a.b span.c``, ``h1#id``,
    ``.a, .b``) become XPaths testing ``contains(@class, ...)``, which libxml2
    evaluates several times faster than cssselect's exact token test; the exact
    class tokens are then checked in Python on the few matches. Anything else
    goes through cssselect.
    """
    alternatives, classes, tests = [], [], []
    for alternative in css.split(","):
        steps = alternative.split()
        parts = [_SIMPLE.match(step) for step in steps]
        if not steps or not all(parts):
            prefix = "descendant-or-self::" if not near else "./descendant-or-self::"
            return etree.XPath(HTMLTranslator().css_to_xpath(css, prefix=prefix)), None
        # descendant axes, not "//": libxml2 would first gather every node of the document for "//"
        xpath = ""
        for i, m in enumerate(parts):
            tag, ident, dotted = m.groups()
            axis = "descendant-or-self::" if i == 0 and not near else "descendant::"
            xpath += ("/" if i else "") + axis + (tag or "*") + (f"[@id='{ident}']" if ident else "")
            # [@class] first: libxml2 skips the elements without one before building any string
            xpath += "[@class]" * bool(dotted) + "".join(f"[contains(@class, '{c}')]" for c in dotted.split(".") if c)
        alternatives.append(xpath)
        classes.append(tuple(c for c in parts[-1].group(3).split(".") if c))
        if len(parts) == 1:
            tag, ident, dotted = parts[0].groups()
            tests.append(" and ".join([*([f"self::{tag}"] if tag else []), *([f"@id='{ident}'"] if ident else []),
                                       *(f"contains(@class, '{c}')" for c in dotted.split(".") if c)]))
    if len(tests) == len(alternatives) > 1:
        # one-step alternatives (".a, .b, .c"): one pass over the tree for them all, not one each
        axis = "descendant-or-self::" if not near else "descendant::"
        with_class = "[@class]" if all(any(c for c in parts) for parts in classes) else ""
        return etree.XPath(axis + "*" + with_class + "[" + " or ".join(f"({t})" for t in tests) + "]"), tuple(classes)
    return etree.XPath(" | ".join(alternatives)), tuple(classes)


@lru_cache(maxsize=None)
def _one_step(css: str) -> bool:
    """True for a selector whose every alternative is one simple step (``div.a``, ``.a, .b``)."""
    return all(len(alt.split()) == 1 and _SIMPLE.match(alt.strip()) for alt in css.split(","))


def _find(root, css: str | None, near: bool = False) -> list:
    if not css:
        return []
    xpath, classes = _xpath(css, near)
    found = xpath(root)
    if classes is None:
        return found
    return [el for el in found
            if any(set(want) <= set((el.get("class") or "").split()) for want in classes)]


NEAR_LEVELS = 3


def _near_scope(container):
    """The widest scope _find_near looks in: the body's great-grandparent (or the page)."""
    scope = container
    for _ in range(NEAR_LEVELS):
        if scope.getparent() is None:
            break
        scope = scope.getparent()
    return scope


def _find_near(container, css: str | None) -> list:
    """Elements of a field, looked for around the body: in its parent, grandparent, great-grandparent.

    A template's fields sit in the article's own column, a fraction of a page full of
    navigation and sidebars (and a sidebar must not lend its dates to the article).
    """
    if not css:
        return []
    scopes = []
    scope = container.getparent()
    while scope is not None and len(scopes) < NEAR_LEVELS:
        scopes.append(scope)
        scope = scope.getparent()
    if not scopes:
        return []
    # the widest scope first: a field it lacks (no author, no attachments) costs one search, not three
    widest = _find(scopes[-1], css, near=True)
    if not widest:
        return []
    for scope in scopes[:-1]:
        if _one_step(css):  # a match in a narrower scope is a match of the widest inside it
            found = [el for el in widest if _is_inside(el, scope)]
        else:  # every step of it must be inside the narrower scope: search there
            found = _find(scope, css, near=True)
        if found:
            return found
    return widest


def _first_text(elements: list) -> str | None:
    if not elements:
        return None
    return normalize.clean_text(" ".join(elements[0].itertext())) or None


def _from_template(template: Template, container, title: list, url: str, encoding: str) -> RawArticle:
    raw = RawArticle(url=url, extraction=f"template:{template.name}", encoding=encoding)
    raw.title = _first_text(title)
    body = body_blocks(container, url)
    raw.paragraphs = body.paragraphs
    raw.images = body.images
    raw.attachments = body.attachments
    for block in _find_near(container, template.attachments):
        for link in attachment_links(block, url):
            if link not in raw.attachments:
                raw.attachments.append(link)
    date = _first_text(_find_near(container, template.date))
    raw.source = _first_text(_find_near(container, template.source))
    raw.author = _first_text(_find_near(container, template.author))
    infos = _first_text(_find_near(container, template.infos))
    if infos:
        date, raw.source, raw.author = split_infos(infos)
    if date:
        raw.dates.append(("page", date))
    raw.editor = _first_text(_find_near(container, template.editor))
    raw.summary = summary_outside_body(_near_scope(container), container)
    return raw


def split_infos(infos: str) -> tuple[str | None, str | None, str | None]:
    """(date, source, author) from one info line: ``2019-04-09 13:34  中国发展网``."""
    date = None
    m = _DATE_IN_TEXT.search(normalize.halfwidth_digits(infos))  # same length: positions hold in infos
    if m:
        date = infos[m.start():m.end()]
        infos = infos[: m.start()] + " " + infos[m.end():]
    author = None
    m = labels.AUTHOR_IN_TEXT.search(infos)
    if m:
        author = m.group(1)
        infos = infos[: m.start()] + " " + infos[m.end():]
    m = labels.SOURCE_IN_TEXT.search(infos)
    if m:
        source = m.group(1)
    else:
        leftover = re.sub(r"(?:发布时间|时间|日期)\s*[:：]", " ", infos)
        source = normalize.clean_text(leftover) or None
    return date, source, author


_ZHAI = etree.XPath("descendant::text()[contains(., '摘')]")  # every 摘要 label has this character


def summary_outside_body(scope, container) -> str | None:
    """A 摘要 paragraph placed outside the body container (above it, or in a box), within ``scope``.

    Starts from the few text nodes holding 摘 (found by libxml2), not from every
    paragraph of the page; a paragraph holding several of them is looked at once.
    """
    seen = set()
    for text_node in _ZHAI(scope):
        node = text_node.getparent()
        while node is not None and node.tag not in ("p", "div"):
            node = node.getparent()
        if node is None or node in seen:
            continue
        seen.add(node)  # held here, so lxml keeps the same proxy object for the element
        if node is container or _is_inside(node, container):
            continue
        if node.find(".//p") is not None or node.find(".//div") is not None:
            continue  # a wrapper: its own paragraphs are looked at on their own
        text = text_of(node)
        if labels.is_summary_line(text):
            return text
    return None


def _is_inside(node, ancestor) -> bool:
    return any(parent is ancestor for parent in node.iterancestors())


def meta_dates(root) -> list[str]:
    """Publish dates from ``<meta>`` tags, in the order they appear."""
    found = []
    for meta in root.iter("meta"):
        key = (meta.get("name") or meta.get("property") or "").lower()
        if key in _META_DATES and meta.get("content") is not None:
            found.append(meta.get("content"))
    return found


_LINKS_TO = etree.XPath("descendant-or-self::a[contains(@href, $wanted)]")


def next_page_url(root, url: str) -> str | None:
    """The next page of a split article (``123.shtml`` -> ``123_2.shtml``), if linked.

    The page number is the portal article pattern's group ``page``: a link is the
    next page when it is the same article (same first page) with the number after this one's.

    :param root: the page's parsed tree.
    :param url: the page's URL.
    """
    m = portal.current().article_match(url, scoped=False)
    if m is None or "page" not in m.re.groupindex:
        return None
    wanted = (normalize.article_page(url) or 1) + 1
    first = urlsplit(normalize.first_page_url(url))
    stem = first.path.rsplit("/", 1)[-1].split(".", 1)[0]
    for a in _LINKS_TO(root, wanted=stem):  # libxml2 finds the few candidate links
        target = urljoin(url, a.get("href").strip()).split("#", 1)[0]
        if normalize.article_page(target) != wanted:
            continue
        there = urlsplit(normalize.first_page_url(target))
        if (there.path, there.query) == (first.path, first.query):
            return target
    return None
    wanted = f"{m[1]}_{int(m[2] or 1) + 1}.{m[3]}"
    for a in _LINKS_TO(root, wanted=wanted):  # libxml2 finds the few candidate links
        href = a.get("href")
        target = urljoin(url, href.strip())
        if urlsplit(target).path.endswith("/" + wanted):
            return target.split("#", 1)[0]
    return None
