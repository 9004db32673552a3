"""WARC export: the archive's captures as request, response and revisit records.

Export writes, for every stored capture, a request and a response record with
the original status, headers and bytes (payload digests computed by warcio),
and a revisit record where the same payload was already written (another URL
with identical bytes, or a later fetch of the same page). The file is written
under a temporary name beside the target and renamed when complete.

Reading WARC files is :mod:`g60crawler.archive.warc_read`; importing them
(extracting articles, then storing) is :mod:`g60crawler.ingest.warc_import`.
"""

from __future__ import annotations

import io
import json
import os
import re
import string
import tempfile
import unicodedata
from dataclasses import dataclass, field
from datetime import timezone
from http import HTTPStatus
from pathlib import Path
from urllib.parse import quote, urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from .. import __version__
from ..schedule import moment
from .search import Filters
from .store import Archive

#: Headers that describe the transfer, not the payload we keep (stored bodies are decoded).
_TRANSFER_HEADERS = {"content-encoding", "transfer-encoding", "content-length", "connection"}
_LINE_BREAKS = re.compile(r"[\r\n]+")
#: The characters of an HTTP header name (RFC 9110 ``tchar``).
_TCHAR = frozenset("!#$%&'*+-.^_`|~" + string.ascii_letters + string.digits)


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
    kept = [(_header_name(k), _header_value(v)) for k, v in headers.items() if k.lower() not in _TRANSFER_HEADERS]
    kept.append(("Content-Length", str(length)))
    return StatusAndHeaders(f"{status} {phrase}", kept, protocol="HTTP/1.1")


def _one_line(value) -> str:
    """A header name or value with its line breaks folded to spaces (a CR/LF would end the header early)."""
    return _LINE_BREAKS.sub(" ", str(value)).strip()


def _header_name(name) -> str:
    """A header name as an HTTP token: other characters (NUL, ':', CJK, spaces) percent-encoded as UTF-8.

    :param name: the stored header name (an empty one becomes ``X-Empty-Name``).
    """
    text = "".join(c if c in _TCHAR else quote(c, safe="") for c in _one_line(name))
    return text or "X-Empty-Name"


def _header_value(value) -> str:
    """A header value on one printable line: control characters (NUL, ESC, DEL) percent-encoded.

    :param value: the stored value (warcio percent-encodes what is not latin-1).
    """
    return "".join(quote(c, safe="") if c != "\t" and unicodedata.category(c) == "Cc" else c
                   for c in _one_line(value))


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
    unreadable: list[str] = field(default_factory=list)  # "path: why" of attachment files that could not be read


def export_warc(archive: Archive, out: Path, filters: Filters | None = None) -> ExportCounts:
    """Write the archive's captures (all, or those of the filtered articles) to a gzipped WARC.

    The WARC is written to a temporary file beside ``out`` and renamed when
    complete: an error leaves no partial file. Attachment files that cannot be
    read (an archive copied without its ``attachments/`` folder) are left out
    and listed in ``counts.unreadable``.

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
    with _replace_when_complete(out) as stream:
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
            try:
                body = (base / path).read_bytes()
            except OSError as exc:
                counts.unreadable.append(f"{base / path}: {exc.strerror or exc}")
                continue
            emit(url, 200, json.loads(headers), body, sha, [fetched_at])
            counts.attachments += 1
    return counts


class _replace_when_complete:
    """Open a temporary file beside ``out``; rename it to ``out`` on success, delete it on error.

    :param out: the file to write; a non-regular file (``/dev/stdout``) is written directly.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.tmp: Path | None = None
        self.stream = None

    def __enter__(self):
        if self.out.exists() and not self.out.is_file():
            self.stream = self.out.open("wb")
            return self.stream
        fd, name = tempfile.mkstemp(prefix=f".{self.out.name}.", suffix=".tmp", dir=self.out.parent or ".")
        self.tmp = Path(name)
        self.stream = os.fdopen(fd, "wb")
        return self.stream

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            self.stream.close()
        except OSError:
            if exc_type is None:
                self._discard()
                raise
        if exc_type is not None:
            self._discard()
            return
        if self.tmp is not None:
            os.chmod(self.tmp, 0o666 & ~_umask())
            os.replace(self.tmp, self.out)

    def _discard(self) -> None:
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
