"""Portals that differ from the built-in assumptions: discover, then crawl with the portal file it wrote.

The mirrors and their hand-written expectations are fixtures/variant-*/ (made by
fixtures/variants/build.py and more.py from fixtures/variants/articles.py).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from g60crawler import normalize

from .conftest import HOST, ROOT, SITE, SITE_V3
from .crawl import run_crawl

VARIANTS = ("mainhost", "trs", "redesign", "nested", "xinhua", "jsp", "hanweb", "jspager", "column")
#: Variants whose article template no selector set knows: read by the generic extractor.
UNKNOWN_TEMPLATE = frozenset({"redesign", "nested", "xinhua", "jsp", "hanweb", "jspager", "column"})
GOAL = 0.95


def expected(variant: str) -> dict:
    return json.loads((ROOT / "fixtures" / f"variant-{variant}" / "expected.json").read_text("utf-8"))


def discover(variant: str, out: Path) -> subprocess.CompletedProcess:
    mirror = ROOT / "fixtures" / f"variant-{variant}"
    return subprocess.run([sys.executable, "-m", "g60crawler.cli", "discover", expected(variant)["root"],
                           "--replay", str(mirror), "-o", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def figures(archive: Path, want: dict, portal_file: Path) -> dict:
    """Share of expected articles archived right (section, title, date, first body sentence), and strays."""
    from g60crawler import portal

    site = portal.load(portal_file)
    with sqlite3.connect(archive) as conn:
        rows = {url: (section, title, published, body) for url, section, title, published, body in conn.execute(
            "SELECT canonical_url, section, title, published, body FROM articles WHERE kind = 'article'")}
    right = 0
    wrong = []
    for art in want["articles"]:
        got = rows.get(normalize.canonical_url(art["url"]))
        ok = (got is not None and got[0] == art["section"] and got[1] == art["title"]
              and (got[2] or "")[:10] == art["date"] and art["body_first_sentence"] in (got[3] or ""))
        right += ok
        if not ok:
            wrong.append((art["url"], got and got[:3]))
    strays = [u for u in rows if not site.in_scope(u)]
    return {"right": right, "expected": len(want["articles"]), "archived": len(rows), "strays": strays,
            "wrong": wrong}


@pytest.fixture(scope="module", params=VARIANTS)
def crawled(request, tmp_path_factory):
    variant = request.param
    tmp = tmp_path_factory.mktemp(variant)
    portal_file = tmp / "portal.toml"
    found = discover(variant, portal_file)
    assert found.returncode == 0, found.stderr + found.stdout
    archive = tmp / "a.sqlite"
    done = run_crawl(archive, f"G60_PORTAL={portal_file}", replay=ROOT / "fixtures" / f"variant-{variant}")
    return variant, portal_file, archive, found, done


def test_discover_writes_a_portal_file_and_reports(crawled):
    variant, portal_file, _archive, found, _done = crawled
    assert portal_file.is_file()
    assert "sections found: 7 of 7" in found.stdout
    assert f"portal file written: {portal_file}" in found.stdout


def test_crawl_with_discovered_portal_reaches_the_goal(crawled):
    variant, portal_file, archive, _found, done = crawled
    want = expected(variant)
    got = figures(archive, want, portal_file)
    print(variant, {k: v for k, v in got.items() if k != "wrong"})
    assert got["right"] / got["expected"] >= GOAL, got["wrong"]
    assert got["strays"] == []


def test_list_entries_carry_the_listed_date(crawled):
    # dates beside, before or after the link, [mm-dd] with the year from the URL, <time>, table cells
    variant, _portal_file, archive, _found, _done = crawled
    want = {normalize.canonical_url(a["url"]): a["date"] for a in expected(variant)["articles"]}
    with sqlite3.connect(archive) as conn:
        listed = {url: (d or "")[:10] for url, d in conn.execute("SELECT url, list_date FROM listings")}
    assert listed == want


def test_discover_records_which_extractor_reads_the_articles(crawled):
    # an unknown template: discover's samples are read by the generic extractor, and the portal file says so
    variant, portal_file, _archive, found, _done = crawled
    from g60crawler import portal

    want = "generic" if variant in UNKNOWN_TEMPLATE else "template"
    text = portal_file.read_text("utf-8")
    assert f'extraction = "{want}"' in text
    assert portal.load(portal_file).extraction == want
    assert f"extraction: {want}" in found.stdout


def test_first_crawl_with_the_discovered_portal_is_healthy(crawled):
    # a generic-read portal's generic share is expected: the first run (and every later one) is green
    variant, _portal_file, _archive, _found, done = crawled
    problems = [line for line in done.stderr.splitlines() if "health check failed" in line]
    assert done.returncode == 0, problems
    assert problems == []


def test_reparse_with_the_discovered_portal_reextracts_every_article(crawled, tmp_path):
    # TRS ids carry an underscore (t20230606_1650001): none may be read as page 1650001 and skipped
    import shutil

    variant, portal_file, archive, _found, _done = crawled
    copy = tmp_path / "a.sqlite"
    shutil.copy(archive, copy)
    with sqlite3.connect(copy) as conn:
        (stored,) = conn.execute("SELECT count(*) FROM articles").fetchone()
    done = subprocess.run([sys.executable, "-m", "g60crawler.cli", "--portal", str(portal_file), "reparse",
                           "--db", str(copy)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{stored} article(s) re-extracted: 0 changed"), done.stdout
    assert "0 skipped" in done.stdout


def test_no_article_of_another_channel(tmp_path):
    # the main host's 新闻 and 财经 articles are linked from every G60 page (top bar, 热点, 相关新闻)
    portal_file = tmp_path / "portal.toml"
    assert discover("mainhost", portal_file).returncode == 0
    archive = tmp_path / "a.sqlite"
    run_crawl(archive, f"G60_PORTAL={portal_file}", replay=ROOT / "fixtures" / "variant-mainhost")
    with sqlite3.connect(archive) as conn:
        urls = [u for (u,) in conn.execute("SELECT canonical_url FROM articles")]
        captured = [u for (u,) in conn.execute("SELECT url FROM captures")]
    assert urls and all("/g60/" in u for u in urls)
    assert not [u for u in captured if "/news/" in u or "/finance/" in u]


@pytest.mark.parametrize("variant", VARIANTS)
def test_default_portal_on_a_variant_is_red_with_the_discover_hint(variant, tmp_path):
    done = run_crawl(tmp_path / "a.sqlite", replay=ROOT / "fixtures" / f"variant-{variant}")
    assert done.returncode == 3, done.stderr[-2000:]
    assert "g60crawler discover" in done.stderr


def test_discovered_templated_portal_stays_red_on_a_template_change(tmp_path):
    # discover on the known template writes extraction = "template": a later redesign is still red
    portal_file = tmp_path / "portal.toml"
    found = subprocess.run([sys.executable, "-m", "g60crawler.cli", "discover", f"http://{HOST}/", "--replay",
                            str(SITE), "-o", str(portal_file)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert found.returncode == 0 and 'extraction = "template"' in portal_file.read_text("utf-8")
    archive = tmp_path / "a.sqlite"
    assert run_crawl(archive, f"G60_PORTAL={portal_file}", replay=SITE).returncode == 0
    done = run_crawl(archive, f"G60_PORTAL={portal_file}", replay=SITE_V3)
    problems = [line for line in done.stderr.splitlines() if "health check failed" in line]
    assert done.returncode == 3 and len(problems) == 1, problems
    assert "generic-fallback share 75%" in problems[0] and "`g60crawler extract PAGE --url URL`" in problems[0]


def test_no_article_of_another_column_on_the_same_host(tmp_path):
    # the host's other channel (column 1300) uses the channel's URL scheme and is listed in a ul.list box of
    # every list page; the path prefix is "/" (sections /col/, articles /art/): only the column id tells
    portal_file = tmp_path / "portal.toml"
    assert discover("column", portal_file).returncode == 0
    archive = tmp_path / "a.sqlite"
    run_crawl(archive, f"G60_PORTAL={portal_file}", replay=ROOT / "fixtures" / "variant-column")
    with sqlite3.connect(archive) as conn:
        urls = [u for (u,) in conn.execute("SELECT canonical_url FROM articles WHERE kind = 'article'")]
    assert len(urls) == len(expected("column")["articles"])
    assert [u for u in urls if "art_1300_" in u] == []
