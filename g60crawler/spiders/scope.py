"""Where a URL lies for the crawl: in the channel, on the portal's hosts, in which section (portal file)."""

from __future__ import annotations

from urllib.parse import urlsplit

from .. import portal


def on_portal(url: str) -> bool:
    """Is the URL the channel's: on its hosts and under its path prefix (portal file)?"""
    return portal.current().in_scope(url)


def on_host(url: str) -> bool:
    """Is the URL on one of the portal's hosts (attachments and page requisites may lie outside the channel's path)?"""
    return (urlsplit(url).hostname or "").lower() in portal.current().hosts


def section_of(url: str) -> str | None:
    """The slug of the portal section the URL belongs to, or None."""
    return portal.current().section_of(url)
