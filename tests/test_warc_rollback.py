"""import-warc only adds history: older captures interleaved with newer ones, the same WARC twice, a tombstone.

Versions follow capture time whatever order the WARCs come in; the current
version is the newest capture's; first_seen and last_seen only widen; a second
import of the same WARC adds nothing and says so; a capture older than a
tombstone adds history and keeps the tombstone.
"""

from __future__ import annotations

import io

from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from g60crawler.cli import main
from g60crawler.mirror import read_response

from .conftest import HOST, SITE
from .crawl import query

URL = f"http://{HOST}/g60zx/2024/0528/1630031.shtml"
SAVED = read_response(SITE, URL)
EDITOR = "张颖"
assert EDITOR.encode() in SAVED.body or EDITOR.encode("gb18030") in SAVED.body


def page(editor: str) -> bytes:
    """The saved article with another 责任编辑: content differing in one field."""
    charset = "utf-8" if EDITOR.encode() in SAVED.body else "gb18030"
    return SAVED.body.replace(EDITOR.encode(charset), editor.encode(charset))


def warc(path, captures: list[tuple[str, int, str | None]]):
    """A WARC of the article: (WARC-Date, status, 责任编辑 of the page) in the order given."""
    stream = io.BytesIO()
    writer = WARCWriter(stream, gzip=True)
    for date, status, editor in captures:
        body = page(editor) if editor else b"<html><body>404 Not Found</body></html>"
        http = StatusAndHeaders(f"{status} X", list(SAVED.headers.items()), protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(URL, "response", payload=io.BytesIO(body), length=len(body),
                                                      http_headers=http, warc_headers_dict={"WARC-Date": date}))
    path.write_bytes(stream.getvalue())
    return path


def import_warc(db, path) -> str:
    result = CliRunner().invoke(main, ["import-warc", str(path), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def state(db) -> tuple:
    """(versions as (version, editor, seen_at day+hour, superseded?), current editor, first_seen, last_seen, removed_at)."""
    versions = query(db, "SELECT v.version, v.editor, substr(v.seen_at, 1, 13), v.superseded_at IS NOT NULL "
                         "FROM article_versions v JOIN articles a ON a.id = v.article_id "
                         "WHERE a.canonical_url = ? ORDER BY v.version", (URL,))
    (current, first, last, removed), = query(
        db, "SELECT editor, substr(first_seen, 1, 13), substr(last_seen, 1, 13), substr(removed_at, 1, 13) "
            "FROM articles WHERE canonical_url = ?", (URL,))
    return versions, current, first, last, removed


def utc8(day: str) -> str:
    """The hour of a WARC date (02:00 UTC) as the archive keeps it."""
    return f"{day}T02"


def test_older_and_newer_captures_interleaved_make_history_in_capture_order(tmp_path):
    db = tmp_path / "a.sqlite"
    import_warc(db, warc(tmp_path / "first.warc.gz", [("2024-03-01T02:00:00Z", 200, "二"),
                                                       ("2024-07-01T02:00:00Z", 200, "四")]))
    assert state(db)[1:] == ("四", utc8("2024-03-01"), utc8("2024-07-01"), None)
    # older, between, and newer than what the archive holds, written out of order
    second = warc(tmp_path / "second.warc.gz", [("2024-09-01T02:00:00Z", 200, "五"),
                                                ("2024-01-01T02:00:00Z", 200, "一"),
                                                ("2024-05-01T02:00:00Z", 200, "三"),
                                                ("2024-04-01T02:00:00Z", 200, "二")])  # the same as 03-01's
    import_warc(db, second)
    expected = ([(1, "一", utc8("2024-01-01"), 1), (2, "二", utc8("2024-03-01"), 1),
                 (3, "三", utc8("2024-05-01"), 1), (4, "四", utc8("2024-07-01"), 1),
                 (5, "五", utc8("2024-09-01"), 0)],
                "五", utc8("2024-01-01"), utc8("2024-09-01"), None)
    assert state(db) == expected
    captures = query(db, "SELECT COUNT(*) FROM captures WHERE url = ?", (URL,))
    # the same WARC again: nothing new, nothing doubled, and the counts say so
    output = import_warc(db, second)
    assert state(db) == expected
    assert query(db, "SELECT COUNT(*) FROM captures WHERE url = ?", (URL,)) == captures
    assert query(db, "SELECT COUNT(*) FROM articles") == [(1,)]
    assert "4 unchanged" in output and "new" not in output and "changed" not in output.replace("unchanged", "")


def test_only_newer_captures_do_not_roll_back_on_a_second_import(tmp_path):
    db = tmp_path / "a.sqlite"
    both = warc(tmp_path / "both.warc.gz", [("2024-07-01T02:00:00Z", 200, "四"), ("2024-03-01T02:00:00Z", 200, "二")])
    import_warc(db, both)
    import_warc(db, warc(tmp_path / "old.warc.gz", [("2024-01-01T02:00:00Z", 200, "一")]))
    import_warc(db, both)
    assert state(db) == ([(1, "一", utc8("2024-01-01"), 1), (2, "二", utc8("2024-03-01"), 1),
                          (3, "四", utc8("2024-07-01"), 0)], "四", utc8("2024-01-01"), utc8("2024-07-01"), None)


def test_an_older_capture_of_a_tombstoned_article_adds_history_and_keeps_the_tombstone(tmp_path):
    db = tmp_path / "a.sqlite"
    import_warc(db, warc(tmp_path / "gone.warc.gz", [("2024-03-01T02:00:00Z", 200, "二"),
                                                      ("2024-06-01T02:00:00Z", 404, None)]))
    before = state(db)
    assert before[4] == utc8("2024-06-01")
    import_warc(db, warc(tmp_path / "old.warc.gz", [("2024-01-01T02:00:00Z", 200, "一")]))
    assert state(db) == ([(1, "一", utc8("2024-01-01"), 1), (2, "二", utc8("2024-03-01"), 0)],
                         "二", utc8("2024-01-01"), before[3], utc8("2024-06-01"))
    # the 404 is still the URL's latest news: its failure stays open
    assert query(db, "SELECT COUNT(*) FROM failures WHERE url = ? AND resolved_at IS NULL", (URL,)) == [(1,)]
    # a capture between the last version and the 404 is history too: the tombstone stays
    import_warc(db, warc(tmp_path / "mid.warc.gz", [("2024-04-01T02:00:00Z", 200, "三")]))
    versions, current, first, last, removed = state(db)
    assert [v[1] for v in versions] == ["一", "二", "三"] and current == "三"
    assert removed == utc8("2024-06-01") and first == utc8("2024-01-01") and last >= before[3]


def test_a_404_older_than_the_last_sighting_does_not_tombstone_the_article(tmp_path):
    db = tmp_path / "a.sqlite"
    import_warc(db, warc(tmp_path / "live.warc.gz", [("2024-03-01T02:00:00Z", 200, "二"),
                                                      ("2024-07-01T02:00:00Z", 200, "四")]))
    before = state(db)
    # the page answered 404 for a while in May, and was back in July: it is not gone
    import_warc(db, warc(tmp_path / "may.warc.gz", [("2024-05-01T02:00:00Z", 404, None)]))
    assert state(db) == before
    assert query(db, "SELECT COUNT(*) FROM failures WHERE url = ? AND resolved_at IS NULL", (URL,)) == [(0,)]
    # a 404 after the last sighting is a tombstone, moved earlier by an earlier 404 after it
    import_warc(db, warc(tmp_path / "gone.warc.gz", [("2024-10-01T02:00:00Z", 404, None)]))
    assert state(db)[4] == utc8("2024-10-01")
    import_warc(db, warc(tmp_path / "gone-earlier.warc.gz", [("2024-08-01T02:00:00Z", 404, None)]))
    assert state(db)[4] == utc8("2024-08-01")
    assert state(db)[:4] == before[:4]
    # the same WARC twice: no second failure counted
    times = query(db, "SELECT SUM(times) FROM failures WHERE url = ?", (URL,))
    output = import_warc(db, warc(tmp_path / "gone-earlier.warc.gz", [("2024-08-01T02:00:00Z", 404, None)]))
    assert query(db, "SELECT SUM(times) FROM failures WHERE url = ?", (URL,)) == times, output
