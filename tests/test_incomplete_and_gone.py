"""A split article is archived only whole; a page that is gone (a soft 404) never becomes a version.

Replay crawls of a copy of the mirror, changed between runs with status sidecars.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .conftest import HOST, SITE
from .crawl import query, run_crawl

B = f"http://{HOST}"
SPLIT = f"{B}/g60zx/2023/0915/1630015.shtml"
PAGE2 = f"{B}/g60zx/2023/0915/1630015_2.shtml"
LATER = f"{B}/g60zx/2023/1120/1630019.shtml"
FAST = ("RETRY_TIMES=1", "G60_RETRY_BACKOFF=0")
# 1630015 (15 Sep 2023) is due 440 days after publication (28 Nov 2024) and 1630019 (20 Nov 2023)
# 375 days after (29 Nov 2024): both between the first run (1 Nov) and the second (1 Dec)
FIRST = ("G60_NOW=2024-11-01T12:00:00+08:00", "G60_REVISIT_DAYS=375,440", *FAST)
SECOND = ("G60_NOW=2024-12-01T12:00:00+08:00", "G60_REVISIT_DAYS=375,440", *FAST)
ONLY_G60ZX = ("sections=g60zx",)


def _file(mirror: Path, url: str) -> Path:
    return mirror / url.split("://", 1)[1]


def sidecar(mirror: Path, url: str, status: int, **headers: str) -> Path:
    path = _file(mirror, url).with_name(_file(mirror, url).name + ".http.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"status": status, "headers": headers}), "utf-8")
    return path


@pytest.fixture
def mirror(tmp_path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(SITE, copy)
    return copy


def crawl(archive: Path, mirror: Path, *settings: str) -> None:
    done = run_crawl(archive, *settings, replay=mirror, args=ONLY_G60ZX)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr


def versions(archive: Path, url: str) -> list[tuple]:
    return query(archive, "SELECT v.version, v.superseded_at IS NULL FROM article_versions v JOIN article_urls u "
                          "ON u.article_id = v.article_id WHERE u.url = ? ORDER BY v.version", (url,))


def page2_text() -> str:
    expected = json.loads((SITE / HOST / "g60zx/2023/0915/1630015.joined.expected.json").read_text("utf-8"))
    return expected["body"].split("\n\n")[-1]


def test_failed_page_2_is_a_failure_then_a_complete_article_next_run(tmp_path, mirror):
    archive = tmp_path / "a.sqlite"
    marker = sidecar(mirror, PAGE2, 503)
    crawl(archive, mirror, *FAST)
    assert versions(archive, SPLIT) == []  # page 1 alone is not the article
    assert query(archive, "SELECT reason, resolved_at IS NULL FROM failures WHERE url = ?", (SPLIT,)) == [
        ("incomplete: page 2 http 503", 1)]
    marker.unlink()
    crawl(archive, mirror, *FAST)  # a normal run retries it
    assert versions(archive, SPLIT) == [(1, 1)]
    (body,) = query(archive, "SELECT body FROM articles WHERE canonical_url = ?", (SPLIT,))[0]
    assert page2_text() in body and body.count("\n\n") >= 2
    assert query(archive, "SELECT resolved_at IS NOT NULL FROM failures WHERE url = ?", (SPLIT,)) == [(1,)]


def test_revisit_with_a_failing_page_2_keeps_the_complete_version(tmp_path, mirror):
    archive = tmp_path / "a.sqlite"
    crawl(archive, mirror, *FIRST)
    (complete,) = query(archive, "SELECT body FROM articles WHERE canonical_url = ?", (SPLIT,))[0]
    assert page2_text() in complete
    sidecar(mirror, PAGE2, 503)
    crawl(archive, mirror, *SECOND)
    assert versions(archive, SPLIT) == [(1, 1)]
    assert query(archive, "SELECT body, removed_at FROM articles WHERE canonical_url = ?", (SPLIT,)) == [
        (complete, None)]
    assert query(archive, "SELECT reason FROM failures WHERE url = ?", (SPLIT,)) == [("incomplete: page 2 http 503",)]


@pytest.mark.parametrize("gone", ["not-found page", "redirect home", "redirect to a not-found page"])
def test_soft_404_at_revisit_is_a_tombstone_not_a_version(tmp_path, mirror, gone):
    archive = tmp_path / "a.sqlite"
    crawl(archive, mirror, *FIRST)
    (title, body) = query(archive, "SELECT title, body FROM articles WHERE canonical_url = ?", (LATER,))[0]
    not_found = ('<html><head><meta charset="utf-8"><title>页面不存在</title></head><body>'
                 '<p>您访问的页面不存在！</p><a href="/">返回首页</a></body></html>').encode()
    if gone == "not-found page":
        _file(mirror, LATER).write_bytes(not_found)
    elif gone == "redirect home":
        sidecar(mirror, LATER, 302, Location=f"{B}/")
    else:
        _file(mirror, f"{B}/error/404.shtml").parent.mkdir(parents=True)
        _file(mirror, f"{B}/error/404.shtml").write_bytes(not_found)
        sidecar(mirror, LATER, 302, Location=f"{B}/error/404.shtml")
    crawl(archive, mirror, *SECOND)
    assert versions(archive, LATER) == [(1, 1)]
    (row,) = query(archive, "SELECT title, body, removed_at IS NOT NULL FROM articles WHERE canonical_url = ?", (LATER,))
    assert row == (title, body, 1)
    assert query(archive, "SELECT reason FROM failures WHERE url = ?", (LATER,)) == [("soft 404",)]
    assert query(archive, "SELECT COUNT(*) FROM articles WHERE title LIKE '%页面不存在%'") == [(0,)]
