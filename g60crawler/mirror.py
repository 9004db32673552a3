"""The on-disk mirror of the portal: one file per URL, with optional sidecars.

Layout (fixtures/README.md): ``<root>/<host>/<path>``; a URL ending in ``/``
is served from ``index.shtml`` in that folder; ``<file>.http.json`` gives a
status and headers where the defaults do not fit. Used by the replay
middleware and by the test HTTP server, so both answer alike.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import stat
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

SIDECAR_SUFFIX = ".http.json"
INDEX_FILE = "index.shtml"
#: Names the mirror uses beside pages: a URL's file name must never end like one of them.
RESERVED_SUFFIXES = (SIDECAR_SUFFIX, ".expected.json", ".expected-failure.json", ".joined.expected.json")
MAX_NAME_BYTES = 200
#: A sidecar holds a status and headers: anything larger is not one.
MAX_SIDECAR_BYTES = 1024 * 1024
_KEEP = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-~=&,+!$'()@")

_DEFAULT_TYPES = {".shtml": "text/html", ".html": "text/html", ".htm": "text/html", ".txt": "text/plain"}


class UnsafePath(ValueError):
    """A URL that cannot have a place in the mirror (no host)."""


class Unreadable(ValueError):
    """A file that is not read: not a regular file (a FIFO, a device), or larger than the limit."""


class TooLarge(Unreadable):
    """A file over the size limit; ``size`` is its size in bytes (at least that, if it grew)."""

    def __init__(self, path, size: int, limit: int) -> None:
        super().__init__(f"{path}: {size} bytes, over the limit of {limit}")
        self.size, self.limit = size, limit


_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def read_file(path: str | os.PathLike, limit: int = 0) -> bytes:
    """The bytes of a regular file, its type and size checked before anything is read.

    Opened without blocking (a FIFO does not wait for a writer) and read up to
    ``limit + 1`` bytes at most, so a file that grows is caught too.

    :param path: the file.
    :param limit: the largest size accepted, in bytes (0: no limit).
    :raises Unreadable: not a regular file; TooLarge: over ``limit``.
    :raises OSError: it cannot be opened.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    try:
        info = os.fstat(fd)
    except OSError:
        os.close(fd)
        raise
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a regular file")
        raise Unreadable(f"{os.fspath(path)}: {kind}, not a regular file")
    if limit and info.st_size > limit:
        os.close(fd)
        raise TooLarge(os.fspath(path), info.st_size, limit)
    with open(fd, "rb", closefd=True) as f:
        data = f.read(limit + 1) if limit else f.read()
    if limit and len(data) > limit:
        raise TooLarge(os.fspath(path), len(data), limit)
    return data


def _inside(root: Path, path: Path) -> bool:
    """Whether a path, its links followed, is inside the (resolved) mirror folder."""
    return root in path.resolve().parents


@dataclass
class MirrorResponse:
    status: int
    headers: dict[str, str]
    body: bytes


def _quote(text: str) -> str:
    """Plain characters as they are, anything else (``%`` included) as upper-case %XX of its UTF-8."""
    return "".join(chr(b) if b in _KEEP else f"%{b:02X}" for b in text.encode("utf-8"))


def _name(quoted: str) -> str:
    """A quoted URL part made a safe, distinct file name.

    ``.`` and ``..`` and names ending like a sidecar are encoded too, and names
    too long for a file system are cut and suffixed with a hash of the whole.
    """
    name = quoted
    if name in ("", ".", ".."):
        name = name.replace(".", "%2E") or "%2F"  # an empty segment (//) has a name of its own
    if name.endswith(RESERVED_SUFFIXES):
        stem, _, ext = name.rpartition(".")
        name = f"{stem}%2E{ext}"
    if len(name) > MAX_NAME_BYTES:
        name = f"{name[:150]}~{hashlib.sha256(name.encode()).hexdigest()[:16]}"
    return name


def _encode(text: str) -> str:
    """One file name for one URL part; injective, since ``%`` itself is encoded."""
    return _name(_quote(text))


def url_to_path(root: Path, url: str) -> Path:
    """The mirror file for a URL: always inside ``root``; distinct URLs, distinct files.

    A folder URL (``/g60zx/``) is its ``index.shtml``, as on the portal's web
    server: the one place where two URLs (``/g60zx/`` and ``/g60zx/index.shtml``)
    name one resource and one file.

    :param root: the mirror folder (``fixtures/site``).
    :param url: an absolute http(s) URL (its fragment is ignored: it is never sent).
    :raises UnsafePath: for a URL without a host.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        raise UnsafePath(f"no host in {url!r}")
    if parts.port not in (None, 80, 443):
        host = f"{host}:{parts.port}"
    raw_segments = (parts.path or "/").split("/")[1:]
    if raw_segments[-1] == "":
        raw_segments[-1] = INDEX_FILE
    names = [_encode(unquote(seg)) for seg in raw_segments]
    if parts.query:
        # _quote writes upper-case hex, so a lower-case "%3f" can only be this separator:
        # x.shtml?a=1 and a literal x.shtml%3Fa=1 get different files
        names[-1] = _name(f"{_quote(unquote(raw_segments[-1]))}%3f{_quote(unquote(parts.query))}")
    root = root.resolve()
    target = root.joinpath(_encode(host), *names)
    # the encoding keeps names inside; a symlink in the mirror could still point out of it
    if not _inside(root, target) or not _inside(root, target.with_name(target.name + SIDECAR_SUFFIX)):
        raise UnsafePath(f"{url!r} maps outside the mirror")
    return target


def write_response(root: Path, url: str, status: int, headers: dict[str, str], body: bytes) -> Path:
    """Save one response in the mirror layout (the file and its sidecar); returns the file.

    The sidecar keeps the status and the headers as received, except the
    connection-level ones (Transfer-Encoding, Connection); a server of the
    mirror sets Content-Length from the body it sends.
    """
    path = url_to_path(root, url)
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = {k: v for k, v in headers.items() if k.lower() not in ("transfer-encoding", "connection")}
    _atomic_write(path, body)
    _atomic_write(path.with_name(path.name + SIDECAR_SUFFIX),
                  json.dumps({"status": status, "headers": kept}, ensure_ascii=False, indent=2).encode("utf-8"))
    return path


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name[:100]}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def read_response(root: Path, url: str, request_headers: dict[str, str] | None = None,
                  maxsize: int = 0) -> MirrorResponse:
    """The response the mirror holds for a URL; a 404 when it holds none.

    A page or a sidecar that is a symlink out of the mirror is not read (a 404,
    as for a URL that maps outside it).

    :param request_headers: the request's headers: a conditional request
        (``If-None-Match``, ``If-Modified-Since``) for a page whose sidecar gives
        an ``ETag`` or ``Last-Modified`` is answered 304 when it still matches.
    :param maxsize: the largest body read, in bytes (0: no limit); checked before reading.
    :raises Unreadable: a page that is not a regular file (a FIFO, a device), or over ``maxsize``.
    """
    try:
        path = url_to_path(root, url)
    except UnsafePath:
        return not_found()
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    meta = json.loads(read_file(sidecar, MAX_SIDECAR_BYTES).decode("utf-8")) if sidecar.exists() else {}
    present = path.exists() and not path.is_dir()  # a folder is a URL without a page of its own
    if not present and not meta:
        return not_found()
    body = read_file(path, maxsize) if present else b""
    headers = dict(meta.get("headers", {}))  # as recorded, in their order
    if not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = _default_type(path)
    status = int(meta.get("status", 200))
    if status == 200 and request_headers and not_modified(headers, request_headers):
        return MirrorResponse(304, {k: v for k, v in headers.items() if k.lower() in ("etag", "last-modified")}, b"")
    return MirrorResponse(status, headers, body)


def not_modified(response_headers: dict[str, str], request_headers: dict[str, str]) -> bool:
    """Whether a conditional request still matches (RFC 9110: If-None-Match wins over If-Modified-Since)."""
    have = {k.lower(): v for k, v in response_headers.items()}
    ask = {k.lower(): v for k, v in request_headers.items()}
    if "if-none-match" in ask:
        etag = have.get("etag")
        return etag is not None and (ask["if-none-match"].strip() == "*" or etag in
                                     [t.strip() for t in ask["if-none-match"].split(",")])
    if "if-modified-since" in ask and "last-modified" in have:
        try:
            return parsedate_to_datetime(have["last-modified"]) <= parsedate_to_datetime(ask["if-modified-since"])
        except (TypeError, ValueError):
            return False
    return False


def not_found() -> MirrorResponse:
    return MirrorResponse(404, {"Content-Type": "text/html"}, b"<html><body><h1>404 Not Found</h1></body></html>")


def _default_type(path: Path) -> str:
    return _DEFAULT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
