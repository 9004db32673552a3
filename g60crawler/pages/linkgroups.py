"""The main list of a page found by its structure: the best run of repeated sibling blocks with links.

No class names are needed: each block (``li``, ``tr``, ``div``, ``dd`` ...) that
holds a link accepted by a predicate is an entry; blocks whose parents have the
same place in the tree (same tags and classes from the root) form one group, so
a list cut into several ``<ul>`` stays one list. Groups are scored by entries,
dates, and where they sit: sidebars and boxes (热点, 推荐, 相关, 排行) and the
page chrome count for little.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import html as lxml_html

from .. import normalize

_SIDE_WORDS = re.compile(r"hot|side|right|rank|tuijian|recommend|related|xgxw|paihang|aside|remen|tj|rd|top10|"
                         r"friend|link|foot|nav|header|menu", re.I)
_MAIN_WORDS = re.compile(r"main|list|left|content|news|article|column|lm", re.I)
_SIDE_HEADINGS = ("热点", "推荐", "相关", "排行", "热门", "热读", "专题", "友情链接", "图片新闻")
_CHROME_TAGS = frozenset({"header", "footer", "nav", "aside"})
_BLOCK_SKIP = frozenset({"script", "style", "noscript", "head"})


@dataclass
class GroupEntry:
    url: str
    title: str | None
    date_text: str


@dataclass
class LinkGroup:
    entries: list[GroupEntry] = field(default_factory=list)
    dated: int = 0
    side: bool = False
    main: bool = False

    @property
    def score(self) -> float:
        n = len(self.entries)
        value = n * (1 + self.dated / n if n else 1)
        if self.side:
            value *= 0.25
        if self.main:
            value *= 1.25
        return value


def _signature(el) -> tuple:
    chain = []
    while el is not None:
        chain.append((el.tag, (el.get("class") or "").strip()))
        el = el.getparent()
    return tuple(reversed(chain))


def _has_date(text: str) -> bool:
    return bool(normalize.parse_published(text, default_year=2000))


def _placement(parent) -> tuple[bool, bool]:
    """(in a sidebar/box or the chrome, in the main column) for a group's parent element."""
    side = main = False
    el = parent
    depth = 0
    while el is not None and isinstance(el.tag, str):
        if el.tag in _CHROME_TAGS:
            side = True
        names = f"{el.get('class') or ''} {el.get('id') or ''}"
        words = re.split(r"[\s_-]+", names.strip()) if names.strip() else []
        if any(_SIDE_WORDS.fullmatch(w) or _SIDE_WORDS.match(w) and len(w) <= 8 for w in words):
            side = True
        elif any(_MAIN_WORDS.search(w) for w in words):
            main = True
        if depth < 3:
            # a heading just before the box: <h3>热点新闻</h3><ul>...</ul>
            prev = el.getprevious()
            while prev is not None and not isinstance(prev.tag, str):
                prev = prev.getprevious()
            if prev is not None and _is_heading(prev):
                heading = "".join(prev.itertext())
                if any(w in heading for w in _SIDE_HEADINGS):
                    side = True
            first = next((c for c in el if isinstance(c.tag, str)), None)
            if first is not None and len(el) > 1 and _is_heading(first):
                if any(w in "".join(first.itertext()) for w in _SIDE_HEADINGS):
                    side = True
        el = el.getparent()
        depth += 1
    return side, main


def _is_heading(el) -> bool:
    """A box title: a heading element, or a short text without links."""
    text = "".join(el.itertext()).strip()
    return el.tag in ("h1", "h2", "h3", "h4", "h5", "h6") or (len(text) <= 12 and el.find(".//a") is None)


def _entry(block, base: str, accept: Callable[[str], bool]) -> GroupEntry | None:
    """The block's article link, title and other text; None when it holds no link or several (a container)."""
    found = None
    for a in block.iter("a"):
        href = (a.get("href") or "").strip()
        if href and not href.startswith(("javascript:", "#", "mailto:")):
            url = urljoin(base, href).split("#", 1)[0]
            if accept(url):
                if found is not None and url != found:
                    return None
                found = url
    for a in block.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        url = urljoin(base, href).split("#", 1)[0]
        if not accept(url):
            continue
        title = a.get("title") or "".join(a.itertext())
        rest = []
        for node in block.iter():
            if node is a or not isinstance(node.tag, str) or node.tag in _BLOCK_SKIP:
                continue
            if any(p is a for p in node.iterancestors()):
                continue
            if node.text:
                rest.append(node.text)
            if node.tail and node is not block:
                rest.append(node.tail)
        if a.tail:
            rest.append(a.tail)
        return GroupEntry(url, normalize.clean_text(title) or None, " ".join(rest))
    return None


def link_groups(text: str, base: str, accept: Callable[[str], bool]) -> list[LinkGroup]:
    """Groups of repeated sibling blocks whose link passes ``accept``, best first (a group may hold one).

    :param text: the page's decoded HTML.
    :param base: the page URL (links are made absolute against it).
    :param accept: which absolute link URLs count as entries.
    """
    try:
        root = lxml_html.document_fromstring(text)
    except (ValueError, lxml_html.etree.ParserError):
        return []
    groups: dict[tuple, LinkGroup] = {}
    seen_urls: dict[tuple, set] = {}
    for parent in root.iter():
        if not isinstance(parent.tag, str) or parent.tag in _BLOCK_SKIP:
            continue
        children = [c for c in parent if isinstance(c.tag, str) and c.tag not in _BLOCK_SKIP]
        by_tag: dict[str, list] = {}
        for c in children:
            by_tag.setdefault(c.tag, []).append(c)
        for tag, blocks in by_tag.items():
            if tag in ("br", "img"):
                continue
            entries = [e for e in (_entry(b, base, accept) for b in blocks) if e]
            if not entries:
                continue
            key = (_signature(parent), tag)
            group = groups.get(key)
            if group is None:
                side, main = _placement(parent)
                group = groups[key] = LinkGroup(side=side, main=main)
                seen_urls[key] = set()
            for e in entries:
                if e.url in seen_urls[key]:
                    continue
                seen_urls[key].add(e.url)
                group.entries.append(e)
                group.dated += _has_date(e.date_text)
    ranked = list(groups.values())  # a list's last page may show a single entry
    ranked.sort(key=lambda g: g.score, reverse=True)
    return ranked
