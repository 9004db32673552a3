"""Removal from a list is inferred only from neighbours: a pinned old entry causes no revisit storm.

A small synthetic section (g60zx) is crawled from a mirror in a temporary folder: one list page,
newest first, with articles dated in October 2024; then the list page changes and is crawled again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import HOST
from .crawl import last_run_stats, query, run_crawl

B = f"http://{HOST}"
ARTICLE = ('<html><head><meta charset="utf-8"><title>{t}_G60资讯</title></head><body>'
           '<h1 id="article-content-title">{t}</h1><div class="article-detail-inner"><p>{t}的正文，第{n}篇。</p>'
           '</div></body></html>')
LIST = ('<html><head><meta charset="utf-8"><title>G60资讯</title></head><body><ul class="list-news">{items}</ul>'
        '</body></html>')
PINNED = (f"{B}/g60zx/2020/0101/1700000.shtml", "2020-01-01")  # 置顶: an old entry kept at the top


def article(n: int) -> tuple[str, str]:
    return f"{B}/g60zx/2024/10{n:02d}/17000{n:02d}.shtml", f"2024-10-{n:02d}"


def write_site(root: Path, entries: list[tuple[str, str]]) -> None:
    """A list page showing these entries in order, and every article page (never deleted)."""
    items = ""
    for url, date in entries:
        items += f'<li><a href="{url}">文章{url[-12:-6]}</a><span class="date">{date}</span></li>'
        page = root / url.split("://", 1)[1]
        if not page.exists():
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(ARTICLE.format(t=f"文章{url[-12:-6]}", n=url[-8:-6]), "utf-8")
    (root / HOST / "g60zx").mkdir(parents=True, exist_ok=True)
    (root / HOST / "g60zx" / "index.shtml").write_text(LIST.format(items=items), "utf-8")


def crawl(archive: Path, root: Path, day: int, *settings: str) -> dict:
    done = run_crawl(archive, f"G60_NOW=2024-11-{day:02d}T12:00:00+08:00", "G60_REVISIT_DAYS=400", *settings,
                     replay=root, args=("sections=g60zx",))
    assert done.returncode == 0, done.stderr[-3000:]
    return last_run_stats(archive)


@pytest.fixture
def first(tmp_path):
    """A first run over the pinned entry and twelve articles, newest first."""
    root, archive = tmp_path / "site", tmp_path / "a.sqlite"
    write_site(root, [PINNED] + [article(n) for n in range(12, 0, -1)])
    crawl(archive, root, 1)
    assert query(archive, "SELECT COUNT(*) FROM articles") == [(13,)]
    return root, archive


def test_pinned_old_entry_causes_no_revisit(first):
    root, archive = first
    # three new articles push the oldest three off the page (to page 2, not shown here); the pin stays
    new = [(f"{B}/g60zx/2024/1030/18000{n}.shtml", "2024-10-30") for n in range(3)]
    write_site(root, [PINNED] + new + [article(n) for n in range(12, 3, -1)])
    stats = crawl(archive, root, 2)
    assert stats.get("g60/revisits/vanished_from_list", 0) == 0
    assert stats["downloader/request_count"] == 1 + 1 + 3  # robots.txt, the list, the new articles


def test_removal_between_present_neighbours_is_revisited(first):
    root, archive = first
    write_site(root, [PINNED] + [article(n) for n in range(12, 0, -1) if n != 7])
    stats = crawl(archive, root, 2)
    assert stats["g60/revisits/vanished_from_list"] == 1
    assert stats["downloader/request_count"] == 1 + 1 + 1  # robots.txt, the list, 1700007
    (last_fetched,) = query(archive, "SELECT MAX(last_fetched) FROM captures WHERE url = ?", (article(7)[0],))[0]
    assert last_fetched.startswith("2024-11-02")


def test_vanished_revisits_are_capped(first):
    root, archive = first
    write_site(root, [PINNED] + [article(n) for n in range(12, 0, -1) if n not in (3, 5, 6, 9)])
    stats = crawl(archive, root, 2, "G60_MAX_VANISHED_REVISITS=2")
    assert stats["g60/revisits/vanished_from_list"] == 2
    assert stats["g60/revisits/vanished_over_limit"] == 2
