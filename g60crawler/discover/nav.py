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
    if a in b and re.fullmatch(r"[a-z0-9 .&/_-]*", b.replace(a, "", 1)):
        return True  # an English subtitle: G60资讯 NEWS, 关于我们 About us
    return len(b) >= 2 and difflib.SequenceMatcher(None, a, b).ratio() >= 0.75


def _label(a) -> str:
    """What a link shows: its text, else its title, else its images' alt texts (an image menu)."""
    text = "".join(a.itertext()).strip()
    if text:
        return text
    return (a.get("title") or "").strip() or " ".join(img.get("alt") or "" for img in a.iter("img")).strip()


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
            label = _label(a)
            for name in names:
                if name not in found and matches(name, label):
                    found[name] = NavLink(name, label.strip(), urljoin(base, a.get("href").strip()))
                    break
        size = len(links)
        if len(found) > len(best) or (len(found) == len(best) and best_size is not None and size < best_size):
            best, best_size = [found[n] for n in names if n in found], size
    return best if len(best) >= MIN_NAMES else []
