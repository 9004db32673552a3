"""A decoded page parsed once into an lxml tree: the tree parsel would build, without its per-element classes.

parsel's ``Selector(text=...)`` parses with ``lxml.html``, whose elements are
looked up by a Python callback each time one is touched, and it tries the text
as JSON first. Extraction needs neither: it reads one tree with compiled XPaths.
Text that parsel would not read as HTML (a JSON object or array, an XML
declaration) still goes through parsel, so every page gets the same tree as before.
"""

from __future__ import annotations

import re
import threading

from lxml import etree
from parsel import Selector

# what parsel reads as JSON (an object or array) or as XML; everything else it parses as HTML
_NOT_PLAIN_HTML = re.compile(r"[\s\ufeff]*(?:[\[{]|<\?xml\s)")
_parsers = threading.local()  # an lxml parser is not to be shared between threads

#: the text of an element and its descendants, as lxml.html's ``text_content()`` computes it
text_of = etree.XPath("string()", smart_strings=False)


def _parser() -> etree.HTMLParser:
    parser = getattr(_parsers, "html", None)
    if parser is None:
        parser = _parsers.html = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True)
    return parser


def _lxml_input(text: str, utf8: bytes | None) -> bytes:
    """What parsel gives lxml for ``text``: its UTF-8 without surrounding whitespace or NUL characters.

    Taken from ``utf8`` (the same text in UTF-8) without encoding the page again when it can be.
    """
    stripped = text.strip()
    if utf8 is None or "\x00" in stripped:
        return stripped.replace("\x00", "").encode("utf-8")
    if not stripped:
        return b""
    lead = len(text) - len(text.lstrip())  # whitespace is a few characters: only those are encoded
    trail = len(text) - lead - len(stripped)
    return utf8[len(text[:lead].encode("utf-8")): len(utf8) - len(text[len(text) - trail:].encode("utf-8"))]


def parse_html(text: str, base_url: str | None = None, utf8: bytes | None = None):
    """The root element of a decoded HTML page.

    :param text: the page as text.
    :param base_url: the page URL (the tree's base URL).
    :param utf8: ``text`` in UTF-8 if the caller has it (a page that came as UTF-8): not encoded again.
    """
    if _NOT_PLAIN_HTML.match(text):
        return Selector(text=text, base_url=base_url).root
    body = _lxml_input(text, utf8) or b"<html/>"
    parser = _parser()
    root = etree.fromstring(body, parser=parser, base_url=base_url)
    if root is None:
        root = etree.fromstring(b"<html/>", parser=parser, base_url=base_url)
    return root
