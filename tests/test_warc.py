"""WARC: export the archive, read it back with warcio, import it into an empty archive; import a foreign WARC."""

from __future__ import annotations

import io
import re

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from g60crawler.assemble import build_article
from g60crawler.cli import main
from g60crawler.pages.article import extract_raw
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


# ------------------------------------------------------------------ truncated WARCs (issue 10, defect 6)

def copy_archive(archive, folder, attachments: bool = False):
    """A copy of an archive file, with its attachments folder or without."""
    import shutil
    import sqlite3

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "g60.sqlite"
    with sqlite3.connect(archive) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    if attachments:
        shutil.copytree(archive.parent / "attachments", folder / "attachments")
    return target


def record_spans(data: bytes) -> list[tuple[str, str, int, int, int]]:
    """(type, URL, HTTP status, offset, length) of every record of a WARC held in memory."""
    spans = []
    records = ArchiveIterator(io.BytesIO(data))
    for record in records:
        url = record.rec_headers.get_header("WARC-Target-URI")
        status = int(record.http_headers.get_statuscode()) if record.http_headers and record.rec_type != "request" else 0
        record.content_stream().read()
        spans.append((record.rec_type, url, status, records.get_record_offset(), records.get_record_length()))
    return spans


@pytest.fixture(scope="module")
def exported(with_history, tmp_path_factory):
    out = tmp_path_factory.mktemp("exported") / "g60.warc.gz"
    result = CliRunner().invoke(main, ["export-warc", "-o", str(out), "--db", str(with_history)])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def last_article_response(data: bytes) -> tuple[int, int]:
    from g60crawler import portal
    from urllib.parse import urlsplit

    spans = [s for s in record_spans(data) if s[0] == "response" and s[2] == 200
             and portal.ARTICLE_PATH.match(urlsplit(s[1]).path)]
    return spans[-1][3], spans[-1][4]


@pytest.mark.parametrize("compressed,where", [
    (True, 0.5),     # inside the deflate data of the last article's gzip member
    (True, 0.97),
    (True, -4),      # inside the gzip trailer: the payload is whole, the member is not
    (False, 0.6),    # inside the payload of an uncompressed WARC
    (False, -7),
])
def test_a_warc_cut_short_is_refused_and_the_archive_keeps_the_complete_article(
        with_history, exported, tmp_path, compressed, where):
    import gzip

    data = exported if compressed else gzip.decompress(exported)
    offset, length = last_article_response(data)
    cut = offset + (int(length * where) if where > 0 else length + where)
    suffix = ".warc.gz" if compressed else ".warc"
    warc, whole = tmp_path / f"cut{suffix}", tmp_path / f"whole{suffix}"
    warc.write_bytes(data[:cut])
    whole.write_bytes(data[:offset])  # the same WARC without the record that was cut
    db, expected = copy_archive(with_history, tmp_path / "copy"), copy_archive(with_history, tmp_path / "expected")
    assert CliRunner().invoke(main, ["import-warc", str(whole), "--db", str(expected)]).exit_code == 0
    result = CliRunner().invoke(main, ["import-warc", str(warc), "--db", str(db)])
    if where > 0:  # cut inside the payload: nothing of the cut record is stored
        assert history(db) == history(expected)
    assert result.exit_code == 3, result.output
    assert "Error: 1 record(s) cut short refused" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert history(db) == history(expected)  # the complete article as it was


def raw_record(headers: list[tuple[str, str]], block: bytes) -> bytes:
    """An uncompressed WARC record written by hand (warcio's writer would add what is missing)."""
    head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
    return head.encode() + f"Content-Length: {len(block)}\r\n\r\n".encode() + block + b"\r\n\r\n"


def http_block(status_line: bytes, body: bytes) -> bytes:
    return status_line + b"\r\nContent-Type: text/html\r\n\r\n" + body


def test_records_without_date_or_uri_or_with_garbage_are_skipped_and_counted(tmp_path):
    saved = read_response(SITE, f"{B}/g60zx/2023/0606/1630012.shtml")
    good = f"{B}/g60zx/2023/0606/1630012.shtml"
    other = f"{B}/g60zx/2024/0528/1630031.shtml"
    block = http_block(b"HTTP/1.1 200 OK", saved.body)
    base = [("WARC-Type", "response"), ("WARC-Record-ID", "<urn:uuid:1>"),
            ("Content-Type", "application/http; msgtype=response")]
    records = [
        raw_record(base + [("WARC-Target-URI", other)], block),                                      # no date
        raw_record(base + [("WARC-Date", "2024-06-01T02:00:00Z")], block),                            # no URI
        raw_record(base + [("WARC-Target-URI", other), ("WARC-Date", "yesterday")], block),          # bad date
        raw_record(base + [("WARC-Target-URI", other), ("WARC-Date", "2024-06-01T02:00:00Z")],
                   http_block(b"HTTP/1.1 abc OK", saved.body)),                                       # bad status
        raw_record(base + [("WARC-Target-URI", good), ("WARC-Date", "2024-06-01T02:00:00Z")], block),
    ]
    warc = tmp_path / "odd.warc"
    warc.write_bytes(b"".join(records))
    db = tmp_path / "a.sqlite"
    result = CliRunner().invoke(main, ["import-warc", str(warc), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("5 records: 1 new;")
    assert result.stderr.startswith("warning: records skipped: 4 without a readable date, URL or status")
    assert result.stderr.count("\n") == 1
    assert query(db, "SELECT canonical_url FROM articles") == [(good,)]


def test_a_split_article_whose_later_page_is_missing_is_a_failure_not_a_version(tmp_path):
    first, second = f"{B}/g60zx/2023/0915/1630015.shtml", f"{B}/g60zx/2023/0915/1630015_2.shtml"
    pages = {url: read_response(SITE, url) for url in (first, second)}
    only_first = tmp_path / "first.warc.gz"
    only_first.write_bytes(warc_of([(first, "2024-06-01T02:00:00Z", 200, pages[first].headers, pages[first].body)]))
    db = tmp_path / "a.sqlite"
    result = CliRunner().invoke(main, ["import-warc", str(only_first), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("1 records: 1 incomplete;")
    assert query(db, "SELECT COUNT(*) FROM articles") == [(0,)]
    assert query(db, "SELECT url, reason FROM failures") == [(first, "incomplete article")]
    both = tmp_path / "both.warc.gz"
    both.write_bytes(warc_of([(url, "2024-06-01T02:00:00Z", 200, p.headers, p.body) for url, p in pages.items()]))
    result = CliRunner().invoke(main, ["import-warc", str(both), "--db", str(db)])
    assert result.stdout.startswith("2 records: 1 new;"), result.output
    (body,) = query(db, "SELECT v.body FROM article_versions v JOIN articles a ON a.id = v.article_id")[0]
    page_one = build_article(extract_raw(first, pages[first].body)).body
    assert body.startswith(page_one) and len(body) > len(page_one)  # page 2's text joined after page 1's
    assert query(db, "SELECT COUNT(*) FROM captures WHERE url = ?", (second,)) == [(1,)]


# ------------------------------------------------------------------ export: line breaks, atomic file, missing files

def test_header_values_with_line_breaks_do_not_break_exported_records(with_history, tmp_path):
    import json
    import sqlite3

    db = copy_archive(with_history, tmp_path / "crlf", attachments=True)
    with sqlite3.connect(db) as conn:
        for table in ("captures", "article_attachments"):
            for row_id, headers in conn.execute(f"SELECT id, headers FROM {table}").fetchall():
                headers = json.loads(headers)
                headers["X-Note"] = "one\r\n\r\ntwo\rthree\nInjected: yes"
                conn.execute(f"UPDATE {table} SET headers = ? WHERE id = ?", (json.dumps(headers), row_id))
    out = tmp_path / "crlf.warc.gz"
    result = CliRunner().invoke(main, ["export-warc", "-o", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    responses = 0
    with out.open("rb") as stream:
        for record in ArchiveIterator(stream, check_digests="raise"):
            if record.rec_type in ("response", "revisit"):
                assert record.http_headers.get_header("X-Note") == "one two three Injected: yes"
                assert record.http_headers.get_header("Injected") is None
                responses += 1
            record.content_stream().read()
    captures = query(db, "SELECT COUNT(*) + SUM(first_fetched != last_fetched) FROM captures")[0][0]
    stored = query(db, "SELECT COUNT(*) FROM article_attachments WHERE status = 'stored'")[0][0]
    assert responses == captures + stored


def test_an_export_failing_half_way_leaves_no_file(with_history, tmp_path, monkeypatch):
    from g60crawler.archive.store import Archive

    calls = {"n": 0}
    real = Archive.capture_body

    def failing(self, capture_id):
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError(28, "No space left on device")
        return real(self, capture_id)

    monkeypatch.setattr(Archive, "capture_body", failing)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "g60.warc.gz"
    result = CliRunner().invoke(main, ["export-warc", "-o", str(out), "--db", str(with_history)])
    assert result.exit_code == 1 and result.output == f"Error: cannot write {out}: No space left on device\n"
    assert list(folder.iterdir()) == []


def test_an_archive_copied_without_its_attachments_exports_the_rest_and_names_what_is_missing(with_history, tmp_path):
    db = copy_archive(with_history, tmp_path / "bare")
    out = tmp_path / "bare.warc.gz"
    result = CliRunner().invoke(main, ["export-warc", "-o", str(out), "--db", str(db)])
    stored = query(db, "SELECT COUNT(*) FROM article_attachments WHERE status = 'stored'")[0][0]
    assert stored > 0
    assert result.exit_code == 3, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == stored + 1 and all(line.startswith("cannot read attachment file ") for line in lines[:-1])
    assert lines[-1] == f"Error: {stored} attachment file(s) could not be read and are not in {out}; everything else is"
    with out.open("rb") as stream:
        kinds = [r.rec_type for r in ArchiveIterator(stream, check_digests="raise")]
    captures = query(db, "SELECT COUNT(*) + SUM(first_fetched != last_fetched) FROM captures")[0][0]
    assert kinds.count("response") + kinds.count("revisit") == captures


def test_max_size_skips_and_counts_larger_records(tmp_path):
    saved = read_response(SITE, f"{B}/g60zx/2023/0606/1630012.shtml")
    small = b"<html><head><title>x</title></head><body><p>short</p></body></html>"
    warc = tmp_path / "sizes.warc.gz"
    warc.write_bytes(warc_of([(f"{B}/g60zx/2023/0606/1630012.shtml", "2024-06-01T02:00:00Z", 200, saved.headers,
                               saved.body),
                              (f"{B}/g60zx/2023/0606/1630013.shtml", "2024-06-01T02:00:00Z", 200, {}, small)]))
    limit = len(saved.body) - 1
    result = CliRunner().invoke(main, ["import-warc", str(warc), "--max-size", str(limit), "--db",
                                       str(tmp_path / "a.sqlite")])
    assert result.exit_code == 0, result.output
    assert result.stderr == (f"warning: records skipped: 1 over --max-size {limit} bytes "
                             f"(first: sizes.warc.gz@0: payload of {len(saved.body)} bytes over {limit})\n")
    assert query(tmp_path / "a.sqlite", "SELECT MAX(size) FROM blobs") == [(len(small),)]


def test_a_bomb_in_the_http_content_encoding_is_skipped_too(tmp_path):
    import gzip

    from g60crawler.settings import DOWNLOAD_MAXSIZE

    bomb = gzip.compress(bytes(3 * DOWNLOAD_MAXSIZE))  # small in the WARC, over the limit once decoded
    saved = read_response(SITE, f"{B}/g60zx/2023/0606/1630012.shtml")
    warc = tmp_path / "encoded.warc.gz"
    warc.write_bytes(warc_of([(f"{B}/g60zx/2024/0101/1699999.shtml", "2024-06-01T02:00:00Z", 200,
                               {"Content-Encoding": "gzip", "Content-Type": "text/html"}, bomb),
                              (f"{B}/g60zx/2023/0606/1630012.shtml", "2024-06-01T02:00:00Z", 200, saved.headers,
                               saved.body)]))
    db = tmp_path / "a.sqlite"
    result = CliRunner().invoke(main, ["import-warc", str(warc), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"warning: records skipped: 1 over --max-size {DOWNLOAD_MAXSIZE} bytes")
    assert query(db, "SELECT MAX(size) FROM blobs") == [(len(saved.body),)]


@pytest.mark.parametrize("compressed", [False, True])
@pytest.mark.parametrize("inside", ["warc headers", "http headers", "declared longer than the file"])
def test_a_warc_cut_in_its_headers_or_declaring_more_than_it_holds_is_refused(
        with_history, exported, tmp_path, compressed, inside):
    import gzip

    plain = gzip.decompress(exported)
    offset, length = last_article_response(plain)
    record = plain[offset:offset + length]
    http_start = record.index(b"\r\n\r\n") + 4
    if inside == "warc headers":
        cut = record[:record.index(b"WARC-Target-URI")]
    elif inside == "http headers":
        cut = record[:http_start + record[http_start:].index(b"\r\n") + 5]
    else:  # a Content-Length far beyond what follows
        cut = re.sub(rb"Content-Length: \d+", b"Content-Length: 99999999", record, count=1)
    data = plain[:offset] + cut
    if compressed:  # one gzip member per record, as WARC writers do
        data = b"".join(gzip.compress(r) for r in _split_records(plain[:offset])) + gzip.compress(cut)
    warc = tmp_path / ("cut.warc.gz" if compressed else "cut.warc")
    warc.write_bytes(data)
    db, expected = copy_archive(with_history, tmp_path / "copy"), copy_archive(with_history, tmp_path / "expected")
    result = CliRunner().invoke(main, ["import-warc", str(warc), "--db", str(db)])
    assert result.exit_code == 3, result.output
    assert "cut short refused" in result.stderr and "Traceback" not in result.output
    assert history(db) == history(expected)


def _split_records(plain: bytes) -> list[bytes]:
    spans = record_spans(plain)
    return [plain[o:o + n] for *_rest, o, n in spans]
