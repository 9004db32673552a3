"""Replay and record: answer requests from a saved mirror, or save every response into one."""

from __future__ import annotations

from pathlib import Path

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes

from .httpheaders import headers_dict
from .mirror import TooLarge, Unreadable, read_response, write_response


class ReplayMiddleware:
    """A downloader middleware that serves every request from a mirror folder.

    Each response keeps the mirror's status, headers and raw bytes, so charsets
    are decoded as they would be live; a URL the mirror lacks answers 404.

    :param root: the mirror folder (``G60_REPLAY_DIR``).
    """

    def __init__(self, root: str | Path, maxsize: int = 0) -> None:
        self.root = Path(root)
        self.maxsize = maxsize
        if not self.root.is_dir():
            raise ValueError(f"G60_REPLAY_DIR {str(root)!r} is not a folder")

    @classmethod
    def from_crawler(cls, crawler):
        root = crawler.settings.get("G60_REPLAY_DIR")
        if not root:
            raise NotConfigured  # no message: a live crawl need not hear about it
        return cls(root, crawler.settings.getint("DOWNLOAD_MAXSIZE"))

    def process_request(self, request):
        maxsize = request.meta.get("download_maxsize", self.maxsize)
        try:
            # the size is checked before the file is read, and at most maxsize bytes are read
            saved = read_response(self.root, request.url, headers_dict(request.headers), maxsize)
        except TooLarge as exc:
            # what the downloader does with a body over the limit, so replay fails the same way
            raise IgnoreRequest(f"Cancelling download of {request.url}: expected response size "
                                f"({exc.size}) larger than download max size ({maxsize}).") from None
        except (Unreadable, OSError) as exc:
            raise IgnoreRequest(f"Cannot replay {request.url}: {exc}") from None
        headers = Headers(saved.headers)
        cls = responsetypes.from_args(headers=headers, url=request.url, body=saved.body)
        return cls(url=request.url, status=saved.status, headers=headers, body=saved.body,
                   request=request, flags=["replay"])


class RecordMiddleware:
    """A downloader middleware that saves every response into a mirror folder (``G60_RECORD_DIR``).

    It sits where ReplayMiddleware sits, next to the downloader, so it sees each
    response as it came off the wire: status, headers, raw (still compressed)
    bytes, redirects included; replaying the folder with ``G60_REPLAY_DIR``
    gives the crawl the same responses.

    :param root: the folder to write (created if missing).
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    @classmethod
    def from_crawler(cls, crawler):
        root = crawler.settings.get("G60_RECORD_DIR")
        if not root:
            raise NotConfigured
        return cls(root)

    def process_response(self, request, response):
        write_response(self.root, request.url, response.status, headers_dict(response.headers), response.body)
        return response
