"""Find the channel's navigation on its root page: the links whose texts are the section names."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import html as lxml_html

_SPACE = re.compile(r"[\s\u3000\xa0·|｜]+")
#: How many of the section names a navigation must show to be taken for the channel's.
MIN_NAMES = 4


@dataclass
class NavLink:
    name: str  # the section name it stands for
    text: str  # the link text as shown
    url: str


def _norm(text: str) -> str:
    return _SPACE.sub("", text or "").lower()


def matches(name: str, text: str) -> bool:
    """Is a link text the section name, allowing spaces, case and a small variant?

    :param name: a section name (``G60资讯``).
    :param text: a link's text (``G60 资讯``, ``g60资讯``, ``G60 资讯 »``).
    """
    a, b = _norm(name), _norm(text)
    if not b:
        return False
    if a == b or (len(b) <= len(a) + 2 and a in b):
        return True
    return len(b) >= 2 and difflib.SequenceMatcher(None, a, b).ratio() >= 0.75


def find_navigation(text: str, base: str, names: list[str]) -> list[NavLink]:
    """The links of the smallest element holding the most section names, one per name found.

    :param text: the root page's HTML.
    :param base: its URL.
    :param names: the section names, in navigation order.
    """
    try:
        root = lxml_html.document_fromstring(text)
    except (ValueError, lxml_html.etree.ParserError):
        return []
    best: list[NavLink] = []
    best_size = None
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "script", "style"):
            continue
        links = [a for a in el.iter("a") if (a.get("href") or "").strip()
                 and not a.get("href").strip().startswith(("javascript:", "#", "mailto:"))]
        if len(links) < MIN_NAMES:
            continue
        found: dict[str, NavLink] = {}
        for a in links:
            label = "".join(a.itertext()).strip() or a.get("title") or ""
            for name in names:
                if name not in found and matches(name, label):
                    found[name] = NavLink(name, label.strip(), urljoin(base, a.get("href").strip()))
                    break
        size = len(links)
        if len(found) > len(best) or (len(found) == len(best) and best_size is not None and size < best_size):
            best, best_size = [found[n] for n in names if n in found], size
    return best if len(best) >= MIN_NAMES else []
