"""The generic-extraction corpus: a valid manifest, and scorer checks that catch what they should."""

from __future__ import annotations

import hashlib
import subprocess
import json
import re
from pathlib import Path

import pytest

from benchmarks import generic_corpus as gc

PAGES = gc.load_manifest()
#: the held-out pages: the same record format, scored separately, never tuned on
HOLDOUT = gc.load_manifest(gc.HOLDOUT)
FIELDS = ("file", "site", "url", "source", "licence", "sha256", "expected")
#: GeneralNewsExtractor's own test pages are the held-out set: no page may come from it or a copy
GNE_REPO = re.compile(r"generalnewsextractor|/gne$", re.I)


def test_manifest_size_and_sites():
    assert len(PAGES) >= 60
    assert len({p["site"] for p in PAGES}) >= 25


def test_holdout_size_and_no_page_shared_with_the_corpus():
    assert len(HOLDOUT) >= 20
    assert len({p["site"] for p in HOLDOUT}) >= 10
    files = [p["file"] for p in HOLDOUT]
    assert len(files) == len(set(files)) and len({p["sha256"] for p in HOLDOUT}) == len(HOLDOUT)
    assert not {p["sha256"] for p in HOLDOUT} & {p["sha256"] for p in PAGES}
    sources = {(p["source"]["repository"], p["source"]["path"]) for p in PAGES}
    assert not [p["file"] for p in HOLDOUT if (p["source"]["repository"], p["source"]["path"]) in sources]
    assert not set(files) & {p["file"] for p in PAGES}


@pytest.mark.parametrize("page", PAGES + HOLDOUT, ids=[p["file"] for p in PAGES + HOLDOUT])
def test_manifest_record(page):
    assert set(FIELDS) <= set(page)
    assert re.fullmatch(r"[a-z0-9-]+-\d+\.html", page["file"])
    assert set(page["source"]) == {"repository", "path", "commit"}
    assert re.fullmatch(r"[0-9a-f]{40}", page["source"]["commit"])
    assert not GNE_REPO.search(page["source"]["repository"])
    assert "generalnewsextractor" not in page["source"]["path"].lower()
    assert re.fullmatch(r"[0-9a-f]{64}", page["sha256"])
    expected = page["expected"]
    assert set(expected) == {"title", "published", "first_sentence", "last_sentence"}
    assert expected["title"].strip() and expected["first_sentence"].strip() and expected["last_sentence"].strip()
    assert expected["published"] is None or re.fullmatch(r"(19|20)\d\d-\d\d-\d\d", expected["published"])
    assert page["url"] is None or page["url"].startswith(("http://", "https://"))


def test_manifest_files_unique():
    files = [p["file"] for p in PAGES]
    assert len(files) == len(set(files))
    assert len({p["sha256"] for p in PAGES}) == len(PAGES)


def _mirror_with_one_page(tmp_path, body: bytes) -> tuple[Path, str]:
    """A git mirror laid out as --materialise expects (MIRRORS/owner+name/repo), holding one page; its commit."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "pages").mkdir()
    (work / "pages" / "a.html").write_bytes(body)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(work)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "page"], check=True)
    commit = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
    mirrors = tmp_path / "mirrors"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(mirrors / "someone+pages" / "repo")], check=True)
    return mirrors, commit


def _record(commit: str, body: bytes, sha256: str | None = None) -> dict:
    record = dict(PAGES[0])
    record.update(file="a-1.html", source={"repository": "someone/pages", "path": "pages/a.html", "commit": commit},
                  sha256=sha256 or hashlib.sha256(body).hexdigest())
    return record


def test_materialise_copies_the_page_of_the_manifest_from_its_mirror(tmp_path, capsys):
    body = "<html><head><meta charset=gbk></head><body><p>正文</p></body></html>".encode("gbk")
    mirrors, commit = _mirror_with_one_page(tmp_path, body)
    manifest = tmp_path / "corpus.json"
    manifest.write_text(json.dumps({"pages": [_record(commit, body)]}), "utf-8")
    out = tmp_path / "pages"
    assert gc.main(["--manifest", str(manifest), "--pages", str(out), "--materialise", str(mirrors)]) == 0
    assert (out / "a-1.html").read_bytes() == body  # the bytes as committed: encoding kept
    assert gc.read_page(_record(commit, body), out) == body


def test_materialise_refuses_a_page_whose_sha256_differs(tmp_path, capsys):
    body = b"<html><body><p>page</p></body></html>"
    mirrors, commit = _mirror_with_one_page(tmp_path, body)
    manifest = tmp_path / "corpus.json"
    manifest.write_text(json.dumps({"pages": [_record(commit, body, sha256="0" * 64)]}), "utf-8")
    out = tmp_path / "pages"
    assert gc.main(["--manifest", str(manifest), "--pages", str(out), "--materialise", str(mirrors)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error:") and "not the page of the manifest" in err and len(err.splitlines()) == 1
    assert not (out / "a-1.html").exists()


def test_missing_page_is_an_error(tmp_path, capsys):
    manifest = tmp_path / "corpus.json"
    manifest.write_text(json.dumps({"pages": PAGES[:1]}), "utf-8")
    assert gc.main(["--manifest", str(manifest), "--pages", str(tmp_path / "none"), "--tool", "gne"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: page ") and "missing" in err and "Traceback" not in err


def test_altered_page_is_an_error(tmp_path, capsys):
    manifest = tmp_path / "corpus.json"
    manifest.write_text(json.dumps({"pages": PAGES[:1]}), "utf-8")
    (tmp_path / PAGES[0]["file"]).write_bytes(b"<html><body>not it</body></html>")
    assert gc.main(["--manifest", str(manifest), "--pages", str(tmp_path), "--tool", "gne"]) == 2
    assert "sha256" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["--tool", "readability"], "unknown tool"),
    (["--page", "no-such-page-9"], "no page"),
])
def test_bad_option_is_an_error(argv, message, capsys):
    assert gc.main(argv) == 2
    assert message in capsys.readouterr().err


BODY = ["记者从上海获悉，新线今天开通。", "全线共设站点十二座。", "市民表示出行更方便了。"]


@pytest.mark.parametrize("paragraphs, passes", [
    (BODY, True),
    # a trailing editor line and a source line are credit lines
    (BODY + ["（责任编辑：王五）", "来源：新华网"], True),
    # runs on into a list of other headlines
    (BODY + ["相关新闻", "地铁三号线二期工程启动", "本市公交线网优化调整", "延伸阅读：去年新开通线路一览"], False),
    # runs on into a copyright line
    (BODY + ["Copyright © 2005 Sohu.com Inc. All rights reserved. 搜狐公司 版权所有"], False),
    # runs on into another story's first lines
    (BODY + ["另据报道，本市今年还将新建公园十座。"], False),
    # stops early
    (BODY[:2], False),
    ([], False),
])
def test_last_sentence_check(paragraphs, passes):
    assert gc.last_ok("市民表示出行更方便了。", paragraphs) is passes


@pytest.mark.parametrize("paragraphs, passes", [
    (BODY, True),
    # the sentence inside a longer first paragraph, with a dateline before it
    (["新华社上海5月1日电 记者从上海获悉，新线今天开通。全线共设站点十二座。"], True),
    # a byline and a photo caption before the prose
    (["本报记者 张三", "图为新线列车", *BODY], True),
    # starts with the breadcrumb and the whole page
    (["您所在的位置：首页 > 快讯 > 正文 新线今天开通 2024-05-01 来源：本站", *BODY], False),
    # starts with a promotion block
    (["扫码关注我们的公众号，每天推送最新资讯，欢迎转发。", *BODY], False),
    # starts late: the first sentence is missing
    (BODY[1:], False),
])
def test_first_sentence_check(paragraphs, passes):
    assert gc.first_ok("记者从上海获悉，新线今天开通。", paragraphs) is passes


@pytest.mark.parametrize("expected, got, passes", [
    ("新线今天开通", "新线今天开通", True),
    ("新线 今天开通", "新线今天开通 ", True),  # whitespace aside
    ("新线今天开通", "新线今天开通_上海频道_新华网", False),  # a site suffix left on
    ("新线今天开通", "新华网", False),  # the site name instead of the headline
    ("新线今天开通", None, False),
])
def test_title_check(expected, got, passes):
    assert gc.title_ok(expected, got) is passes


@pytest.mark.parametrize("expected, got, passes", [
    ("2024-05-01", "2024-05-01 10:30:00", True),
    ("2024-05-01", "2024年5月1日 10:30", True),
    ("2024-05-01", "２０２４年０５月０１日", True),  # full-width digits
    ("2024-05-01", "2024/5/1", True),
    ("2024-05-01", "2024-05-02", False),  # another day
    ("2024-05-01", None, False),
    (None, None, True),  # a page that shows no date expects none
    (None, "2024-05-01", False),
])
def test_date_check(expected, got, passes):
    assert gc.date_ok(expected, got) is passes


def test_report_lists_totals_and_misses():
    good = {"ok": dict.fromkeys(gc.CHECKS, True), "title": "新线今天开通", "published": "2024-05-01",
            "first": "记者从上海获悉", "last": "更方便了。", "paragraphs": 3, "error": None}
    bad = dict(good, ok={"title": False, "date": True, "first": True, "last": True}, title="新华网")
    rows = [{"file": "a-1.html", "site": "甲", "tools": {"gne": good}},
            {"file": "b-1.html", "site": "乙", "tools": {"gne": bad}}]
    assert gc.totals(rows, ("gne",))["gne"] == {"title": 1, "date": 2, "first": 2, "last": 2, "all": 7}
    from io import StringIO
    out = StringIO()
    gc.print_report(rows, ("gne",), out)
    text = out.getvalue()
    assert "2 pages, 2 sites" in text and "7/8" in text
    assert "b-1.html" in text and "'新华网'" in text and "a-1.html" not in text.split("missed")[1]
    doc = gc.render_doc({"command": "python -m benchmarks.generic_corpus", "versions": {"gne": "0.4.3"},
                         "tools": ["gne"], "totals": gc.totals(rows, ("gne",)), "pages": rows})
    assert "| gne | 1/2 | 2/2 | 2/2 | 2/2 | 7/8 (87.5%) |" in doc and "| b-1.html | 乙 | ✗✓✓✓ |" in doc


def test_holdout_run_writes_its_own_results_and_doc(tmp_path):
    """A full run of holdout.json never overwrites the corpus' results or doc; another manifest writes nothing."""
    assert gc.outputs(gc.MANIFEST) == (gc.RESULTS, gc.DOC)
    results, doc = gc.outputs(gc.HOLDOUT)
    assert results.name == "generic_holdout.json" and doc.name == "generic-holdout.md"
    assert gc.outputs(tmp_path / "holdout.json") is None
