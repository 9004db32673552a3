"""Article pages: raw fields of a known template, else of the generic extractor."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from .. import normalize
from ..items import RawArticle
from .blocks import attachment_links, body_blocks
from .decode import decode_html
from .generic import extract_generic
from .templates import TEMPLATES, Template

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
    sel = Selector(text=text, base_url=url)
    for template in TEMPLATES:
        title = sel.css(template.title)
        container = sel.css(template.body)
        if title and container:
            raw = _from_template(template, sel, container[0], url, encoding)
            break
    else:
        raw = extract_generic(text, url, encoding)
    raw.title_tag = sel.css("title::text").get()
    raw.dates.extend(("meta", d) for d in meta_dates(sel))
    raw.next_page = next_page_url(sel, url)
    return raw


def _first_text(sel: Selector, css: str | None) -> str | None:
    if not css:
        return None
    found = sel.css(css)
    if not found:
        return None
    return normalize.clean_text(" ".join(found[0].css("::text").getall())) or None


def _from_template(template: Template, sel: Selector, container: Selector, url: str,
                   encoding: str) -> RawArticle:
    raw = RawArticle(url=url, extraction=f"template:{template.name}", encoding=encoding)
    raw.title = _first_text(sel, template.title)
    body = body_blocks(container.root, url)
    raw.paragraphs = body.paragraphs
    raw.images = body.images
    raw.attachments = body.attachments
    if template.attachments:
        for block in sel.css(template.attachments):
            for link in attachment_links(block.root, url):
                if link not in raw.attachments:
                    raw.attachments.append(link)
    date = _first_text(sel, template.date)
    raw.source = _first_text(sel, template.source)
    raw.author = _first_text(sel, template.author)
    infos = _first_text(sel, template.infos)
    if infos:
        date, raw.source, raw.author = split_infos(infos)
    if date:
        raw.dates.append(("page", date))
    raw.editor = _first_text(sel, template.editor)
    raw.summary = summary_outside_body(sel, container)
    return raw


_AUTHOR_IN_INFOS = re.compile(r"(?:作者|记者)\s*[:：]\s*(\S+)")
_SOURCE_IN_INFOS = re.compile(r"来源\s*[:：]\s*(\S+)")


def split_infos(infos: str) -> tuple[str | None, str | None, str | None]:
    """(date, source, author) from one info line: ``2019-04-09 13:34  中国发展网``."""
    date = None
    m = _DATE_IN_TEXT.search(infos)
    if m:
        date = m.group(0)
        infos = infos[: m.start()] + " " + infos[m.end():]
    author = None
    m = _AUTHOR_IN_INFOS.search(infos)
    if m:
        author = m.group(1)
        infos = infos[: m.start()] + " " + infos[m.end():]
    m = _SOURCE_IN_INFOS.search(infos)
    if m:
        source = m.group(1)
    else:
        leftover = re.sub(r"(?:发布时间|时间|日期)\s*[:：]", " ", infos)
        source = normalize.clean_text(leftover) or None
    return date, source, author


def summary_outside_body(sel: Selector, container: Selector) -> str | None:
    """A 摘要 paragraph placed outside the body container (above it, or in a box)."""
    for node in sel.css("p, div.summary, div.article-summary, div.abstract, div.zy"):
        if node.root is container.root or _is_inside(node.root, container.root):
            continue
        if node.xpath(".//p | .//div"):
            continue  # a wrapper: its own paragraphs are visited separately
        text = " ".join(node.css("::text").getall())
        if normalize.is_summary_line(text):
            return text
    return None


def _is_inside(node, ancestor) -> bool:
    return any(parent is ancestor for parent in node.iterancestors())


def meta_dates(sel: Selector) -> list[str]:
    """Publish dates from ``<meta>`` tags, in the order they appear."""
    found = []
    for meta in sel.xpath("//meta[@content]"):
        key = (meta.attrib.get("name") or meta.attrib.get("property") or "").lower()
        if key in _META_DATES:
            found.append(meta.attrib["content"])
    return found


def next_page_url(sel: Selector, url: str) -> str | None:
    """The next page of a split article (``123.shtml`` -> ``123_2.shtml``), if linked."""
    path = urlsplit(url).path
    m = re.search(r"/(\d+)(?:_(\d+))?\.(s?html)$", path)
    if not m:
        return None
    wanted = f"{m[1]}_{int(m[2] or 1) + 1}.{m[3]}"
    for href in sel.css("a::attr(href)").getall():
        target = urljoin(url, href.strip())
        if urlsplit(target).path.endswith("/" + wanted):
            return target.split("#", 1)[0]
    return None
