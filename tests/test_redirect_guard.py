"""The redirect guard alone, with Scrapy's own redirect middleware: a loop is caught whatever its spelling.

A chain that comes back to a URL it already went through is a loop, even when it
comes back spelled otherwise (another scheme, host case, default port, tracking
parameters, a fragment, ``index.shtml``): the URLs are compared in their canonical
form (:func:`g60crawler.normalize.canonical_url`). One step that only respells the
URL being fetched (http -> https) is no loop: the new spelling is followed.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from scrapy import Request, Spider
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.settings import Settings

from g60crawler.middlewares import RedirectGuardMiddleware

from .conftest import HOST

A = f"http://{HOST}/g60zx/2023/0606/1630012.shtml"
B = f"http://{HOST}/g60zx/2023/0607/1630013.shtml"
S = A.replace("http://", "https://")
LIST = f"http://{HOST}/g60zx/"


def follow(urls: list[str]) -> str:
    """Fetch urls[0], each answering a 301 to the next; where the chain ends ("followed" or the refusal)."""
    # a stand-in crawler: scrapy.utils.test.get_crawler needs an installed reactor on Scrapy 2.14 (the floor)
    crawler = SimpleNamespace(settings=Settings({"REDIRECT_MAX_TIMES": 20}), spider=Spider("test"))
    redirect = RedirectMiddleware(crawler.settings)
    redirect.crawler = crawler
    guard = RedirectGuardMiddleware({HOST})
    request = Request(urls[0])
    for target in urls[1:]:
        response = Response(request.url, status=301, headers={"Location": target}, request=request)
        try:
            guard.process_response(request, response)
        except IgnoreRequest as refused:
            return str(refused).split(":", 1)[0]
        request = redirect.process_response(request, response)
        assert isinstance(request, Request)
    return "followed"


@pytest.mark.parametrize(("chain", "expected"), [
    # back to the same spelling
    ([A, S, A], "redirect loop"),
    ([A, A], "redirect loop"),
    # back to the first URL in another spelling: scheme, host case, port, fragment, tracking, index page
    ([A, S, A.replace(HOST, HOST.upper())], "redirect loop"),
    ([S, A, S.replace(HOST, HOST + ":443")], "redirect loop"),
    ([A, S, A.replace(HOST, HOST + ":80")], "redirect loop"),
    ([A, S, A + "?utm_source=wx"], "redirect loop"),
    ([A, A + "?spm=1", A + "?spm=2"], "redirect loop"),
    ([A, B, S], "redirect loop"),
    ([A, B, S + "#top"], "redirect loop"),
    ([LIST, LIST.replace("http:", "https:"), LIST + "index.shtml"], "redirect loop"),
    # respelling the URL being fetched once is followed: an upgrade to https, a tracking parameter dropped
    ([A, S], "followed"),
    ([A + "?utm_source=wx", A], "followed"),
    ([A, S, B], "followed"),
])
def test_a_redirect_loop_is_caught_in_any_spelling(chain, expected):
    assert follow(chain) == expected
