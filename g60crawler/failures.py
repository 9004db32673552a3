"""Why a request failed, in words an operator can count: a short reason and the detail."""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

#: (text found in an IgnoreRequest's message, reason)
_IGNORED = (
    ("soft 404", "soft 404"),
    ("max redirections", "redirect loop"),
    ("redirect loop", "redirect loop"),
    ("offsite", "offsite redirect"),
    ("robots.txt", "forbidden by robots.txt"),
    ("DOWNLOAD_MAXSIZE", "too large"),
    ("download max size", "too large"),
)
#: (exception class name, reason) for download errors
_ERRORS = {
    "TimeoutError": "timeout",
    "DownloadTimeoutError": "timeout",
    "DownloadConnectionRefusedError": "connection refused",
    "DownloadFailedError": "connection lost",
    "ResponseDataLossError": "data loss",
    "TCPTimedOutError": "timeout",
    "DNSLookupError": "dns lookup failed",
    "CannotResolveHostError": "dns lookup failed",  # Scrapy >= 2.15's name for it
    "UnsupportedURLSchemeError": "unsupported URL scheme",
    "ConnectionRefusedError": "connection refused",
    "ConnectionLost": "connection lost",
    "ConnectionDone": "connection lost",
    "ResponseNeverReceived": "connection lost",
    "_DataLoss": "data loss",
    "ResponseFailed": "connection lost",
    "CancelledError": "too large",
    "DownloadCancelledError": "too large",  # Scrapy cancels a body past DOWNLOAD_MAXSIZE
}


def failure_reason(failure) -> tuple[str, str]:
    """(reason, detail) of a Twisted failure from a request's errback."""
    exc = failure.value
    detail = str(exc)[:500]
    if failure.check(HttpError):
        return f"http {exc.response.status}", detail
    if failure.check(IgnoreRequest):
        for needle, reason in _IGNORED:
            if needle.lower() in detail.lower():
                return reason, detail
        return "ignored", detail
    name = type(exc).__name__
    if name == "ResponseFailed" and "DataLoss" in repr(exc):
        return "data loss", detail or repr(exc)[:500]
    if name == "ResponseNeverReceived" and "DataLoss" in repr(exc):
        return "data loss", repr(exc)[:500]
    return _ERRORS.get(name, name), detail or repr(exc)[:500]
