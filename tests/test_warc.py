"""WARC: export the archive, read it back with warcio, import it into an empty archive; import a foreign WARC."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from g60crawler.cli import main
from g60crawler.mirror import read_response

from .conftest import HOST, SITE, SITE_V2
from .crawl import query, run_crawl

B = f"http://{HOST}"
EDITED = f"{B}/g60zx/2024/0528/1630031.shtml"
REMOVED = f"{B}/jcfc/2023/0921/1631013.shtml"


@pytest.fixture(scope="module")
def with_history(tmp_path_factory):
    """An archive with history: site on 1 Nov 2024, site-v2 on 30 Nov (1630031 edited, 1631013 gone)."""
    archive = tmp_path_factory.mktemp("warc") / "g60.sqlite"
    for site, now in ((SITE, "2024-11-01T12:00:00+08:00"), (SITE_V2, "2024-11-30T12:00:00+08:00")):
        done = run_crawl(archive, f"G60_NOW={now}", "G60_REVISIT_DAYS=30,180", replay=site)
        assert done.returncode == 0, done.stderr[-2000:]
    return archive


def history(archive) -> list[tuple]:
    """Each article by its URLs, with its versions' content in order and its tombstone."""
    rows = query(archive, "SELECT a.id, (SELECT group_concat(url, ' ') FROM (SELECT url FROM article_urls WHERE "
                          "article_id = a.id ORDER BY url)), a.removed_at IS NOT NULL FROM articles a")
    out = []
    for article_id, urls, removed in rows:
        versions = query(archive, "SELECT content_hash, substr(seen_at, 1, 19) FROM article_versions "
                                  "WHERE article_id = ? ORDER BY version", (article_id,))
        out.append((urls, tuple(versions), removed))
    return sorted(out)


def test_export_is_valid_warc_with_digests(with_history, tmp_path):
    out = tmp_path / "g60.warc.gz"
    result = CliRunner().invoke(main, ["export-warc", "-o", str(out), "--db", str(with_history)])
    assert result.exit_code == 0, result.output
    types, targets = [], []
    with out.open("rb") as stream:
        for record in ArchiveIterator(stream, check_digests="raise"):  # a bad digest raises
            types.append(record.rec_type)
            if record.rec_type in ("response", "revisit"):
                assert record.rec_headers.get_header("WARC-Payload-Digest").startswith("sha1:")
                targets.append(record.rec_headers.get_header("WARC-Target-URI"))
            record.content_stream().read()
    captures = query(with_history, "SELECT COUNT(*), SUM(first_fetched != last_fetched) FROM captures")[0]
    attachments = query(with_history, "SELECT COUNT(*) FROM article_attachments WHERE status = 'stored'")[0][0]
    # one response or revisit per fetch: each capture once, again when fetched later, and each attachment
    assert types[0] == "warcinfo"
    assert types.count("request") == captures[0] + captures[1] + attachments
    assert types.count("response") + types.count("revisit") == types.count("request")
    # 1632060 was fetched twice with the same bytes (a 304 the second time): a revisit record
    assert types.count("revisit") >= 1 and f"{B}/zcnx/2024/1015/1632060.shtml" in targets


def test_export_then_import_reproduces_articles_and_versions(with_history, tmp_path):
    out, fresh = tmp_path / "g60.warc.gz", tmp_path / "fresh.sqlite"
    assert CliRunner().invoke(main, ["export-warc", "-o", str(out), "--db", str(with_history)]).exit_code == 0
    result = CliRunner().invoke(main, ["import-warc", str(out), "--db", str(fresh)])
    assert result.exit_code == 0, result.output
    assert history(fresh) == history(with_history)
    edited = [h for h in history(fresh) if h[0] == EDITED]
    assert len(edited[0][1]) == 2  # the edit: two versions, in time order
    assert [h[2] for h in history(fresh) if h[0] == REMOVED] == [1]  # the tombstone came back from the 404


def warc_of(records) -> bytes:
    stream = io.BytesIO()
    writer = WARCWriter(stream, gzip=True)
    for url, date, status, headers, body in records:
        http = StatusAndHeaders(f"{status} OK", list(headers.items()), protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                                      http_headers=http, warc_headers_dict={"WARC-Date": date}))
    return stream.getvalue()


def test_import_of_a_foreign_warc_with_an_older_capture(tmp_path):
    """A WARC as another archive would make it, written here with warcio straight from the mirror files."""
    pages = ["g60zx/2024/0528/1630031.shtml", "g60zx/2023/0606/1630012.shtml", "g60zx/"]
    records = []
    for page in pages:
        saved = read_response(SITE, f"{B}/{page}")
        records.append((f"{B}/{page}", "2024-06-01T02:00:00Z", saved.status, saved.headers, saved.body))
    newer = read_response(SITE_V2, EDITED)
    records.append((EDITED, "2024-11-25T03:00:00Z", 200, newer.headers, newer.body))
    records.append(("http://www.chinadevelopment.com.cn/news/1.shtml", "2024-06-01T02:00:00Z", 200, {}, b"<html/>"))
    warc = tmp_path / "foreign.warc.gz"
    warc.write_bytes(warc_of(reversed(records)))  # out of time order on purpose
    db = tmp_path / "a.sqlite"
    result = CliRunner().invoke(main, ["import-warc", str(warc), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == ("5 records: 1 changed, 2 new; 1 of other hosts skipped, 1 not articles, "
                                     "0 unresolved revisits")
    versions = query(db, "SELECT v.version, v.editor, v.seen_at FROM article_versions v JOIN articles a "
                         "ON a.id = v.article_id WHERE a.canonical_url = ? ORDER BY v.version", (EDITED,))
    assert [(v, e) for v, e, _ in versions] == [(1, "张颖"), (2, "陈晨")]
    assert versions[0][2].startswith("2024-06-01T02:00:00") and versions[1][2].startswith("2024-11-25T03:00:00")
    (captures,) = query(db, "SELECT COUNT(*) FROM captures WHERE url = ?", (EDITED,))[0]
    assert captures == 2


def test_import_refuses_a_file_that_is_not_a_warc(tmp_path):
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(b"not a warc at all\n" * 10)
    result = CliRunner().invoke(main, ["import-warc", str(bad), "--db", str(tmp_path / "a.sqlite")])
    assert result.exit_code == 1 and result.output.startswith("Error: cannot read the WARC")
