"""Attachments: the size limit, and what `show` and `export` say about them."""

from __future__ import annotations

import json

from click.testing import CliRunner

from g60crawler.cli import main

from .conftest import HOST, SITE
from .crawl import query, run_crawl

POLICY = f"http://{HOST}/zcfw/2023/1120/1631017.shtml"


def test_attachment_over_the_limit_is_recorded_as_skipped_with_its_size(tmp_path):
    archive = tmp_path / "a.sqlite"
    done = run_crawl(archive, "G60_ATTACHMENT_MAXSIZE=1000", replay=SITE, args=("sections=zcfw,zcnx",))
    assert done.returncode == 0, done.stderr[-2000:]
    rows = query(archive, "SELECT name, status, size, reason, sha256 IS NOT NULL FROM article_attachments ORDER BY url")
    assert rows == [
        ("关于印发《长三角G60科创走廊科技成果转化示范项目管理办法》的通知.pdf", "stored", 751, None, 1),
        ("2023年度长三角G60科创走廊科技成果转化示范项目申报书.doc", "stored", 375, None, 1),
        ("2023年度科技成果转化示范项目汇总表.xlsx", "skipped", 1750, "too large", 0),
        ("公开招聘工作人员报名表.docx", "skipped", 1185, "too large", 0),
    ]
    assert len(list((tmp_path / "attachments").rglob("*.*"))) == 2  # only what was kept is on disk

    shown = CliRunner().invoke(main, ["show", POLICY, "--db", str(archive)]).output
    assert "attachment:   2023年度科技成果转化示范项目汇总表.xlsx" in shown
    assert "skipped: too large (1750 bytes)" in shown
    assert "751 bytes, application/pdf, sha256 " in shown

    exported = CliRunner().invoke(main, ["export", "--format", "jsonl", "--attachments", "--section", "zcfw",
                                         "--db", str(archive)]).stdout
    by_url = {json.loads(line)["canonical_url"]: json.loads(line) for line in exported.splitlines()}
    paths = by_url[POLICY]["attachment_paths"]
    assert len(paths) == 2 and all((tmp_path / p).is_file() for p in paths)


def test_attachments_are_not_fetched_when_switched_off(tmp_path):
    archive = tmp_path / "a.sqlite"
    assert run_crawl(archive, "G60_ATTACHMENTS=False", replay=SITE, args=("sections=zcfw",)).returncode == 0
    assert query(archive, "SELECT COUNT(*) FROM article_attachments") == [(0,)]
    # the links are still part of the article
    (attachments,) = query(archive, "SELECT attachments FROM articles WHERE canonical_url = ?", (POLICY,))[0]
    assert len(json.loads(attachments)) == 3


def test_an_attachment_that_cannot_be_written_stops_the_crawl(tmp_path):
    archive = tmp_path / "a.sqlite"
    (tmp_path / "attachments").write_text("a file where the attachments folder goes")
    done = run_crawl(archive, "G60_ARCHIVE_BATCH=2", replay=SITE, args=("sections=zcfw,g60zx",))
    assert done.returncode == 4, done.stderr[-2000:]
    errors = [line for line in done.stderr.splitlines() if " ERROR: " in line]
    assert len(errors) == 1 and "archive write failed, stopping the crawl: cannot write attachment" in errors[0]
    assert "Traceback" not in done.stderr and "Error processing" not in done.stderr
    # the policy article with attachments was rolled back with its batch, never kept without them
    assert query(archive, "SELECT COUNT(*) FROM article_urls WHERE url = ?", (POLICY,)) == [(0,)]
    assert query(archive, "SELECT COUNT(*) FROM article_attachments") == [(0,)]
    # the run's counts are what the archive holds
    run = query(archive, "SELECT articles_new, duplicates, failures, exit_code FROM crawl_runs")
    articles = query(archive, "SELECT COUNT(*) FROM articles")[0][0]
    urls = query(archive, "SELECT COUNT(*) FROM article_urls")[0][0]
    failures = query(archive, "SELECT COALESCE(SUM(times), 0) FROM failures")[0][0]
    assert run == [(articles, urls - articles, failures, 4)]


def test_no_attachment_row_points_at_a_missing_file(tmp_path):
    archive = tmp_path / "a.sqlite"
    assert run_crawl(archive, replay=SITE, args=("sections=zcfw",)).returncode == 0
    paths = [p for (p,) in query(archive, "SELECT path FROM attachment_files")]
    assert paths and all((tmp_path / p).is_file() for p in paths)
