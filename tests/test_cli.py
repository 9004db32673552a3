"""`g60crawler extract` and the crawl's command-line errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from g60crawler.cli import main
from g60crawler.items import ARTICLE_FIELDS

from .conftest import HOST, SITE
from .crawl import query, run_crawl

PAGES = [
    "g60zx/2023/0606/1630012.shtml",  # article-detail, the seed page
    "g60zx/2023/01/1630002.shtml",  # con, GBK declared gb2312
    "cytz/2024/0312/1632008.shtml",  # unknown template: generic extractor
]


@pytest.mark.parametrize("page", PAGES)
def test_extract_prints_the_item_as_json(page):
    path = SITE / HOST / page
    expected = json.loads(path.with_name(path.name + ".expected.json").read_text("utf-8"))
    result = CliRunner().invoke(main, ["extract", str(path), "--url", expected["url"]])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert list(printed) == list(ARTICLE_FIELDS)
    for field in ("title", "published", "editor", "section", "extraction", "encoding"):
        assert printed[field] == expected[field]
    assert "\\u" not in result.output  # UTF-8 text, not escapes


def test_extract_of_an_empty_page_reports_the_failure():
    path = SITE / HOST / "zcfw/2024/0118/1631022.shtml"
    result = CliRunner().invoke(main, ["extract", str(path), "--url", f"http://{HOST}/zcfw/2024/0118/1631022.shtml"])
    assert result.exit_code == 1
    assert json.loads(result.output)["failure"] == "no body"


@pytest.mark.parametrize("args, message", [
    (["extract", "/nonexistent/page.shtml", "--url", "http://x/"], "Error: cannot read /nonexistent/page.shtml"),
    (["extract", str(SITE / HOST / "robots.txt"), "--url", "not-a-url"], "Error: --url must be an absolute"),
])
def test_extract_bad_arguments(args, message):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith(message)


@pytest.mark.parametrize("settings, args, message", [
    ((), ("sections=g60zx,nosuch",), "Error: -a sections: unknown section(s) 'nosuch'"),
    (("G60_REPLAY_DIR=/nonexistent",), (), "Error: G60_REPLAY_DIR '/nonexistent' is not a folder"),
    (("G60_ARCHIVE_BATCH=zero",), (), "Error: G60_ARCHIVE_BATCH must be a number >= 1, got 'zero'"),
    ((), ("full=maybe",), "Error: -a full must be 1 or 0, got 'maybe'"),
    (("G60_NOW=yesterday",), (), "Error: G60_NOW must be an ISO 8601 time, got 'yesterday'"),
    (("G60_REVISIT_DAYS=1,x",), (), "Error: G60_REVISIT_DAYS must be days like 1,7,30"),
])
def test_crawl_usage_errors_are_one_line_and_exit_2(tmp_path, settings, args, message):
    done = run_crawl(tmp_path / "a.sqlite", *settings, replay=None if "G60_REPLAY_DIR" in str(settings) else SITE,
                     args=args)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith(message)
    assert "Traceback" not in done.stderr


def test_crawl_archive_path_that_is_a_directory(tmp_path):
    done = run_crawl(tmp_path, replay=SITE)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == f"Error: G60_ARCHIVE: {tmp_path} is a directory, not an archive file"


def test_sections_argument_limits_the_crawl(tmp_path):
    archive = tmp_path / "a.sqlite"
    done = run_crawl(archive, replay=SITE, args=("sections=sjxw,gywm",))
    assert done.returncode == 0, done.stderr[-2000:]
    # sjxw's 8 articles and the 关于我们 page; nothing of the other sections
    assert query(archive, "SELECT section, COUNT(*) FROM articles GROUP BY section ORDER BY section") == [
        ("gywm", 1), ("sjxw", 8)]


def test_runs_lists_recent_runs(tmp_path):
    archive = tmp_path / "a.sqlite"
    assert run_crawl(archive, replay=SITE, args=("sections=sjxw",)).returncode == 0
    assert run_crawl(archive, replay=SITE, args=("sections=sjxw",)).returncode == 0
    result = CliRunner().invoke(main, ["runs", "--db", str(archive)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["run", "started", "(UTC)", "end", "exit", "fetched", "new", "changed", "same",
                                "304", "dup", "failed", "gone"]
    # newest first: run 2 fetched robots.txt and sjxw's first list page; run 1 all of sjxw
    assert lines[1].split()[0:1] + lines[1].split()[3:] == ["2", "finished", "0", "2", "0", "0", "0", "0", "0", "0", "0"]
    assert lines[2].split()[0:1] + lines[2].split()[3:] == ["1", "finished", "0", "11", "8", "0", "0", "0", "0", "0", "0"]
    as_json = json.loads(CliRunner().invoke(main, ["runs", "--db", str(archive), "--format", "json"]).output)
    assert [r["id"] for r in as_json] == [2, 1] and as_json[0]["problems"] == []


@pytest.mark.parametrize("make, message", [
    (lambda p: None, "Error: no archive at {p}"),
    (lambda p: p.mkdir(), "Error: {p} is a directory, not an archive file"),
    (lambda p: p.write_bytes(b"PK\x03\x04 not sqlite" * 200), "Error: {p} is not a usable archive: file is not a database"),
])
def test_runs_on_a_bad_archive_path(tmp_path, make, message):
    path = tmp_path / "x.sqlite"
    make(path)
    result = CliRunner().invoke(main, ["runs", "--db", str(path)])
    assert result.exit_code == 1
    assert result.output.strip() == message.format(p=path)
