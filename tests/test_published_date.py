"""`published_date`: always YYYY-MM-DD when the date is known, in the table, the exports, `show` and the web view."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import shutil
import sqlite3
from datetime import date

import pytest
from click.testing import CliRunner
from datasette.app import Datasette

from g60crawler.archive import schema
from g60crawler.archive.published import published_date
from g60crawler.cli import main

DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def valid_day(value: str) -> bool:
    return bool(DAY.match(value)) and date.fromisoformat(value).isoformat() == value


def check_row(published, day) -> None:
    """published_date is published's day when published starts with a real date, else empty."""
    if published and DAY.match(published[:10]) and valid_day(published[:10]):
        assert day == published[:10], (published, day)
        assert valid_day(day)
    else:
        assert day in (None, ""), (published, day)


@pytest.mark.parametrize("published, expected", [
    ("2023-06-06T14:30:00+08:00", "2023-06-06"),  # a time known: ISO 8601 with the offset
    ("2023-06-06", "2023-06-06"),  # a bare date
    ("2023-06", None),  # a month only: the day is not known
    ("2023", None),
    ("2023-02-30", None),  # not a date
    ("2023-13-01T00:00:00+08:00", None),
    ("", None),
    (None, None),
])
def test_published_date_of(published, expected):
    assert published_date(published) == expected


def test_every_row_of_a_crawl_has_the_day(fixture_archive):
    conn = sqlite3.connect(fixture_archive)
    for table in ("articles", "article_versions"):
        rows = conn.execute(f"SELECT published, published_date FROM {table}").fetchall()
        assert rows and any(p and "T" in p for p, _ in rows) and any(p and len(p) == 10 for p, _ in rows)
        for published, day in rows:
            check_row(published, day)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_exports_carry_a_parsable_day(fixture_archive, fmt):
    result = CliRunner().invoke(main, ["export", "--format", fmt, "--db", str(fixture_archive)])
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    else:
        rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and all("published_date" in r for r in rows)
    for r in rows:
        check_row(r["published"], r["published_date"])
    assert sum(1 for r in rows if r["published_date"]) == sum(1 for r in rows if r["published"])


def test_show_gives_the_day(fixture_archive):
    conn = sqlite3.connect(fixture_archive)
    article_id, published = conn.execute(
        "SELECT id, published FROM articles WHERE published LIKE '%T%' LIMIT 1").fetchone()
    result = CliRunner().invoke(main, ["show", str(article_id), "--format", "json", "--db", str(fixture_archive)])
    shown = json.loads(result.stdout)
    assert shown["published_date"] == published[:10]
    assert all(v["published_date"] == v["published"][:10] for v in shown["versions"])
    text = CliRunner().invoke(main, ["show", str(article_id), "--db", str(fixture_archive)]).stdout
    assert f"published_date: {published[:10]}" in text


def test_the_web_view_shows_the_day(fixture_archive):
    conn = sqlite3.connect(fixture_archive)
    article_id, published = conn.execute(
        "SELECT id, published FROM articles WHERE published LIKE '%T%' LIMIT 1").fetchone()

    async def fetch(path):
        return (await Datasette([str(fixture_archive)]).client.get(path)).text
    html = asyncio.run(fetch(f"/-/g60/article/{article_id}"))
    assert f'<time datetime="{published[:10]}">' in html
    html = asyncio.run(fetch("/-/g60/search?q=%E5%90%88%E8%82%A5"))
    assert re.findall(r'<time datetime="([0-9-]+)">', html)


def test_the_migration_fills_existing_rows(tmp_path, monkeypatch):
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:6])  # an archive of before the column
    schema.migrate(conn)
    monkeypatch.undo()
    values = ["2023-06-06T14:30:00+08:00", "2024-01-18", "2023-06", "2023-02-30", None]
    for n, published in enumerate(values):
        conn.execute(
            "INSERT INTO articles (id, canonical_url, title, body, published, extraction, body_hash, content_hash, "
            "first_seen, last_seen, last_changed) VALUES (?, ?, 't', 'b', ?, 'x', 'h', 'h', 'n', 'n', 'n')",
            (n + 1, f"http://x/{n}", published))
        conn.execute(
            "INSERT INTO article_versions (article_id, version, url, title, body, published, images, attachments, "
            "extraction, content_hash, seen_at) VALUES (?, 1, ?, 't', 'b', ?, '[]', '[]', 'x', 'h', 'n')",
            (n + 1, f"http://x/{n}", published))
    conn.commit()
    assert schema.migrate(conn) == [m[0] for m in schema.MIGRATIONS[6:]]
    for table in ("articles", "article_versions"):
        got = [d for (d,) in conn.execute(f"SELECT published_date FROM {table} ORDER BY rowid")]
        assert got == [published_date(p) for p in values] == ["2023-06-06", "2024-01-18", None, None, None]
