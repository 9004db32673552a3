"""Scrapy's header objects as the plain dicts the archive and the mirror keep."""

from __future__ import annotations


def headers_dict(headers) -> dict[str, str]:
    """``Headers`` (bytes keys, lists of bytes values) as ``{name: "v1, v2"}`` text."""
    return {key.decode("latin-1"): b", ".join(values).decode("latin-1") for key, values in headers.items()}
