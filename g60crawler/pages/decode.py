"""Decoding page bytes: the labels propose, the bytes decide.

A page's HTTP charset, its ``<meta>`` and its bytes can disagree (the portal
serves plain ``text/html``; older pages are GBK, newer UTF-8, and templates
carry stale declarations). A label is used only if the bytes decode cleanly in
it; otherwise the next candidate is tried: GB18030 first for this portal.
"""

from __future__ import annotations

import codecs

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

#: Read as GB18030, as browsers do: it is a superset of them all.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz"}
#: A web server's default charset: it decodes any bytes, so it proves nothing.
_SERVER_DEFAULTS = {"latin-1", "iso8859-1", "cp1252", "ascii"}
#: What this portal's pages are when their labels lie, most likely first.
_PORTAL_GUESSES = ("gb18030", "utf-8")


def content_type(headers: dict[str, str]) -> str | None:
    """The Content-Type of a headers dict (any letter case), as decode_html takes it."""
    return next((v for k, v in headers.items() if k.lower() == "content-type"), None)


def _name(encoding: str | None) -> str | None:
    """The codec's canonical name (gb2312 and gbk as gb18030); None if Python has no such codec."""
    if not encoding:
        return None
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None
    return "gb18030" if name in _GB_FAMILY else name


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except UnicodeDecodeError:
        return None


def candidates(body: bytes, content_type: str | None) -> list[str]:
    """Encodings to try, in order: header, ``<meta>``, the portal's guesses, then declared server defaults.

    Valid UTF-8 that is not ASCII goes first whatever the labels say: GB bytes
    are practically never valid UTF-8, while UTF-8 bytes often decode (as
    mojibake) in GB18030.

    :param body: the raw response body.
    :param content_type: the ``Content-Type`` header, or None.
    """
    declared = [_name(http_content_type_encoding(content_type) if content_type else None),
                _name(html_body_declared_encoding(body))]
    order = [e for e in declared if e and e not in _SERVER_DEFAULTS]
    if not body.isascii() and _strict(body, "utf-8") is not None:
        order.insert(0, "utf-8")
    guesses = _PORTAL_GUESSES[::-1] if body.isascii() else _PORTAL_GUESSES  # ASCII: the same text in both
    order += [*guesses, *(e for e in declared if e in _SERVER_DEFAULTS)]
    return list(dict.fromkeys(order))


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode an HTML body: (text, encoding used).

    A byte-order mark decides; else the first candidate (see :func:`candidates`)
    that decodes the bytes without error; if none does, the one that needs the
    fewest U+FFFD replacements (ties to the earlier candidate).

    :param body: the raw response body.
    :param content_type: the ``Content-Type`` header, or None (as for a file).
    """
    bom_encoding, bom = read_bom(body)
    if bom_encoding and bom:
        text = _strict(body[len(bom):], bom_encoding)
        if text is not None:
            return text, _name(bom_encoding) or bom_encoding
    if not body.isascii():
        # valid UTF-8 that is not ASCII is the first candidate whatever the labels say (see candidates):
        # decoded once here, without reading the labels
        text = _strict(body, "utf-8")
        if text is not None:
            return text, "utf-8"
    tried = candidates(body, content_type)
    for encoding in tried:
        text = _strict(body, encoding)
        if text is not None:
            return text, encoding
    decoded = [(body.decode(e, errors="replace"), e) for e in tried]
    return min(decoded, key=lambda pair: pair[0].count("\ufffd"))
