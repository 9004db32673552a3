"""pages.tree.parse_html builds the tree parsel builds (which extraction used before), element for element."""

from __future__ import annotations

import pytest
from lxml import etree
from parsel import Selector

from g60crawler.pages.tree import parse_html, text_of

PAGE = "<html><head><title>标题</title></head><body><div class='a'><p>第一段。</p><p>摘要：二</p></div></body></html>"

CASES = [
    PAGE,
    "\n\n" + PAGE + "\n",  # the usual file: whitespace around the page
    "\u3000\u00a0\x85 " + PAGE + "\x1f\u2029\u3000",  # Unicode whitespace that str.strip() takes off
    PAGE.replace("第一段", "第\x00一段"),  # NUL characters are dropped
    "\x00" + PAGE + "\x00\n",
    "",
    "   \n\t ",
    "<p>just a fragment</p>",
    "plain text, no markup",
    "\ufeff" + PAGE,
    '{"json": "object"}',  # parsel reads these as JSON
    '  [1, 2, 3]',
    '<?xml version="1.0" encoding="utf-8"?><html><body><p>xml</p></body></html>',  # and this as XML
    "{not json <p>but html</p>",
]


def _same(a, b) -> bool:
    if isinstance(a, etree._Element) or isinstance(b, etree._Element):
        return etree.tostring(a, encoding="unicode") == etree.tostring(b, encoding="unicode")
    return a == b


@pytest.mark.parametrize("text", CASES)
def test_the_tree_is_parsels(text):
    want = Selector(text=text, base_url="http://example.com/a.shtml").root
    assert _same(parse_html(text, "http://example.com/a.shtml"), want)


@pytest.mark.parametrize("text", CASES)
def test_the_pages_own_utf8_bytes_give_the_same_tree(text):
    assert _same(parse_html(text, utf8=text.encode("utf-8")), parse_html(text))


def test_text_of_is_lxml_html_text_content():
    from lxml import html

    element = html.fromstring("<div>a<b>b<!-- c --></b>d<script>e</script>f</div>")
    assert text_of(element) == element.text_content() == "abdef"
