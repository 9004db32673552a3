"""WARC, the format web archives speak: export the archive's captures, import captures from others.

Export writes, for every stored capture, a request and a response record with
the original status, headers and bytes (payload digests computed by warcio),
and a revisit record where the same payload was already written (another URL
with identical bytes, or a later fetch of the same page).

Import reads response (and revisit) records of the portal's host from any
WARC (Heritrix, Browsertrix, a Wayback export, ours) in time order, extracts
the articles with the current code and adds them with their original capture
times: older captures become older versions.
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from .. import __version__, normalize, portal
from ..assemble import build_article, join_pages
from ..items import ArticleItem, Capture, FailureItem
from ..pages.article import extract_raw
from ..pages.decode import content_type
from ..schedule import moment
from .search import Filters
from .store import Archive

#: Headers that describe the transfer, not the payload we keep (stored bodies are decoded).
_TRANSFER_HEADERS = {"content-encoding", "transfer-encoding", "content-length", "connection"}


def _warc_date(iso: str) -> str:
    return moment(iso).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _payload_digest(body: bytes) -> str:
    digester = Digester("sha1")
    digester.update(body)
    return str(digester)


def _http_headers(status: int, headers: dict[str, str], length: int) -> StatusAndHeaders:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unknown"
    kept = [(k, v) for k, v in headers.items() if k.lower() not in _TRANSFER_HEADERS]
    kept.append(("Content-Length", str(length)))
    return StatusAndHeaders(f"{status} {phrase}", kept, protocol="HTTP/1.1")


def _request_headers(url: str) -> StatusAndHeaders:
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return StatusAndHeaders(f"GET {target} HTTP/1.1", [("Host", parts.netloc)], is_http_request=True)


@dataclass
class ExportCounts:
    responses: int = 0
    revisits: int = 0
    requests: int = 0
    attachments: int = 0


def export_warc(archive: Archive, out: Path, filters: Filters | None = None) -> ExportCounts:
    """Write the archive's captures (all, or those of the filtered articles) to a gzipped WARC.

    :param archive: the archive.
    :param out: the ``.warc.gz`` file to write.
    :param filters: only captures of these articles (None: every capture, failures included).
    """
    counts = ExportCounts()
    conn = archive.conn
    if filters is None:
        captures = conn.execute(
            "SELECT id, url, status, headers, sha256, first_fetched, last_fetched FROM captures ORDER BY first_fetched, id")
        attachments = conn.execute(
            "SELECT t.url, t.headers, t.sha256, t.fetched_at, f.path FROM article_attachments t "
            "JOIN attachment_files f ON f.sha256 = t.sha256 ORDER BY t.fetched_at, t.id")
    else:
        where, params = filters.sql()
        captures = conn.execute(
            "SELECT c.id, c.url, c.status, c.headers, c.sha256, c.first_fetched, c.last_fetched FROM captures c "
            f"JOIN article_versions v ON v.id = c.version_id JOIN articles a ON a.id = v.article_id WHERE {where} "
            "ORDER BY c.first_fetched, c.id", params)
        attachments = conn.execute(
            "SELECT t.url, t.headers, t.sha256, t.fetched_at, f.path FROM article_attachments t "
            "JOIN attachment_files f ON f.sha256 = t.sha256 JOIN article_versions v ON v.id = t.version_id "
            f"JOIN articles a ON a.id = v.article_id WHERE {where} ORDER BY t.fetched_at, t.id", params)
    written: dict[str, tuple[str, str]] = {}  # payload sha256 -> (uri, WARC-Date) of its first response
    with out.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        writer.write_record(writer.create_warcinfo_record(out.name, {
            "software": f"g60crawler {__version__}",
            "format": "WARC File Format 1.1",
            "description": "Captures of the G60 channel of 中国发展网, exported from a g60crawler archive",
        }))

        def emit(url: str, status: int, headers: dict, body: bytes, digest_key: str, fetched: list[str]) -> None:
            for when in fetched:
                date = _warc_date(when)
                writer.write_record(writer.create_warc_record(
                    url, "request", http_headers=_request_headers(url), warc_headers_dict={"WARC-Date": date}))
                counts.requests += 1
                if digest_key in written:
                    ref_uri, ref_date = written[digest_key]
                    writer.write_record(writer.create_revisit_record(
                        url, _payload_digest(body), ref_uri, ref_date,
                        http_headers=_http_headers(status, headers, len(body)), warc_headers_dict={"WARC-Date": date}))
                    counts.revisits += 1
                else:
                    writer.write_record(writer.create_warc_record(
                        url, "response", payload=io.BytesIO(body), length=len(body),
                        http_headers=_http_headers(status, headers, len(body)), warc_headers_dict={"WARC-Date": date}))
                    written[digest_key] = (url, date)
                    counts.responses += 1

        for capture_id, url, status, headers, sha, first, last in captures.fetchall():
            fetched = [first] if first == last else [first, last]  # a later fetch of the same bytes: a revisit
            emit(url, status, json.loads(headers), archive.capture_body(capture_id), sha, fetched)
        base = archive.files_dir.parent if archive.files_dir else None
        for url, headers, sha, fetched_at, path in attachments.fetchall():
            if base is None or not fetched_at:
                continue
            emit(url, 200, json.loads(headers), (base / path).read_bytes(), sha, [fetched_at])
            counts.attachments += 1
    return counts


@dataclass
class ImportCounts:
    records: int = 0
    other_hosts: int = 0
    not_articles: int = 0
    unresolved_revisits: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: defaultdict(int))


@dataclass
class _Record:
    url: str
    date: datetime
    status: int
    headers: dict[str, str]
    body: bytes


def _read(paths: list[Path], counts: ImportCounts) -> list[_Record]:
    bodies: dict[str, bytes] = {}
    found: list[_Record] = []
    for path in paths:
        with path.open("rb") as stream:
            seen = 0
            for record in ArchiveIterator(stream):
                if not record.format.startswith("warc"):  # warcio reads almost any text as ARC
                    raise ValueError(f"{path} is not a WARC file (its records read as {record.format!r})")
                seen += 1
                if record.rec_type not in ("response", "revisit"):
                    continue
                counts.records += 1
                url = record.rec_headers.get_header("WARC-Target-URI")
                if not portal.current().in_scope(url):
                    counts.other_hosts += 1
                    continue
                digest = record.rec_headers.get_header("WARC-Payload-Digest")
                body = record.content_stream().read()
                if record.rec_type == "revisit":
                    if digest not in bodies:
                        counts.unresolved_revisits += 1
                        continue
                    body = bodies[digest]
                elif digest:
                    bodies[digest] = body
                http = record.http_headers
                status = int(http.get_statuscode()) if http else 200
                headers = dict(http.headers) if http else {}
                date = moment(record.rec_headers.get_header("WARC-Date").replace("Z", "+00:00"))
                found.append(_Record(url, date, status, headers, body))
            if not seen:
                raise ValueError(f"{path} holds no WARC record")
    found.sort(key=lambda r: (r.date, r.url))
    return found


def import_warc(archive: Archive, paths: list[Path]) -> ImportCounts:
    """Add the portal's articles from WARC files to the archive, as of their capture times.

    Records of other hosts are skipped and counted; list pages, robots.txt and
    attachments are counted as not articles; a split article's later pages are
    joined with its first page (the capture nearest in time).
    """
    counts = ImportCounts()
    records = _read(paths, counts)
    later_pages: dict[str, list[_Record]] = defaultdict(list)
    firsts: list[_Record] = []
    redirects: dict[str, list[_Record]] = defaultdict(list)  # target URL -> the redirects to it
    for rec in records:
        location = next((v for k, v in rec.headers.items() if k.lower() == "location"), None)
        if 300 <= rec.status < 400 and location:
            redirects[normalize.canonical_url(urljoin(rec.url, location))].append(rec)
            continue
        m = portal.current().article_match(rec.url)
        static = normalize.canonical_url(rec.url) in {normalize.canonical_url(s.url)
                                                       for s in portal.current().sections if s.kind == "page"}
        if m and m["page"]:
            later_pages[normalize.first_page_url(rec.url)].append(rec)
        elif m or static:
            firsts.append(rec)
        else:
            counts.not_articles += 1
    run_id = archive.start_run("import-warc", {"files": [str(p) for p in paths]})
    clock = archive.clock
    try:
        _import(archive, firsts, later_pages, redirects, run_id, counts)
    finally:
        archive.clock = clock
    archive.finish_run(run_id, "finished", {
        "articles_new": counts.outcomes["new"], "articles_changed": counts.outcomes["changed"],
        "articles_unchanged": counts.outcomes["unchanged"], "duplicates": counts.outcomes["duplicate"],
        "failures": counts.outcomes["failed"], "tombstones": counts.outcomes["gone"]})
    return counts


def _import(archive: Archive, firsts: list[_Record], later_pages: dict[str, list[_Record]],
            redirects: dict[str, list[_Record]], run_id: int, counts: ImportCounts) -> None:
    """Each first page in time order, with the archive's clock set to its capture time."""
    for rec in firsts:
        archive.clock = lambda when=rec.date: when
        kind = "page" if not portal.current().is_article(rec.url) else "article"
        captures = [Capture(rec.url, rec.status, rec.headers, rec.body, rec.date.isoformat(timespec="seconds"))]
        if rec.status in (404, 410):
            archive.record_failure(FailureItem(rec.url, f"http {rec.status}", captures=captures), run_id)
            counts.outcomes["gone" if archive.tombstone(rec.url) else "failed"] += 1
            continue
        if rec.status != 200:
            continue
        raw = extract_raw(rec.url, rec.body, content_type(rec.headers))
        hops = [r for r in redirects.get(normalize.canonical_url(rec.url), []) if r.date <= rec.date]
        raw.kind, raw.aliases = kind, [r.url for r in hops]
        raw.captures = [Capture(r.url, r.status, r.headers, r.body, r.date.isoformat(timespec="seconds"))
                        for r in hops] + captures
        number = 2
        while raw.next_page:
            pages = [p for p in later_pages.get(rec.url, []) if p.url.endswith(f"_{number}" + rec.url[rec.url.rindex("."):])]
            if not pages:
                break
            page = min(pages, key=lambda p: abs((p.date - rec.date).total_seconds()))
            later = extract_raw(page.url, page.body, content_type(page.headers))
            later.captures = [Capture(page.url, page.status, page.headers, page.body, page.date.isoformat(timespec="seconds"))]
            raw = join_pages(raw, later)
            number += 1
        item = build_article(raw)
        if isinstance(item, ArticleItem):
            counts.outcomes[archive.record_article(item, run_id)] += 1
        else:
            archive.record_failure(item, run_id)
            counts.outcomes["failed"] += 1
        archive.commit()
