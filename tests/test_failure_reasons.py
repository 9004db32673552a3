"""Download errors are recorded as reasons in words, whichever Scrapy or Twisted class raised them."""

from __future__ import annotations

import pytest
import scrapy.exceptions
from twisted.internet import error as twisted_error
from twisted.python.failure import Failure

from g60crawler.failures import failure_reason


def _scrapy(name: str):
    cls = getattr(scrapy.exceptions, name, None)
    if cls is None:  # an older Scrapy (the declared floor) lacks the newer names: build one alike
        cls = type(name, (Exception,), {})
    return cls("boom")


@pytest.mark.parametrize("exc, reason", [
    (twisted_error.DNSLookupError("g60.example"), "dns lookup failed"),
    (_scrapy("CannotResolveHostError"), "dns lookup failed"),
    (_scrapy("DownloadTimeoutError"), "timeout"),
    (twisted_error.TimeoutError(), "timeout"),
    (_scrapy("DownloadConnectionRefusedError"), "connection refused"),
    (twisted_error.ConnectionRefusedError(), "connection refused"),
    (_scrapy("UnsupportedURLSchemeError"), "unsupported URL scheme"),
])
def test_download_errors_have_reasons_in_words(exc, reason):
    assert failure_reason(Failure(exc))[0] == reason
