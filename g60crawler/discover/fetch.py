"""Fetching for discover: live and polite (user agent, delay, robots.txt), or from a replay mirror."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
import urllib.robotparser
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from ..mirror import UnsafePath, read_response, write_response

MAX_REDIRECTS = 5


@dataclass
class Fetched:
    url: str  # where the body came from (after redirects)
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def problem(self) -> str:
        """Why the page is not usable: ``HTTP 404``, or the network's reason (``connection refused``)."""
        reason = next((v for k, v in self.headers.items() if k.lower() == "x-discover"), "")
        if self.status:
            return f"HTTP {self.status}" + (f" ({reason})" if reason else "") + (", empty body" if self.status == 200 and not self.body else "")
        return f"not reachable: {reason or 'network error'}"

    @property
    def content_type(self) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == "content-type"), None)


class Fetcher:
    """Fetch pages one at a time.

    :param replay: a mirror folder to answer from instead of the network (as ``G60_REPLAY_DIR``).
    :param record: a folder to save every response into (as ``G60_RECORD_DIR``).
    :param user_agent: the live requests' user agent.
    :param delay: seconds between live requests.
    """

    def __init__(self, replay: Path | None = None, record: Path | None = None,
                 user_agent: str = "g60crawler", delay: float = 1.0, timeout: float = 30.0) -> None:
        self.replay, self.record = replay, record
        self.user_agent, self.delay, self.timeout = user_agent, delay, timeout
        self.count = 0
        self._last = 0.0
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}

    def get(self, url: str) -> Fetched:
        """The final response for a URL, redirects followed (each hop recorded)."""
        for _ in range(MAX_REDIRECTS + 1):
            got = self._one(url)
            location = next((v for k, v in got.headers.items() if k.lower() == "location"), None)
            if got.status in (301, 302, 303, 307, 308) and location:
                url = urljoin(url, location)
                continue
            return got
        return Fetched(url, 0, {"X-Discover": f"more than {MAX_REDIRECTS} redirects (a redirect loop?)"}, b"")

    def _one(self, url: str) -> Fetched:
        self.count += 1
        if self.replay is not None:
            try:
                saved = read_response(self.replay, url)
            except UnsafePath:
                return Fetched(url, 404, {}, b"")
            got = Fetched(url, saved.status, dict(saved.headers), saved.body)
        else:
            got = self._live(url)
        if self.record is not None and got.status:
            write_response(self.record, url, got.status, got.headers, got.body)
        return got

    def _allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        if key not in self._robots:
            robots = urllib.robotparser.RobotFileParser(f"{key}/robots.txt")
            try:
                robots.read()
            except (OSError, ValueError):
                robots.allow_all = True
            self._robots[key] = robots
        return self._robots[key].can_fetch(self.user_agent, url)

    def _live(self, url: str) -> Fetched:
        if not self._allowed(url):
            return Fetched(url, 403, {"X-Discover": "disallowed by robots.txt"}, b"")
        wait = self._last + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
        try:
            with opener.open(request, timeout=self.timeout) as response:
                got = Fetched(url, response.status, dict(response.headers.items()), response.read())
        except urllib.error.HTTPError as exc:
            got = Fetched(url, exc.code, dict(exc.headers.items()) if exc.headers else {}, exc.read() or b"")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            got = Fetched(url, 0, {"X-Discover": str(getattr(exc, "reason", exc))}, b"")
        self._last = time.monotonic()
        return got
