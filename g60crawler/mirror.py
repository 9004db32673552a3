"""The on-disk mirror of the portal: one file per URL, with optional sidecars.

Layout (fixtures/README.md): ``<root>/<host>/<path>``; a URL ending in ``/``
is served from ``index.shtml`` in that folder; ``<file>.http.json`` gives a
status and headers where the defaults do not fit. Used by the replay
middleware and by the test HTTP server, so both answer alike.
"""

from __future__ import annotations

import json
import mimetypes
import re
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

SIDECAR_SUFFIX = ".http.json"
INDEX_FILE = "index.shtml"
_SAFE_SEGMENT = re.compile(r"^[^/\\\x00]+$")

_DEFAULT_TYPES = {".shtml": "text/html", ".html": "text/html", ".htm": "text/html", ".txt": "text/plain"}


class UnsafePath(ValueError):
    """A URL whose path would leave the mirror folder."""


@dataclass
class MirrorResponse:
    status: int
    headers: dict[str, str]
    body: bytes


def url_to_path(root: Path, url: str) -> Path:
    """The mirror file for a URL; never a path outside ``root``.

    :param root: the mirror folder (``fixtures/site``).
    :param url: an absolute http(s) URL.
    :raises UnsafePath: for ``..`` segments, NUL bytes, backslashes or an empty host.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host or not _SAFE_SEGMENT.match(host) or host in (".", ".."):
        raise UnsafePath(f"no usable host in {url!r}")
    path = unquote(parts.path or "/")
    segments = path.split("/")[1:]
    if not segments or segments[-1] == "":
        segments = [s for s in segments if s] + [INDEX_FILE]
    segments = [s for s in segments if s]
    for segment in segments:
        if segment in (".", "..") or not _SAFE_SEGMENT.match(segment):
            raise UnsafePath(f"unsafe path segment {segment!r} in {url!r}")
    if parts.query:
        segments[-1] += "%3F" + quote(parts.query, safe="=&")
    root = root.resolve()
    target = root.joinpath(host, *segments).resolve()
    if root not in target.parents:
        raise UnsafePath(f"{url!r} maps outside the mirror")
    return target


def read_response(root: Path, url: str, request_headers: dict[str, str] | None = None) -> MirrorResponse:
    """The response the mirror holds for a URL; a 404 when it holds none.

    :param request_headers: the request's headers: a conditional request
        (``If-None-Match``, ``If-Modified-Since``) for a page whose sidecar gives
        an ``ETag`` or ``Last-Modified`` is answered 304 when it still matches.
    """
    try:
        path = url_to_path(root, url)
    except UnsafePath:
        return not_found()
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    meta = json.loads(sidecar.read_text("utf-8")) if sidecar.is_file() else {}
    if not path.is_file() and not meta:
        return not_found()
    body = path.read_bytes() if path.is_file() else b""
    headers = {"Content-Type": _default_type(path)}
    headers.update(meta.get("headers", {}))
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
