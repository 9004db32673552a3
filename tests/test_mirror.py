"""The mirror layout: URL -> file, and no URL can reach outside the mirror folder."""

from __future__ import annotations

import pytest

from g60crawler.mirror import UnsafePath, read_response, url_to_path

from .conftest import HOST, SITE


@pytest.mark.parametrize("url, relative", [
    (f"http://{HOST}/", f"{HOST}/index.shtml"),  # a folder URL is its index.shtml
    (f"http://{HOST}/g60zx/", f"{HOST}/g60zx/index.shtml"),
    (f"http://{HOST}/g60zx/index_1.shtml", f"{HOST}/g60zx/index_1.shtml"),
    (f"https://{HOST.upper()}/robots.txt", f"{HOST}/robots.txt"),  # host case does not matter
    (f"http://{HOST}/a%20b.shtml", f"{HOST}/a b.shtml"),  # percent-decoded
    (f"http://{HOST}/x.shtml?a=1", f"{HOST}/x.shtml%3Fa=1"),  # a query is part of the name, not a folder
])
def test_url_to_path(url, relative, tmp_path):
    assert url_to_path(tmp_path, url) == (tmp_path / relative).resolve()


@pytest.mark.parametrize("url", [
    f"http://{HOST}/../../etc/passwd",  # dot segments (urlsplit keeps them)
    f"http://{HOST}/g60zx/%2e%2e/%2e%2e/%2e%2e/etc/passwd",  # encoded dot segments
    f"http://{HOST}/g60zx/..%2f..%2f..%2fetc/passwd",  # encoded slash inside a segment
    f"http://{HOST}/a\\..\\..\\b",  # backslashes
    f"http://{HOST}/a%00b",  # NUL byte
    "http:///etc/passwd",  # no host
    "http://../etc/passwd",  # a host that is a dot segment
])
def test_hostile_urls_are_refused(url, tmp_path):
    with pytest.raises(UnsafePath):
        url_to_path(tmp_path, url)


def test_hostile_url_reads_as_404_not_a_file():
    assert read_response(SITE, f"http://{HOST}/g60zx/%2e%2e/%2e%2e/%2e%2e/README.md").status == 404


def test_sidecar_gives_status_and_headers():
    saved = read_response(SITE, f"http://{HOST}/zcnx/2024/0105/1632051.shtml")
    assert saved.status == 301
    assert saved.headers["Location"] == f"http://{HOST}/zcnx/2024/0105/1632052.shtml"


def test_defaults_and_missing():
    page = read_response(SITE, f"http://{HOST}/g60zx/")
    assert page.status == 200 and page.headers["Content-Type"] == "text/html"
    assert read_response(SITE, f"http://{HOST}/robots.txt").headers["Content-Type"] == "text/plain"
    assert read_response(SITE, f"http://{HOST}/g60zx/2023/0301/1630090.shtml").status == 404
