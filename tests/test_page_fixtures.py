"""Per-page fixtures (fixtures/pages/<name>/, made by `g60crawler fixture`): extraction field by field.

An expectation still marked "_reviewed": false was drafted by the code under
test and nobody has checked it: the test fails until a person has.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from g60crawler import portal
from g60crawler.assemble import build_article
from g60crawler.cli import main
from g60crawler.items import ARTICLE_FIELDS, FailureItem
from g60crawler.pages.article import extract_raw
from g60crawler.pagefixtures import fixture_portal
from g60crawler.pages.decode import content_type

from .conftest import ROOT

PAGES = sorted(p for p in (ROOT / "fixtures" / "pages").iterdir() if p.is_dir())


def load(folder: Path):
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    expected = json.loads((folder / "expected.json").read_text("utf-8"))
    return meta, expected, (folder / "body.bin").read_bytes()


@pytest.mark.parametrize("folder", PAGES, ids=[p.name for p in PAGES])
def test_page_fixture(folder):
    meta, expected, body = load(folder)
    assert expected.get("_reviewed") is True, (
        f"{folder}/expected.json is a draft: check each field against the page, then set \"_reviewed\": true")
    drafted_with = fixture_portal(meta)  # a fixture drafted with --portal FILE records the file
    try:
        portal.activate(drafted_with)
        item = build_article(extract_raw(meta["url"], body, content_type(meta["headers"])))
    finally:
        portal.activate(portal.load())
    if "failure" in expected:
        assert isinstance(item, FailureItem) and item.reason == expected["failure"]
        return
    got = item.public_dict()
    for field in ARTICLE_FIELDS:
        assert got[field] == expected[field], field


def test_fixture_command_writes_an_unreviewed_draft_that_the_suite_refuses(fixture_archive, tmp_path):
    url = "http://g60.chinadevelopment.com.cn/sjxw/2023/0210/1630006.shtml"  # a GBK page
    result = CliRunner().invoke(main, ["fixture", url, "gbk-page", "--into", str(tmp_path), "--db", str(fixture_archive)])
    assert result.exit_code == 0, result.output
    meta, expected, body = load(tmp_path / "gbk-page")
    assert expected["_reviewed"] is False and expected["encoding"] == "gb18030"
    assert meta["url"] == url and meta["status"] == 200
    assert body == (ROOT / "fixtures/site/g60.chinadevelopment.com.cn/sjxw/2023/0210/1630006.shtml").read_bytes()
    with pytest.raises(AssertionError, match="is a draft"):
        test_page_fixture(tmp_path / "gbk-page")
    again = CliRunner().invoke(main, ["fixture", url, "gbk-page", "--into", str(tmp_path), "--db", str(fixture_archive)])
    assert again.exit_code == 1 and "exists already" in again.output


@pytest.mark.parametrize("args, message", [
    (["fixture", "http://g60.chinadevelopment.com.cn/nope.shtml", "x"], "Error: no capture"),
    (["fixture", "1", "Bad Name!"], "Error: fixture name 'Bad Name!'"),
])
def test_fixture_command_errors(fixture_archive, tmp_path, args, message):
    result = CliRunner().invoke(main, [*args, "--into", str(tmp_path), "--db", str(fixture_archive)])
    assert result.exit_code == 1 and result.output.startswith(message)


def test_fixture_from_a_recording(tmp_path):
    site = ROOT / "fixtures" / "site"
    url = "http://g60.chinadevelopment.com.cn/zcnx/2024/1015/1632060.shtml"  # its sidecar gives a charset header
    result = CliRunner().invoke(main, ["fixture", url, "from-recording", "--record-dir", str(site), "--into", str(tmp_path)])
    assert result.exit_code == 0, result.output
    meta, expected, _ = load(tmp_path / "from-recording")
    assert meta["headers"]["Content-Type"] == "text/html; charset=utf-8" and expected["encoding"] == "utf-8"


def test_fixture_drafted_with_a_portal_file_records_it_and_is_read_with_it(tmp_path):
    # a variant's page: its section comes from the variant's portal file, never from the built-in one
    mirror = ROOT / "fixtures" / "variant-mainhost"
    portal_file = tmp_path / "mainhost.toml"
    found = CliRunner().invoke(main, ["discover", "http://www.chinadevelopment.com.cn/g60/", "--replay", str(mirror),
                                      "-o", str(portal_file)])
    assert found.exit_code == 0, found.output
    url = "http://www.chinadevelopment.com.cn/g60/sjxw/2023/0612/1640005.shtml"
    try:
        result = CliRunner().invoke(main, ["--portal", str(portal_file), "fixture", url, "mainhost-page",
                                           "--record-dir", str(mirror), "--into", str(tmp_path)])
    finally:
        portal.activate(portal.load())
    assert result.exit_code == 0, result.output
    meta, expected, _body = load(tmp_path / "mainhost-page")
    assert meta["portal"] == portal_file.read_text("utf-8") and meta["portal_file"] == "mainhost.toml"
    assert expected["section"] == "sjxw"
    expected["_reviewed"] = True
    (tmp_path / "mainhost-page" / "expected.json").write_text(json.dumps(expected, ensure_ascii=False), "utf-8")
    test_page_fixture(tmp_path / "mainhost-page")  # read with the recorded portal: the same section
    assert portal.current().source == "built-in"
    unrecorded = {k: v for k, v in meta.items() if not k.startswith("portal")}
    assert fixture_portal(unrecorded).source == "built-in"
