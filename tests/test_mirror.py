"""The mirror layout: URL -> file, and no URL can reach outside the mirror folder."""

from __future__ import annotations

import pytest

from g60crawler.mirror import UnsafePath, read_response, url_to_path, write_response

from .conftest import HOST, SITE


@pytest.mark.parametrize("url, relative", [
    (f"http://{HOST}/", f"{HOST}/index.shtml"),  # a folder URL is its index.shtml
    (f"http://{HOST}/g60zx/", f"{HOST}/g60zx/index.shtml"),
    (f"http://{HOST}/g60zx/index_1.shtml", f"{HOST}/g60zx/index_1.shtml"),
    (f"https://{HOST.upper()}/robots.txt", f"{HOST}/robots.txt"),  # host case does not matter
    (f"http://{HOST}/a%20b.shtml", f"{HOST}/a%20b.shtml"),  # anything but plain names is percent-encoded
    (f"http://{HOST}/x.shtml?a=1", f"{HOST}/x.shtml%3fa=1"),  # a query is part of the name, not a folder
    (f"http://{HOST}:8080/x.shtml", f"{HOST}%3A8080/x.shtml"),  # a port is part of the host's folder
])
def test_url_to_path(url, relative, tmp_path):
    assert url_to_path(tmp_path, url) == (tmp_path / relative).resolve()


HOSTILE = [
    f"http://{HOST}/../../etc/passwd",  # dot segments (urlsplit keeps them)
    f"http://{HOST}/g60zx/%2e%2e/%2e%2e/%2e%2e/etc/passwd",  # encoded dot segments
    f"http://{HOST}/g60zx/..%2f..%2f..%2fetc/passwd",  # encoded slashes inside a segment
    f"http://{HOST}/a\\..\\..\\b",  # backslashes
    f"http://{HOST}/a%00b",  # NUL byte
    f"http://{HOST}//etc/passwd",  # an absolute path after the host
    f"http://{HOST}/%2Fetc%2Fpasswd",  # an encoded absolute path
    "http://../etc/passwd",  # a host that is a dot segment
    f"http://{HOST}/" + "长" * 300 + ".shtml",  # a name far over the file system's 255 bytes
    f"http://{HOST}/" + "长" * 300 + "x.shtml",  # ... differing only after the cut
    f"http://{HOST}/x.shtml?a=1",  # query strings
    f"http://{HOST}/x.shtml?a=2",
    f"http://{HOST}/x.shtml?a=1/../../../etc",
    f"http://{HOST}/中文/页面.shtml",  # non-ASCII
    f"http://{HOST}/x.shtml.http.json",  # would overwrite x.shtml's sidecar
    f"http://{HOST}/x.shtml%3Fa=1",  # a literal %3F, not a query
    f"http://{HOST}/a%25b",  # a literal %
    f"http://{HOST}/a%2525b",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_hostile_urls_stay_inside_the_mirror(url, tmp_path):
    path = url_to_path(tmp_path, url)
    assert tmp_path.resolve() in path.resolve().parents
    assert all(len(part.encode()) <= 255 for part in path.relative_to(tmp_path).parts)


def test_distinct_urls_never_share_a_file(tmp_path):
    paths = [url_to_path(tmp_path, u) for u in HOSTILE]
    assert len(set(paths)) == len(paths)
    # sidecars are names of their own: no URL's file is another URL's sidecar
    sidecars = {p.with_name(p.name + ".http.json") for p in paths}
    assert not sidecars & set(paths)


def test_the_folder_alias_is_the_only_shared_name(tmp_path):
    # /g60zx/ is served from /g60zx/index.shtml, as the portal's server does: one resource
    assert url_to_path(tmp_path, f"http://{HOST}/g60zx/") == url_to_path(tmp_path, f"http://{HOST}/g60zx/index.shtml")


def test_no_host_is_refused(tmp_path):
    with pytest.raises(UnsafePath):
        url_to_path(tmp_path, "http:///etc/passwd")


def test_write_then_read_round_trip(tmp_path):
    for i, url in enumerate(HOSTILE):
        write_response(tmp_path, url, 200, {"Content-Type": "text/html", "Content-Length": "3"}, f"{i}".encode())
    for i, url in enumerate(HOSTILE):
        saved = read_response(tmp_path, url)
        assert (saved.status, saved.body) == (200, f"{i}".encode())
        assert saved.headers["Content-Length"] == "3"  # as received
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert all(tmp_path in p.parents for p in written)


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


@pytest.mark.reliability("a mirror page or its sidecar (.http.json) that is a symlink out of the mirror",
                         "neither is followed: the URL answers 404, as for a path outside the mirror",
                         group="hostile input")
@pytest.mark.parametrize("linked", ["page", "sidecar", "both"])
def test_symlinks_out_of_the_mirror_are_not_followed(tmp_path, linked):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.html").write_bytes(b"<html>secret</html>")
    (outside / "secret.json").write_text('{"status": 200, "headers": {"X-Secret": "yes"}}')
    root = tmp_path / "site"
    url = f"http://{HOST}/g60zx/p.shtml"
    path = url_to_path(root, url)
    path.parent.mkdir(parents=True)
    sidecar = path.with_name(path.name + ".http.json")
    if linked in ("page", "both"):
        path.symlink_to(outside / "secret.html")
    else:
        path.write_bytes(b"<html>inside</html>")
    if linked in ("sidecar", "both"):
        sidecar.symlink_to(outside / "secret.json")
    saved = read_response(root, url)
    assert (saved.status, saved.body) == (404, b"<html><body><h1>404 Not Found</h1></body></html>")
    assert "X-Secret" not in saved.headers


def test_symlinks_inside_the_mirror_are_followed(tmp_path):
    root = tmp_path / "site"
    url = f"http://{HOST}/g60zx/p.shtml"
    path = url_to_path(root, url)
    path.parent.mkdir(parents=True)
    (path.parent / "real.shtml").write_bytes(b"<html>inside</html>")
    (path.parent / "real.json").write_text('{"status": 200, "headers": {"X-Kept": "yes"}}')
    path.symlink_to(path.parent / "real.shtml")
    path.with_name(path.name + ".http.json").symlink_to(path.parent / "real.json")
    saved = read_response(root, url)
    assert (saved.status, saved.body, saved.headers["X-Kept"]) == (200, b"<html>inside</html>", "yes")
