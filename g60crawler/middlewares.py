"""Downloader middlewares: retries that back off and honour Retry-After; redirects kept on the portal."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from urllib.parse import urljoin, urlsplit

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.response import response_status_message

from . import settings as defaults
from . import normalize, portal
from .httpheaders import headers_dict
from .pages.notfound import page_kind

logger = logging.getLogger(__name__)


def retry_delay(attempt: int, retry_after: str | None, base: float, cap: float,
                now: datetime | None = None) -> float:
    """Seconds to wait before retry number ``attempt`` (1, 2, ...).

    Exponential (base, 2*base, 4*base ...), never less than a server's
    ``Retry-After`` (seconds or an HTTP date), never more than ``cap``.
    """
    delay = base * (2 ** max(0, attempt - 1))
    if retry_after:
        value = retry_after.strip()
        try:
            asked = float(value)
        except ValueError:
            try:
                when = parsedate_to_datetime(value)
                asked = (when - (now or datetime.now(timezone.utc))).total_seconds()
            except (TypeError, ValueError):
                asked = 0.0
        delay = max(delay, asked)
    return max(0.0, min(delay, cap))


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries (same codes, exceptions and RETRY_TIMES), with a growing wait between tries.

    Settings: ``G60_RETRY_BACKOFF`` (first wait, seconds) and ``G60_RETRY_MAX_WAIT``
    (no wait longer, whatever Retry-After asks).
    """

    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("G60_RETRY_BACKOFF", defaults.G60_RETRY_BACKOFF)
        self.cap = settings.getfloat("G60_RETRY_MAX_WAIT", defaults.G60_RETRY_MAX_WAIT)

    async def process_response(self, request, response):
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        retry_after = response.headers.get("Retry-After")
        await self._wait(retry, retry_after.decode("latin-1") if retry_after else None)
        return retry

    async def process_exception(self, request, exception):
        if request.meta.get("dont_retry", False) or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await self._wait(retry, None)
        return retry

    async def _wait(self, retry, retry_after: str | None) -> None:
        delay = retry_delay(retry.meta.get("retry_times", 1), retry_after, self.base, self.cap)
        if delay > 0:
            logger.info("retrying %s in %.1f s", retry.url, delay)
            self.crawler.stats.inc_value("g60/retry/waited_seconds", delay)
            await asyncio.sleep(delay)


def _loops(chain: list[str], target: str) -> bool:
    """True if a redirect to ``target`` comes back to a URL of ``chain`` (the URLs fetched so far, last is current).

    URLs are compared in their canonical form, so a loop through http and https, host
    case, a default port, tracking parameters or a fragment is caught; one step that only
    respells the current URL (an upgrade to https) is not a loop, a second one is.

    :param chain: the URLs of the redirect chain, the one being fetched last.
    :param target: the URL the response redirects to.
    """
    if target.split("#", 1)[0] in chain:
        return True
    key = normalize.canonical_url(target)
    return any(normalize.canonical_url(url) == key for url in chain[:-1])


class RedirectGuardMiddleware:
    """Refuse a redirect off the portal's hosts, back into its own chain, or off an article, before it is followed.

    An offsite redirect would be recorded under the other host's URL; an
    article sent to the home page or a section list page (often already
    requested, which Scrapy's duplicate filter would drop silently) is not the
    article. Each ends as a failure of the URL the crawl asked for ("offsite
    redirect", "redirect loop", "soft 404"). The spider's article requests are
    not filtered as duplicates, so a redirect to another article reaches it and
    is judged there. Runs just before RedirectMiddleware.
    """

    def __init__(self, allowed_hosts: set[str]) -> None:
        self.allowed_hosts = allowed_hosts

    @classmethod
    def from_crawler(cls, crawler):
        spider = getattr(crawler, "spider", None) or crawler.spidercls
        hosts = {h.lower() for h in getattr(spider, "allowed_domains", []) or []}
        return cls(hosts)

    def process_response(self, request, response):
        location = response.headers.get("Location")
        if response.status not in (301, 302, 303, 307, 308) or not location:
            return response
        target = urljoin(request.url, location.decode("latin-1").strip())
        host = (urlsplit(target).hostname or "").lower()
        if self.allowed_hosts and host not in self.allowed_hosts:
            raise IgnoreRequest(f"offsite redirect to {host or target!r}")
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if _loops(chain, target):
            raise IgnoreRequest(f"redirect loop: {' -> '.join(chain + [target])}"[:500])
        where = page_kind(target) if portal.current().is_article(chain[0]) else None
        if where:
            raise IgnoreRequest(f"soft 404: redirected to {where}: {target}"[:500])
        # keep the redirect itself: RedirectMiddleware copies meta to the next request, so the
        # spider finds it on the final response and the archive keeps it as a capture
        request.meta.setdefault("g60_redirects", []).append(
            (request.url, response.status, headers_dict(response.headers), response.body))
        return response
