"""Decoding page bytes as a browser would, and catching mislabelled UTF-8."""

from __future__ import annotations

import codecs

from w3lib.encoding import html_body_declared_encoding, html_to_unicode, http_content_type_encoding

_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz"}
_SERVER_DEFAULTS = {"latin-1", "iso8859-1", "cp1252", "ascii"}


def content_type(headers: dict[str, str]) -> str | None:
    """The Content-Type of a headers dict (any letter case), as decode_html takes it."""
    return next((v for k, v in headers.items() if k.lower() == "content-type"), None)


def _name(encoding: str) -> str:
    return codecs.lookup(encoding).name


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode an HTML body: (text, encoding used).

    Starts from what Scrapy does (HTTP charset, then BOM, then ``<meta>``, with
    gb2312 read as gb18030, as browsers do), then corrects two real-world lies:
    bytes that are valid UTF-8 under a declared GB charset (Scrapy would give
    mojibake), and a header charset the bytes do not decode in while the
    ``<meta>`` one does.

    :param body: the raw response body.
    :param content_type: the ``Content-Type`` header, or None (as for a file).
    """
    encoding, text = html_to_unicode(content_type, body)
    encoding = _name(encoding)
    if encoding in _GB_FAMILY and not body.isascii():
        as_utf8 = _strict(body, "utf-8")
        if as_utf8 is not None:
            return as_utf8.removeprefix("\ufeff"), "utf-8"
    header = http_content_type_encoding(content_type) if content_type else None
    if header and encoding in _SERVER_DEFAULTS:
        # a web server's default latin-1 decodes any bytes: trust a CJK <meta> over it
        declared = html_body_declared_encoding(body)
        if declared and _name(declared) not in _SERVER_DEFAULTS:
            decoded = _strict(body, "gb18030" if _name(declared) in _GB_FAMILY else declared)
            if decoded is not None:
                return decoded, "gb18030" if _name(declared) in _GB_FAMILY else _name(declared)
    if header and _strict(body, encoding) is None:
        declared = html_body_declared_encoding(body)
        for candidate in (declared, "utf-8", "gb18030"):
            if candidate and _name(candidate) != encoding:
                decoded = _strict(body, candidate)
                if decoded is not None:
                    return decoded, _name(candidate)
    return text, encoding
