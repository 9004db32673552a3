"""Hostile input: pages, queries and paths built to break things give a failure or a clean, bounded value."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3

import pytest
from click.testing import CliRunner
from datasette.app import Datasette

from g60crawler.assemble import MAX_NAME, build_article
from g60crawler.cli import main
from g60crawler.items import ArticleItem, FailureItem
from g60crawler.pages.article import extract_raw
from g60crawler.web.metadata import metadata

URL = "http://g60.chinadevelopment.com.cn/g60zx/2024/0101/1234567.shtml"
H = "hostile input"


def page(body: str, title: str = "标题", date: str = "2024-01-01 10:00", editor: str = "责任编辑：倪珺") -> bytes:
    return (f'<html><head><meta charset="utf-8"><title>t</title></head><body><h1 id="article-content-title">{title}</h1>'
            f'<div class="article-infos"><span class="date">{date}</span></div>'
            f'<div class="article-detail-inner">{body}</div><div class="article-editor">{editor}</div></body></html>').encode()


def extract(body: bytes):
    return build_article(extract_raw(URL, body))


@pytest.mark.reliability("scripts, event handlers and javascript: links in the body",
                         "stored text has no markup; no javascript: image or attachment", group=H)
def test_scripts_and_handlers_leave_no_markup():
    item = extract(page('<p onclick="alert(1)">点击<script>alert(2)</script><a href="javascript:alert(3)">链接</a></p>'
                        '<p><img src="javascript:alert(4)" onerror="alert(5)"></p>'
                        '<p><a href="javascript:void(0)//x.pdf">附件.pdf</a></p><style>p{}</style>'))
    assert isinstance(item, ArticleItem)
    stored = " ".join(str(v) for v in item.public_dict().values())
    for needle in ("<", "alert", "onclick", "onerror", "javascript:"):
        assert needle not in item.body
    assert "javascript:" not in stored
    assert item.images == [] and item.attachments == []


@pytest.mark.reliability("a 10 MB article page", "extracted, body bounded by the page", group=H)
def test_ten_megabyte_article():
    para = "<p>" + "长三角G60科创走廊" * 30 + "</p>"
    body = page(para * (10_000_000 // len(para.encode())))
    assert len(body) > 9_900_000
    item = extract(body)
    # every paragraph's text, nothing more (characters compared with characters)
    assert isinstance(item, ArticleItem)
    assert item.body == "\n\n".join(["长三角G60科创走廊" * 30] * (10_000_000 // len(para.encode())))


@pytest.mark.reliability("20,000 nested <div> and 50,000 nested <span>",
                         "no RecursionError: a recorded failure or a clean body", group=H)
@pytest.mark.parametrize("body", ["<div>" * 20000 + "<p>深处。</p>" + "</div>" * 20000,
                                  "<p>" + "<span>" * 50000 + "深处" + "</span>" * 50000 + "</p>"])
def test_deep_nesting(body):
    item = extract(page(body))
    # past the parser's depth limit the text is not reached: a "no body" failure, or else exactly that text
    outcome = item.reason if isinstance(item, FailureItem) else item.body
    assert outcome in ("no body", "深处。" if "<div>" in body else "深处")


@pytest.mark.reliability("NUL bytes, invalid UTF-8 and a GBK tail in a UTF-8 page",
                         "decoded as UTF-8 with replacements, control characters removed", group=H)
def test_nul_and_invalid_utf8():
    body = page("<p>正文\x00含有\x07控制符。</p><p>坏字节XX在此。</p>").replace(b"XX", b"\xff\xfe")
    body += "<p>GBK 段落</p>".encode("gbk")
    item = extract(body)
    assert item.encoding == "utf-8"
    assert "\x00" not in item.body and "\x07" not in item.body
    assert item.body.startswith("正文含有控制符。")


@pytest.mark.reliability("a date like 2099年13月45日", "no date taken from it (the URL's date instead)", group=H)
@pytest.mark.parametrize("date", ["2099年13月45日", "2023-02-30 25:61", "9999-99-99"])
def test_impossible_dates(date):
    assert extract(page("<p>正文。</p>", date=date)).published == "2024-01-01"


@pytest.mark.reliability("a title of 5,000 characters", "recorded failure: implausible title", group=H)
def test_absurd_title():
    item = extract(page("<p>正文。</p>", title="长" * 5000))
    assert isinstance(item, FailureItem) and item.reason == "implausible title"


@pytest.mark.reliability("an editor line of 2,000 characters", "no editor rather than a paragraph as a name", group=H)
def test_absurd_editor():
    item = extract(page("<p>正文。</p>", editor="责任编辑：" + "某" * 2000))
    assert item.editor is None or len(item.editor) <= MAX_NAME


# ------------------------------------------------------------------ the web view and the CLI

@pytest.fixture
def db(fixture_archive, tmp_path):
    path = tmp_path / "g60.sqlite"
    shutil.copy(fixture_archive, path)
    with sqlite3.connect(path) as conn:  # a title as a hostile page could make it: markup as text
        conn.execute("UPDATE articles SET title = '<script>alert(1)</script><img src=x onerror=alert(2)>' "
                     "WHERE canonical_url LIKE '%1630012.shtml'")
    return path


@pytest.mark.reliability("markup stored as text shown in the web view", "escaped everywhere", group=H)
def test_web_view_escapes_everything(db):
    ds = Datasette([str(db)], metadata=metadata("g60"))

    async def html(path):
        response = await ds.client.get(path)
        assert response.status_code == 200
        return response.text

    for path in ("/g60/articles?_search=x&title__contains=script", "/g60/articles?title__contains=script",
                 "/g60/search?q=%E5%90%88%E8%82%A5"):
        text = asyncio.run(html(path))
        assert "<script>alert(1)</script>" not in text and "<img src=x onerror" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in asyncio.run(html("/g60/articles?title__contains=script"))


@pytest.mark.reliability("SQL metacharacters and FTS syntax in every CLI filter; a 100,000-character query",
                         "no injection, no traceback: results, none, or a one-line error", group=H)
@pytest.mark.parametrize("args", [
    ["search", "合肥", "--editor", "x' OR '1'='1"],
    ["search", "合肥", "--editor", "倪珺\"; DROP TABLE articles; --"],
    ["search", "'; DROP TABLE articles; --"],
    ["search", 'NEAR("合肥" "松江", 2) OR *'],
    ["search", "合肥" * 50000],
    ["search", "合肥", "--since", "2023' OR 1=1 --"],
    ["stats", "--by", "editor", "--editor", "' UNION SELECT sql FROM sqlite_master --"],
    ["export", "--format", "jsonl", "--query", "\" OR 1 --", "--editor", "%"],
    ["show", "1 OR 1=1"],
    ["show", "http://g60.chinadevelopment.com.cn/' OR 1=1 --"],
])
def test_cli_input_cannot_inject(db, args):
    result = CliRunner().invoke(main, [*args, "--db", str(db)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1, 2)  # 2: a query longer than the longest searched
    if result.exit_code:
        assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone() == (47,)
    if "--editor" in args and args[0] in ("search", "stats"):
        assert "倪珺" not in result.output  # a metacharacter never widens a filter


@pytest.mark.reliability("an archive path that is a directory, or a file that is not SQLite",
                         "one-line error, exit status 1", group=H)
@pytest.mark.parametrize("make", ["dir", "text", "zip"])
def test_bad_archive_paths_in_the_cli(tmp_path, make):
    path = tmp_path / "x.sqlite"
    if make == "dir":
        path.mkdir()
    else:
        path.write_bytes(b"just text\n" * 100 if make == "text" else b"PK\x03\x04" + bytes(4000))
    result = CliRunner().invoke(main, ["search", "合肥", "--db", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
