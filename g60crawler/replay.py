"""Replay: answer requests from the saved mirror instead of the network."""

from __future__ import annotations

from pathlib import Path

from scrapy.exceptions import NotConfigured
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes

from .mirror import read_response


class ReplayMiddleware:
    """A downloader middleware that serves every request from a mirror folder.

    Each response keeps the mirror's status, headers and raw bytes, so charsets
    are decoded as they would be live; a URL the mirror lacks answers 404.

    :param root: the mirror folder (``G60_REPLAY_DIR``).
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise ValueError(f"G60_REPLAY_DIR {str(root)!r} is not a folder")

    @classmethod
    def from_crawler(cls, crawler):
        root = crawler.settings.get("G60_REPLAY_DIR")
        if not root:
            raise NotConfigured("G60_REPLAY_DIR is not set")
        return cls(root)

    def process_request(self, request):
        asked = {k.decode("latin-1"): b",".join(v).decode("latin-1") for k, v in request.headers.items()}
        saved = read_response(self.root, request.url, asked)
        headers = Headers(saved.headers)
        cls = responsetypes.from_args(headers=headers, url=request.url, body=saved.body)
        return cls(url=request.url, status=saved.status, headers=headers, body=saved.body,
                   request=request, flags=["replay"])
