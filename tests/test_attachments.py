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
