"""Page requisites: the style sheets, scripts and images a page needs to be replayed as it looked.

Pure functions of (url, text): the spider decides which of them to fetch (the
portal's own host only) and the archive keeps them as captures, so a WARC
export replays in pywb with its styles and images.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from parsel import Selector

#: Elements and attributes that name a requisite of an HTML page.
_HTML_REFS = (
    "link[rel~=stylesheet]::attr(href)",
    "link[rel~=icon]::attr(href)",
    "script::attr(src)",
    "img::attr(src)",
    "input[type=image]::attr(src)",
)
#: At most this much of a style sheet is searched for url(...) and @import references.
MAX_CSS_TEXT = 512 * 1024
# one bounded token each, no nested repetition: linear on any input
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'"()\s]{1,2000})['"]?\s*\)|@import\s+['"]([^'"]{1,2000})['"]""")


def _web(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts._replace(fragment="").geturl()


def html_requisites(url: str, text: str) -> list[str]:
    """Absolute URLs of the style sheets, scripts and images an HTML page loads, once each (by kind, then page order).

    :param url: the page's URL (relative references are resolved against it, or its ``<base>``).
    :param text: the decoded HTML.
    """
    sel = Selector(text=text)
    base = urljoin(url, (sel.css("base::attr(href)").get() or "").strip())
    found: list[str] = []
    for query in _HTML_REFS:
        for ref in sel.css(query).getall():
            absolute = _web(urljoin(base, ref.strip()))
            if absolute:
                found.append(absolute)
    return list(dict.fromkeys(found))


def css_requisites(url: str, text: str) -> list[str]:
    """Absolute URLs a style sheet loads (``url(...)`` and ``@import``), in order.

    :param url: the style sheet's URL.
    :param text: its decoded text (only the first :data:`MAX_CSS_TEXT` characters are read).
    """
    found = []
    for m in _CSS_URL.finditer(text[:MAX_CSS_TEXT]):
        ref = (m.group(1) or m.group(2)).strip()
        if ref.startswith("data:"):
            continue
        absolute = _web(urljoin(url, ref))
        if absolute:
            found.append(absolute)
    return list(dict.fromkeys(found))
