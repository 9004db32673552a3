"""Known-template pages inside real-size page chrome (benchmarks/padded_pages.py) extract to the same fields.

The extraction benchmark measures pages of 60–200 KB made by putting seeded menus,
styles, scripts, side boxes and a footer around the fixture and synthetic pages;
those figures only count if the article read from the big page is the article
read from the small one, every field.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import html

from benchmarks.padded_pages import MAX_KB, MIN_KB, pad, synthetic_article_pages
from g60crawler.assemble import build_article
from g60crawler.items import FailureItem
from g60crawler.pages.article import extract_raw

from .conftest import SITE, SITE_V2


def _template_pages() -> list[tuple[str, bytes]]:
    pages = []
    for root in (SITE, SITE_V2):
        for expected in sorted(root.rglob("*.expected.json")):
            if ".joined." in expected.name:
                continue
            item = json.loads(expected.read_text("utf-8"))
            if item["extraction"].startswith("template:"):
                page = expected.with_name(expected.name.removesuffix(".expected.json"))
                pages.append((item["url"], page.read_bytes()))
    return pages


FIXTURES = _template_pages()
SYNTHETIC = synthetic_article_pages(12, seed=3)


def _fields(url: str, body: bytes) -> dict:
    item = build_article(extract_raw(url, body))
    assert not isinstance(item, FailureItem), item.reason
    return item.public_dict()


def test_there_are_pages_of_every_known_template():
    templates = {_fields(u, b)["extraction"] for u, b in FIXTURES + SYNTHETIC}
    assert templates == {"template:article-detail", "template:con"}
    assert len(FIXTURES) >= 40


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("url,body", FIXTURES + SYNTHETIC, ids=[u.split("/", 3)[-1] for u, _ in FIXTURES + SYNTHETIC])
def test_padded_page_gives_the_same_fields(url, body, seed):
    big = pad(body, seed)
    assert MIN_KB * 1024 <= len(big) <= MAX_KB * 1024
    assert _fields(url, big) == _fields(url, body)


def test_padding_is_real_page_chrome_outside_the_article():
    url, body = FIXTURES[0]
    big = pad(body, 5)
    tree = html.document_fromstring(big)
    assert len(tree.xpath("//div[@id='g-nav']//a")) >= 200  # a menu of hundreds of links
    assert tree.xpath("//head/style") and len(tree.xpath("//script")) >= 2
    assert len(tree.xpath("//div[contains(@class, 'g-side-box')]//li")) >= 30  # headline boxes
    assert tree.xpath("//div[@class='g-footer']//a")
    original = html.document_fromstring(body)
    assert big.count(b"<h1") == body.count(b"<h1") and len(tree.xpath("//p")) > len(original.xpath("//p"))


def test_padding_is_deterministic_and_sized_as_asked():
    url, body = SYNTHETIC[0]
    assert pad(body, 7) == pad(body, 7)
    assert pad(body, 7) != pad(body, 8)
    assert abs(len(pad(body, 7, kb=150)) - 150 * 1024) < 20 * 1024
