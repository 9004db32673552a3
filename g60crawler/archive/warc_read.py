"""Reading WARC files record by record, in bounded memory, refusing what is cut short.

Pass 1 (:func:`index_records`) reads every record once, keeping only its
location, date, URL, type, status, headers and payload digest, never a body;
it checks that each record's payload is as long as its declared
``Content-Length`` and that its gzip member is complete. Pass 2
(:class:`PayloadReader`) reads one payload at a time by offset, at most the
size limit.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import stat
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import BinaryIO, Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.limitreader import LimitReader

from ..schedule import moment

_CHUNK = 64 * 1024
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass
class Problems:
    """Records that were refused or skipped while reading, by reason."""

    truncated: int = 0  # payload shorter than its Content-Length, or its gzip member cut
    too_large: int = 0  # payload over the size limit
    malformed: int = 0  # no WARC-Date / WARC-Target-URI, an unparsable date or status line
    unresolved_revisits: int = 0  # a revisit whose original payload is not in the files read
    first: dict[str, str] = field(default_factory=dict)  # kind -> the first "file@offset: why", for messages

    def note(self, kind: str, where: str) -> None:
        """Count one record as refused or skipped for ``kind``, remembering the first place.

        :param kind: one of the counters' names.
        :param where: ``file@offset: why``.
        """
        setattr(self, kind, getattr(self, kind) + 1)
        self.first.setdefault(kind, where)


@dataclass
class RecordRef:
    """Where a response (or a resolved revisit) record is, and what its headers say; no body."""

    path: Path
    offset: int  # of the record holding the payload (the original response, for a revisit)
    url: str
    date: datetime
    status: int
    headers: dict[str, str]
    rec_type: str = "response"


class NotAWarc(ValueError):
    """The file is not a WARC file."""


def check_warc(path: Path) -> None:
    """Raise NotAWarc unless the file's first record reads as a WARC record (only that record is read).

    :param path: a file named as a WARC.
    :raises OSError: the file cannot be read.
    """
    with path.open("rb") as stream:
        records = ArchiveIterator(stream, no_record_parse=True)
        try:
            record = next(records)
        except StopIteration:
            raise NotAWarc(f"{path} holds no WARC record") from None
        except Exception as exc:  # warcio on anything that is not a record
            raise NotAWarc(f"{path} is not a readable WARC file ({exc})") from None
        if not record.format.startswith("warc"):  # warcio reads almost any text as ARC
            raise NotAWarc(f"{path} is not a WARC file (its records read as {record.format!r})")


INDEX_PREFIX = "g60-warc-index-"


class IndexFailed(Exception):
    """The import's temporary index (in TMPDIR) could not be written or read: its message names its folder."""


def _alive(pid: int) -> bool:
    """Whether a process with this id runs (one of another user's counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def remove_stale_indexes() -> list[Path]:
    """Delete the index folders in TMPDIR that killed imports left: this user's, of a process no longer running.

    A folder is ``g60-warc-index-<pid>-<random>``; one without a pid in its name, another
    user's, or a running process's is kept. Returns the folders deleted.
    """
    removed = []
    try:
        entries = list(Path(tempfile.gettempdir()).glob(f"{INDEX_PREFIX}*"))
    except OSError:
        return removed
    for path in entries:
        found = re.match(r"([0-9]{1,10})-", path.name[len(INDEX_PREFIX):])
        try:
            st = path.lstat()
        except OSError:
            continue
        if not found or not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or _alive(int(found[1])):
            continue
        shutil.rmtree(path, ignore_errors=True)
        if not path.exists():
            removed.append(path)
    return removed


class RefIndex:
    """Record references kept in a temporary SQLite file, not in memory: memory does not grow with the WARC.

    Each reference is filed under a ``kind`` and a ``key`` (the import's: first pages,
    later pages and redirects by canonical URL; revisits by payload digest), read back
    in capture-time order or by key. The file is deleted by :meth:`close`.
    """

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix=f"{INDEX_PREFIX}{os.getpid()}-")
        self.folder = Path(self._dir.name)
        try:
            with self._guard():
                self._create()
        except BaseException:
            self._dir.cleanup()
            raise

    @contextmanager
    def _guard(self):
        """Turn an SQLite error of the index (its disk is TMPDIR's, not the archive's) into IndexFailed."""
        try:
            yield
        except sqlite3.Error as exc:
            raise IndexFailed(f"the temporary index in {self.folder} could not be used: {exc} (it is on "
                              "TMPDIR's disk, not the archive's: set TMPDIR to a folder with room)") from exc

    def _create(self) -> None:
        self.conn = sqlite3.connect(self.folder / "index.sqlite")
        self.conn.executescript(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -8192;"
            "CREATE TABLE refs (kind TEXT NOT NULL, key TEXT, at INTEGER NOT NULL, path INTEGER NOT NULL,"
            " offset INTEGER NOT NULL, url TEXT NOT NULL, date TEXT NOT NULL, status INTEGER NOT NULL,"
            " headers TEXT NOT NULL, rec_type TEXT NOT NULL);"
            "CREATE TABLE originals (digest TEXT PRIMARY KEY, path INTEGER, offset INTEGER) WITHOUT ROWID;")
        self._paths: list[Path] = []
        self._path_ids: dict[Path, int] = {}
        self._indexed = False

    def _path_id(self, path: Path) -> int:
        if path not in self._path_ids:
            self._path_ids[path] = len(self._paths)
            self._paths.append(path)
        return self._path_ids[path]

    def add(self, kind: str, key: str | None, ref: RecordRef) -> None:
        """File a reference.

        :param kind: what it is to the reader (``first``, ``later``, ``redirect`` ...).
        :param key: what it is looked up by (None: only read in order).
        :param ref: the reference.
        """
        at = (ref.date - _EPOCH) // timedelta(microseconds=1)  # exact order of aware datetimes
        with self._guard():
            self.conn.execute("INSERT INTO refs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                              (kind, key, at, self._path_id(ref.path), ref.offset, ref.url, ref.date.isoformat(),
                               ref.status, json.dumps(ref.headers, ensure_ascii=False), ref.rec_type))

    def note_original(self, digest: str, path: Path, offset: int) -> None:
        """Remember the first complete response with this payload digest (for revisits)."""
        with self._guard():
            self.conn.execute("INSERT OR IGNORE INTO originals VALUES (?, ?, ?)", (digest, self._path_id(path), offset))

    def original(self, digest: str) -> tuple[Path, int] | None:
        """Where the first response with this payload digest is, or None."""
        with self._guard():
            row = self.conn.execute("SELECT path, offset FROM originals WHERE digest = ?", (digest,)).fetchone()
        return (self._paths[row[0]], row[1]) if row else None

    def _ready(self) -> None:
        if not self._indexed:
            with self._guard():
                self.conn.commit()
                self.conn.execute("CREATE INDEX IF NOT EXISTS refs_order ON refs (kind, at, url)")
                self.conn.execute("CREATE INDEX IF NOT EXISTS refs_key ON refs (kind, key)")
            self._indexed = True

    def in_order(self, kind: str) -> Iterator[RecordRef]:
        """The references of a kind by capture time, then URL (one row in memory at a time)."""
        self._ready()
        yield from self._rows("SELECT * FROM refs WHERE kind = ? ORDER BY at, url, rowid", (kind,))

    def _rows(self, sql: str, params: tuple) -> Iterator[RecordRef]:
        """The references a query selects, one row in memory at a time (the index's errors as IndexFailed)."""
        with self._guard():
            cursor = self.conn.execute(sql, params)
        while True:
            with self._guard():
                row = cursor.fetchone()
            if row is None:
                return
            yield self._ref(row)

    def filed(self, kind: str) -> Iterator[tuple[str | None, RecordRef]]:
        """The (key, reference) pairs of a kind in the order they were filed."""
        self._ready()
        with self._guard():
            cursor = self.conn.execute("SELECT * FROM refs WHERE kind = ? ORDER BY rowid", (kind,))
        while True:
            with self._guard():
                row = cursor.fetchone()
            if row is None:
                return
            yield row[1], self._ref(row)

    def by_key(self, kind: str, key: str) -> list[RecordRef]:
        """The references of a kind filed under a key, in the order they were filed."""
        self._ready()
        with self._guard():
            rows = self.conn.execute("SELECT * FROM refs WHERE kind = ? AND key = ? ORDER BY rowid",
                                     (kind, key)).fetchall()
        return [self._ref(row) for row in rows]

    def count(self, kind: str) -> int:
        """How many references of a kind were filed."""
        with self._guard():
            return self.conn.execute("SELECT COUNT(*) FROM refs WHERE kind = ?", (kind,)).fetchone()[0]

    def _ref(self, row) -> RecordRef:
        _, _, _, path, offset, url, date, status, headers, rec_type = row
        return RecordRef(self._paths[path], offset, url, datetime.fromisoformat(date), status,
                         json.loads(headers), rec_type)

    def close(self) -> None:
        """Delete the file."""
        self.conn.close()
        self._dir.cleanup()

    def __enter__(self) -> RefIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def index_records(paths: list[Path], max_size: int, problems: Problems) -> Iterator[RecordRef]:
    """Pass 1: every complete response and resolvable revisit record, without its payload.

    Revisits wait, with the digests of the responses, in a :class:`RefIndex` (on disk),
    until every file is read.

    :param paths: WARC files (gzipped per record, or not compressed).
    :param max_size: payloads longer than this are skipped and counted (0: no limit).
    :param problems: counts refused and skipped records.
    """
    with RefIndex() as waiting:
        for path in paths:
            with path.open("rb") as stream:
                for ref, digest in _index_file(path, stream, max_size, problems):
                    if ref.rec_type == "revisit":
                        waiting.add("revisit", digest, ref)
                        continue
                    if digest:
                        waiting.note_original(digest, ref.path, ref.offset)
                    yield ref
        for digest, ref in waiting.filed("revisit"):
            where = waiting.original(digest) if digest else None
            if where is None:
                problems.unresolved_revisits += 1
                continue
            ref.path, ref.offset = where
            yield ref


def _index_file(path: Path, stream: BinaryIO, max_size: int, problems: Problems):
    # no_record_parse: the HTTP headers are parsed here, where a record without a URI cannot break warcio
    records = ArchiveIterator(stream, no_record_parse=True)
    seen = 0
    while True:
        try:
            record = next(records)
        except StopIteration:
            break
        except Exception as exc:  # warcio on a header cut in half or a garbled length
            if not seen:
                raise NotAWarc(f"{path} is not a readable WARC file ({exc})") from None
            problems.note("truncated", f"{path.name}@{records.offset}: unreadable record ({exc})")
            break
        if not record.format.startswith("warc"):  # warcio reads almost any text as ARC
            raise NotAWarc(f"{path} is not a WARC file (its records read as {record.format!r})")
        seen += 1
        offset = records.offset
        where = f"{path.name}@{offset}"
        wanted = record.rec_type in ("response", "revisit")
        http, why = _http_headers(records, record) if wanted else (None, None)
        size, complete = _drain(record)
        records.read_to_end()
        decompressor = records.reader.decompressor if records.reader else None
        if decompressor is not None and not decompressor.eof:
            complete = False  # the gzip member ends before its trailer: the file was cut
        if not complete:
            problems.note("truncated", f"{where}: record cut short")
            continue
        if not wanted:
            continue
        if why:
            problems.note("malformed", f"{where}: {why}")
            continue
        if max_size and size > max_size and record.rec_type == "response":
            problems.note("too_large", f"{where}: payload of {size} bytes over {max_size}")
            continue
        ref = _ref(path, offset, record, http, problems, where)
        if ref is not None:
            yield ref, record.rec_headers.get_header("WARC-Payload-Digest")
    if not seen:
        raise NotAWarc(f"{path} holds no WARC record")


def _http_headers(records: ArchiveIterator, record):
    """The HTTP status and headers at the start of a response or revisit block, or why they cannot be read."""
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    if not url.strip().lower().startswith(("http:", "https:")) or not isinstance(record.raw_stream, LimitReader):
        return None, None
    try:
        return records.loader.http_parser.parse(record.raw_stream), None
    except EOFError:
        return None, None  # a revisit without HTTP headers
    except Exception as exc:  # warcio's parser on garbage
        return None, f"unreadable HTTP headers ({exc})"


def _drain(record) -> tuple[int, bool]:
    """Read a record's remaining block in chunks: its size, and whether it was all there."""
    stream = record.raw_stream
    if not isinstance(stream, LimitReader):
        return 0, False  # no usable Content-Length
    size = 0
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
    return size, stream.limit == 0


def _ref(path: Path, offset: int, record, http, problems: Problems, where: str) -> RecordRef | None:
    """The record's reference, or None (counted) when its date, URL or status cannot be read."""
    url = record.rec_headers.get_header("WARC-Target-URI")
    date_text = record.rec_headers.get_header("WARC-Date")
    if not url or not date_text:
        problems.note("malformed", f"{where}: no {'WARC-Target-URI' if not url else 'WARC-Date'}")
        return None
    try:
        date = moment(date_text.strip().replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        problems.note("malformed", f"{where}: unparsable WARC-Date {date_text[:40]!r}")
        return None
    try:
        status = int(http.get_statuscode()) if http else 200
    except (TypeError, ValueError):
        problems.note("malformed", f"{where}: unparsable HTTP status line")
        return None
    if not 100 <= status <= 599:
        problems.note("malformed", f"{where}: HTTP status {status}")
        return None
    headers = dict(http.headers) if http else {}
    return RecordRef(path, offset, url.strip(), date, status, headers, record.rec_type)


class TooLarge(Exception):
    """A payload (after content decoding) is over the size limit."""


class PayloadReader:
    """Pass 2: read payloads by offset, one at a time, at most ``max_size`` bytes each.

    :param max_size: the size limit (0: none).
    """

    def __init__(self, max_size: int) -> None:
        self.max_size = max_size
        self._files: dict[Path, BinaryIO] = {}

    def read(self, ref: RecordRef) -> bytes:
        """The decoded payload of the record at ``ref``; raises :class:`TooLarge` past the limit."""
        stream = self._files.get(ref.path)
        if stream is None:
            stream = self._files[ref.path] = ref.path.open("rb")
        stream.seek(ref.offset)
        record = next(iter(ArchiveIterator(stream)))
        limit = self.max_size or None
        body = record.content_stream().read(limit + 1 if limit else None)
        if limit and len(body) > limit:
            raise TooLarge(f"{ref.url}: payload over {limit} bytes")
        return body

    def close(self) -> None:
        """Close the files read."""
        for stream in self._files.values():
            stream.close()
        self._files.clear()

    def __enter__(self) -> PayloadReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
