"""import-warc: a WARC read with the wrong portal file says so; a file that is no WARC leaves no archive behind."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from g60crawler.mirror import read_response

from .conftest import HOST, ROOT, SITE
from .test_warc import warc_of

B = f"http://{HOST}"
ARTICLES = ["g60zx/2024/0528/1630031.shtml", "g60zx/2023/0606/1630012.shtml", "jcfc/2023/0921/1631013.shtml"]
LISTS = ["g60zx/", "sjxw/", "jcfc/", "g60zx/index_1.shtml"]


def import_warc(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "g60crawler.cli", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def portal_with_articles(tmp_path: Path, pattern: str) -> Path:
    """The built-in portal file with another article URL pattern (a portal file made for another site)."""
    text = (ROOT / "g60crawler" / "portals" / "default.toml").read_text("utf-8")
    text = re.sub(r"articles = \[\n.*?\n\]", lambda _: f"articles = [\n  '{pattern}',\n]", text, flags=re.S)
    out = tmp_path / "other.toml"
    out.write_text(text, "utf-8")
    return out


def warc(tmp_path: Path, pages: list[str]) -> Path:
    records = []
    for page in pages:
        saved = read_response(SITE, f"{B}/{page}")
        if saved is not None:
            records.append((f"{B}/{page}", "2024-06-01T02:00:00Z", saved.status, saved.headers, saved.body))
    records.append((f"{B}/robots.txt", "2024-06-01T02:00:00Z", 200, {"Content-Type": "text/plain"}, b"User-agent: *"))
    out = tmp_path / "g60.warc.gz"
    out.write_bytes(warc_of(records))
    return out


@pytest.mark.parametrize("pattern", [
    r"^/(?:g60zx|sjxw)/(?P<ym>\d{6})/t(?P<ymd>\d{8})_(?P<id>\d+)(?:_(?P<page>\d+))?\.shtml$",  # TRS
    r"^/art/(?P<year>\d{4})/(?P<month>\d+)/(?P<day>\d+)/art_(?P<id>\d+)\.html$",  # hanweb
])
def test_no_record_matching_the_article_patterns_is_an_error_with_a_hint(tmp_path, pattern):
    done = import_warc("--portal", portal_with_articles(tmp_path, pattern), "import-warc",
                       warc(tmp_path, ARTICLES + LISTS), "--db", tmp_path / "a.sqlite")
    assert done.returncode != 0, done.stdout
    assert "no record matched the portal's article URL patterns" in done.stderr
    assert "--portal FILE" in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) <= 2, done.stderr


def test_few_matching_records_among_many_pages_give_a_hint_only(tmp_path):
    lists = LISTS + ["sjxw/index_1.shtml", "jcfc/index_1.shtml", "zcfw/", "cytz/", "zcnx/", "g60zx/index_2.shtml",
                     "sjxw/index_2.shtml"]
    made = warc(tmp_path, ARTICLES[:1] + lists)
    done = import_warc("import-warc", made, "--db", tmp_path / "a.sqlite")
    assert done.returncode == 0, done.stderr
    assert "1 new" in done.stdout
    assert "article URL patterns" in done.stderr and "--portal FILE" in done.stderr


def test_a_warc_of_articles_gives_no_hint(tmp_path):
    done = import_warc("import-warc", warc(tmp_path, ARTICLES + LISTS[:1]), "--db", tmp_path / "a.sqlite")
    assert done.returncode == 0, done.stderr
    assert "3 new" in done.stdout and done.stderr == ""


@pytest.mark.parametrize("content", [b"myhost\n", b"", b"<html><body>not a warc</body></html>\n" * 50,
                                     b"\x1f\x8b\x08\x00garbage"])
def test_a_file_that_is_not_a_warc_creates_no_archive_and_no_lock(tmp_path, content):
    bad = tmp_path / "hostname"
    bad.write_bytes(content)
    good = warc(tmp_path, ARTICLES[:1])
    for files in ([bad], [good, bad]):
        db = tmp_path / "new.sqlite"
        done = import_warc("import-warc", *files, "--db", db)
        assert done.returncode != 0
        assert done.stderr.startswith("Error:") and "Traceback" not in done.stderr, done.stderr
        assert str(bad) in done.stderr
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("new")) == []
