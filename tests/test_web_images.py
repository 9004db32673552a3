"""Archived images on the article page: served from their captures (G60_PAGE_REQUISITES=1), links otherwise."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest

from g60crawler.mirror import read_response

from .conftest import HOST, SITE
from .crawl import run_crawl
from .web_client import get, private_copy

ARTICLE = f"http://{HOST}/sjxw/2024/0612/1630033.shtml"  # three body images; the mirror has the first only
KEPT = f"http://{HOST}/sjxw/2024/0612/W020240612391245720801.jpg"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    archive = tmp_path_factory.mktemp("web-images") / "g60.sqlite"
    done = run_crawl(archive, "G60_PAGE_REQUISITES=1", replay=SITE)
    assert done.returncode == 0, done.stderr[-3000:]
    return archive


@pytest.fixture
def archive(built, tmp_path):
    """A private copy: tests tamper with it."""
    return private_copy(built, tmp_path)


def one(archive, sql: str, params=()):
    with sqlite3.connect(archive) as conn:
        return conn.execute(sql, params).fetchone()


def capture_id(archive, url: str) -> int:
    return one(archive, "SELECT id FROM captures WHERE url = ? ORDER BY last_fetched DESC LIMIT 1", (url,))[0]


def article_of(archive, url: str) -> tuple[int, list[dict]]:
    aid, images = one(archive, "SELECT a.id, a.images FROM articles a JOIN article_urls u ON u.article_id = a.id "
                               "WHERE u.url = ?", (url,))
    return aid, json.loads(images)


def figures(html: str) -> list[str]:
    return re.findall(r'<figure class="g60-figure">(.*?)</figure>', html, re.S)


def test_kept_image_is_shown_inline_with_its_caption_others_link_out(archive):
    aid, images = article_of(archive, ARTICLE)
    assert len(images) == 3 and images[0]["url"] == KEPT
    response = get(archive, f"/-/g60/article/{aid}")
    assert response.status_code == 200
    shown = figures(response.text)
    assert len(shown) == 3
    cid = capture_id(archive, KEPT)
    assert f'<img src="/-/g60/capture/{cid}"' in shown[0]
    assert f"<figcaption>{images[0]['caption']}</figcaption>" in shown[0]
    for figure, image in zip(shown[1:], images[1:]):  # answered 404 when crawled: no image to show
        assert "<img" not in figure
        assert f'<a href="{image["url"]}"' in figure and f"<figcaption>{image['caption']}</figcaption>" in figure


def test_capture_route_serves_the_stored_bytes_and_type(archive):
    response = get(archive, f"/-/g60/capture/{capture_id(archive, KEPT)}")
    assert response.status_code == 200
    assert response.content == read_response(SITE, KEPT).body
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_article_page_loads_nothing_but_its_own_server(archive):
    for (aid,) in sqlite3.connect(archive).execute("SELECT id FROM articles WHERE images != '[]'"):
        html = get(archive, f"/-/g60/article/{aid}").text
        loaded = re.findall(r'<(?:img|script|link|iframe|source|video|audio|embed|object)\b[^>]*?'
                            r'(?:src|href|data|srcset)="([^"]*)"', html)
        assert loaded and all(u.startswith("/") and not u.startswith("//") for u in loaded), loaded


@pytest.mark.parametrize("which", ["article page", "404 image", "style sheet"])
def test_capture_route_serves_only_images_that_were_found(archive, which):
    url = {"article page": ARTICLE, "404 image": f"http://{HOST}/sjxw/2024/0612/W020240612391246105852.jpg",
           "style sheet": f"http://{HOST}/css/common.css"}[which]
    cid = capture_id(archive, url)
    if which == "404 image":  # even with an image type recorded, a 404 answer is no image
        with sqlite3.connect(archive) as conn:
            conn.execute("UPDATE captures SET headers = ? WHERE id = ?", (json.dumps({"Content-Type": "image/jpeg"}), cid))
    response = get(archive, f"/-/g60/capture/{cid}")
    assert response.status_code == 404
    assert response.content != read_response(SITE, url).body


@pytest.mark.parametrize("content_type", ["image/jpeg\r\nSet-Cookie: a=b", "text/html; x=image/png", "image/",
                                          "IMAGE/../text/html", ""])
def test_stored_content_type_must_be_a_plain_image_type(archive, content_type):
    cid = capture_id(archive, KEPT)
    with sqlite3.connect(archive) as conn:
        conn.execute("UPDATE captures SET headers = ? WHERE id = ?", (json.dumps({"Content-Type": content_type}), cid))
    response = get(archive, f"/-/g60/capture/{cid}")
    assert response.status_code == 404
    assert "set-cookie" not in response.headers
    aid, _ = article_of(archive, ARTICLE)
    assert f"/-/g60/capture/{cid}" not in get(archive, f"/-/g60/article/{aid}").text  # the page links out instead


@pytest.mark.parametrize("path", ["/-/g60/capture/999999", "/-/g60/capture/1%20OR%201=1", "/-/g60/capture/-1",
                                  "/-/g60/capture/..%2F..%2Fg60.sqlite", "/-/g60/capture/"])
def test_capture_route_takes_only_a_known_id(archive, path):
    response = get(archive, path)
    assert response.status_code in (302, 404)
    assert b"SQLite format" not in response.content
    assert one(archive, "SELECT COUNT(*) FROM captures")[0] > 10


def test_image_whose_url_differs_only_in_form_is_found(archive):
    """The article's image URL and the capture's are compared canonically (host case, default port)."""
    aid, images = article_of(archive, ARTICLE)
    images[0]["url"] = KEPT.replace(HOST, HOST.upper()).replace(".cn/", ".cn:80/")
    with sqlite3.connect(archive) as conn:
        conn.execute("UPDATE articles SET images = ? WHERE id = ?", (json.dumps(images), aid))
    html = get(archive, f"/-/g60/article/{aid}").text
    assert f'<img src="/-/g60/capture/{capture_id(archive, KEPT)}"' in html
