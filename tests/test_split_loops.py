"""A split article whose pager or redirects lead back to a page already read is never archived doubled.

Replay crawls of a copy of the mirror: page 2 links "下一页" back to page 1, or
page 2 redirects to page 1, or the pager never ends.
"""

from __future__ import annotations

import pytest

from .crawl import query
from .test_incomplete_and_gone import FAST, PAGE2, SPLIT, _file, crawl, mirror, page2_text, sidecar  # noqa: F401

PAGER2 = '<a href="1630015.shtml">上一页</a>'


def _body(archive):
    return query(archive, "SELECT body FROM articles WHERE canonical_url = ?", (SPLIT,))


@pytest.mark.reliability("split article: page 2's 下一页 points back to page 1", "archived once, page 1 not repeated",
                         group="integrity")
def test_next_link_back_to_page_1_ends_the_article(tmp_path, mirror):
    archive = tmp_path / "a.sqlite"
    page2 = _file(mirror, PAGE2)
    html = page2.read_text("utf-8")
    assert PAGER2 in html
    page2.write_text(html.replace(PAGER2, '<a href="1630015.shtml">下一页</a>'), "utf-8")
    crawl(archive, mirror, *FAST)
    ((body,),) = _body(archive)
    first = body.split("\n\n")[0]
    assert body.count(first) == 1, body[:300]
    assert page2_text() in body


@pytest.mark.reliability("split article: page 2 redirects to page 1", "a failure (incomplete), no version",
                         group="integrity")
def test_page_2_redirecting_to_page_1_is_incomplete(tmp_path, mirror):
    archive = tmp_path / "a.sqlite"
    sidecar(mirror, PAGE2, 302, Location=SPLIT)
    crawl(archive, mirror, *FAST)
    assert _body(archive) == []
    ((reason,),) = query(archive, "SELECT reason FROM failures WHERE url = ?", (SPLIT,))
    assert reason.startswith("incomplete: page 2")


@pytest.mark.reliability("split article: a pager that never ends (page N links page N+1 forever)",
                         "a failure (incomplete), no truncated version", group="integrity")
def test_endless_pager_is_incomplete_not_truncated(tmp_path, mirror):
    archive = tmp_path / "a.sqlite"
    page2 = _file(mirror, PAGE2)
    html = page2.read_text("utf-8").replace(PAGER2, '<a href="1630015_3.shtml">下一页</a>')
    for n in range(2, 40):
        _file(mirror, PAGE2.replace("_2", f"_{n}")).write_text(
            html.replace("1630015_3.shtml", f"1630015_{n + 1}.shtml").replace(page2_text(), f"第{n}页的正文内容。" * 5),
            "utf-8")
    crawl(archive, mirror, *FAST)
    assert _body(archive) == []
    ((reason,),) = query(archive, "SELECT reason FROM failures WHERE url = ?", (SPLIT,))
    assert reason.startswith("incomplete")
