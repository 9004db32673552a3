"""Archived images (page requisites kept as captures) for the article page: found by URL, served by capture id."""

from __future__ import annotations

import json
import re
import sqlite3
import zlib
from collections.abc import Iterable

from ..normalize import canonical_url
from ..pages.decode import content_type

#: a plain image media type; anything else (parameters, other types, stray characters) is not served
_IMAGE_TYPE = re.compile(r"image/[a-z0-9][a-z0-9.+-]{0,126}")


def image_type(headers: dict) -> str | None:
    """The media type of stored response headers if it is an image type, lower-cased, without parameters.

    :param headers: the capture's headers as stored (any letter case).
    """
    value = content_type(headers) if isinstance(headers, dict) else None
    if not isinstance(value, str):
        return None
    media = value.split(";", 1)[0].strip().lower()
    return media if _IMAGE_TYPE.fullmatch(media) else None


def _headers(text: str) -> dict:
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def image_captures(conn: sqlite3.Connection, urls: Iterable[str]) -> dict[str, int]:
    """For each URL with an archived image (a 200 capture of an image type), the latest such capture's id.

    :param conn: the archive.
    :param urls: image URLs as an article lists them (compared in canonical form).
    """
    found = {}
    for url in urls:
        if not isinstance(url, str) or not url:
            continue
        rows = conn.execute("SELECT id, headers FROM captures WHERE url = ? AND status = 200 "
                            "ORDER BY last_fetched DESC, id DESC", (canonical_url(url),))
        for capture_id, headers in rows:
            if image_type(_headers(headers)):
                found[url] = capture_id
                break
    return found


def image_capture(conn: sqlite3.Connection, capture_id: int) -> tuple[bytes, str] | None:
    """The bytes and media type of a capture that is an image the portal answered 200; None otherwise.

    :param conn: the archive.
    :param capture_id: the capture's id.
    """
    row = conn.execute("SELECT c.status, c.headers, b.data, b.compression FROM captures c "
                       "JOIN blobs b ON b.sha256 = c.sha256 WHERE c.id = ?", (capture_id,)).fetchone()
    if row is None or row[0] != 200:
        return None
    media = image_type(_headers(row[1]))
    if media is None:
        return None
    data, compression = row[2], row[3]
    try:
        return (zlib.decompress(data) if compression == "zlib" else bytes(data)), media
    except zlib.error:  # a damaged blob is no image
        return None
