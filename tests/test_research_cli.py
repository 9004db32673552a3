"""The researchers' commands through click's CliRunner, against an archive built by a replay crawl."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest
from click.testing import CliRunner

from g60crawler.cli import main

from .conftest import HOST
from .cli_runner import run
from .expectations import EXPECTED, truth

SEED = f"http://{HOST}/g60zx/2023/0606/1630012.shtml"


def test_search_table(db):
    result = run("search", "长三角一体化", "--db", db)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].endswith("] 长三角一体化发展成果发布会在合肥举行")
    assert lines[1].split() == ["2023-06-06", "g60zx", "倪珺", SEED]
    assert "**长三角一体化**" in lines[2]
    assert lines[-1] == "2 article(s)"


def test_search_json_and_csv(db):
    as_json = json.loads(run("search", "合肥", "--section", "zcfw", "--format", "json", "--db", db).output)
    assert {h["title"] for h in as_json} == {"合肥高新区发布支持G60科创走廊产业协同发展十条政策",
                                             "G60科创走廊九城市联合出台科技成果转化若干措施",
                                             "关于开展2023年度长三角G60科创走廊科技成果转化示范项目申报工作的通知"}
    assert all("zcfw" in h["sections"] for h in as_json)
    rows = list(csv.reader(io.StringIO(run("search", "合肥", "--section", "zcfw", "--format", "csv", "--db", db).output)))
    assert rows[0] == ["id", "published", "sections", "title", "editor", "cities", "url", "snippet"]
    assert len(rows) == 1 + 3


def test_search_nothing_and_bad_query(db):
    assert run("search", "不存在的词语", "--db", db).output == "no article matches\n"
    result = run("search", '"', "--db", db)
    assert result.exit_code == 1
    assert result.output == "Error: nothing to search for: the query has no letters, digits or Chinese characters\n"
    result = run("search", "合肥", "--since", "yesterday", "--db", db)
    assert result.exit_code == 1 and "--since must be a date like 2023" in result.output


def test_show_by_url_and_id(db):
    result = run("show", SEED, "--db", db)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "title:        长三角一体化发展成果发布会在合肥举行" in out
    assert "sections:     g60zx" in out and "editor:       倪珺" in out and "cities:       杭州, 合肥" in out  # 杭州亚(残)运会
    assert "摘要：6月6日上午,长三角一体化发展成果发布会在合肥举行。" in out
    assert "  1  seen " in out and "(current)" in out
    article_id = json.loads(run("show", SEED, "--format", "json", "--db", db).output)["id"]
    assert run("show", article_id, "--db", db).output == out
    missing = run("show", "999999", "--db", db)
    assert missing.exit_code == 1 and missing.output == "Error: no article '999999' in the archive\n"


def test_show_lists_urls_of_a_redirected_article(db):
    data = json.loads(run("show", f"http://{HOST}/zcnx/2024/0105/1632051.shtml", "--format", "json", "--db", db).output)
    assert data["urls"] == [f"http://{HOST}/zcnx/2024/0105/1632051.shtml", f"http://{HOST}/zcnx/2024/0105/1632052.shtml"] \
        or sorted(data["urls"]) == data["urls"]
    assert set(data["urls"]) == {f"http://{HOST}/zcnx/2024/0105/1632051.shtml", f"http://{HOST}/zcnx/2024/0105/1632052.shtml"}


def test_stats_by_section(db):
    result = run("stats", "--by", "section", "--format", "json", "--db", db)
    counts = {r["section"]: r["articles"] for r in json.loads(result.output)}
    # g60zx lists 10 of its own + 1 from sjxw; jcfc and zcfw share the republished article;
    # zcfw's empty page failed; 关于我们 is a page, not an article
    assert counts == {"g60zx": 11, "sjxw": 8, "jcfc": 8, "zcfw": 7, "cytz": 7, "zcnx": 7}


def test_stats_by_month_and_city_table(db):
    by_month = dict((r["month"], r["articles"]) for r in
                    json.loads(run("stats", "--by", "month", "--section", "zcfw", "--format", "json", "--db", db).output))
    assert by_month == {"2023-04": 1, "2023-06": 1, "2023-08": 1, "2023-11": 1, "2024-03": 1, "2024-07": 1, "2024-09": 1}
    table = run("stats", "--by", "city", "--db", db).output.splitlines()
    assert table[0].split() == ["city", "articles"]
    assert table[1].split()[0] == "松江"


def test_export_csv_opens_in_a_spreadsheet(db, tmp_path):
    out = tmp_path / "hefei.csv"
    result = run("export", "--format", "csv", "--query", "合肥", "--since", "2023", "-o", out, "--db", db)
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads Chinese right
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    expected = {u for u in truth("合肥") if EXPECTED[u]["published"] >= "2023"}
    assert len(expected) == 12  # of the 13 fixture articles about 合肥, one is from 2022
    assert len(rows) == 12 and all("合肥" in r["title"] + r["summary"] + r["body"] for r in rows)
    assert all(r["published"] >= "2023" for r in rows)
    assert "12 article(s) exported" in result.output


def test_export_jsonl_to_stdout(db):
    result = run("export", "--format", "jsonl", "--section", "sjxw", "--db", db)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 8
    assert all("sjxw" in item["sections"] for item in lines)
    assert isinstance(lines[0]["images"], list) and isinstance(lines[0]["cities"], list)
    assert [item["published"] for item in lines] == sorted(item["published"] for item in lines)


def test_reparse_changes_only_what_the_extraction_changes(db):
    first = run("reparse", "--db", db)
    assert first.output.startswith("47 article(s) re-extracted: 0 changed (new version), 47 unchanged")
    # make the archive look as if an older extractor had missed the seed article's editor
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET editor = NULL, content_hash = 'older' WHERE canonical_url = ?", (SEED,))
    second = run("reparse", "--db", db)
    assert second.output.startswith("47 article(s) re-extracted: 1 changed (new version), 46 unchanged")
    data = json.loads(run("show", SEED, "--format", "json", "--db", db).output)
    assert data["editor"] == "倪珺" and data["current_version"] == 2


@pytest.mark.parametrize("command", [["search", "合肥"], ["show", "1"], ["stats"], ["export", "--format", "csv"],
                                     ["reparse"], ["runs"], ["serve"]])
def test_every_command_refuses_a_missing_archive(command, tmp_path):
    result = run(*command, "--db", tmp_path / "nope.sqlite")
    assert result.exit_code == 1
    assert result.output == f"Error: no archive at {tmp_path / 'nope.sqlite'}\n"
    assert not (tmp_path / "nope.sqlite").exists()


@pytest.mark.parametrize("command", ["search", "show", "stats", "export", "reparse", "runs", "serve", "extract", "fixture"])
def test_every_command_has_help_with_an_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output and "g60crawler " + command in result.output


#: 关于我们, a static page of the mirror, mentions 合肥 too: searching articles says it was left out
HEFEI_PAGE = "1 static page also matches: --kind all\n"


def test_search_says_how_many_matched_when_it_stops_at_the_limit(db):
    all_hefei = len(truth("合肥"))
    for fmt in ("table", "json", "csv"):
        result = run("search", "合肥", "--limit", 5, "--format", fmt, "--db", db)
        assert result.exit_code == 0
        assert result.stderr == f"5 of {all_hefei} matching articles shown: --limit 0 shows all\n" + HEFEI_PAGE
        assert "matching articles shown" not in result.stdout
    everything = run("search", "合肥", "--limit", 0, "--db", db)
    assert everything.stdout.splitlines()[-1] == f"{all_hefei} article(s)" and everything.stderr == HEFEI_PAGE
    exact = run("search", "合肥", "--limit", all_hefei, "--db", db)
    assert exact.stderr == HEFEI_PAGE  # all articles shown: only the page left out is said



@pytest.mark.parametrize("limit", [2**63, 99999999999999999999999])
def test_a_limit_past_sqlites_integers_is_a_usage_error(db, limit):
    # a number SQLite cannot bind is out of --limit's range (exit 2, with the usage), not an error from SQLite
    result = run("search", "合肥", "--limit", limit, "--db", db)
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--limit'" in result.stderr and "SQLite" not in result.stderr


def test_the_largest_limit_shows_everything(db):
    result = run("search", "合肥", "--limit", 2**63 - 1, "--db", db)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == f"{len(truth('合肥'))} article(s)" and result.stderr == HEFEI_PAGE


DATE_COMMANDS = [["search", "合肥"], ["stats"], ["export", "--format", "jsonl"], ["export-warc", "-o", "x.warc.gz"]]


@pytest.mark.parametrize("date", ["2023-13", "2023-02-30", "2024-00", "2023-00-10", "2023-06-31", "2023-6", "0000",
                                  "2023-06-06T00:00", "２０２３", "2023-1-1"])
@pytest.mark.parametrize("option", ["--since", "--until"])
@pytest.mark.parametrize("command", DATE_COMMANDS)
def test_impossible_dates_are_refused_by_every_date_option(db, command, option, date):
    result = run(*command, option, date, "--db", db)
    assert result.exit_code == 1 and result.output == (
        f"Error: {option} must be a date like 2023, 2023-06 or 2023-06-06, got {date!r}\n")


@pytest.mark.parametrize("date", ["2024-02-29", "2023-12-31", "2023-12", "2023"])
def test_real_dates_are_accepted(db, date):
    assert run("search", "合肥", "--until", date, "--db", db).exit_code == 0


def example_lines(command) -> list[str]:
    """The lines of a command's examples as its docstring has them (indented paragraphs)."""
    import inspect

    text = inspect.cleandoc(main.commands[command].callback.__doc__ or "")
    return [line.strip() for para in text.split("\n\n") if para.startswith((" ", "\t"))
            for line in para.splitlines() if line.strip()]


@pytest.mark.parametrize("command", sorted(main.commands))
@pytest.mark.parametrize("width", [60, 80, 200])
def test_help_examples_keep_their_line_breaks(command, width):
    lines = example_lines(command)
    assert lines, f"{command} has no example"
    shown = [line.strip() for line in CliRunner().invoke(main, [command, "--help"], terminal_width=width,
                                                         max_content_width=width).output.splitlines()]
    for line in lines:
        assert line in shown  # printed whole, on its own line, as written: copy-paste works
