"""A WARC export replays in pywb: list pages, articles and the page requisites the crawl kept.

The crawl runs with G60_PAGE_REQUISITES=1 (style sheets, scripts and images of
the portal's own host); the export is checked with `warcio check`, loaded into
a pywb collection, and every page is fetched back from a real `wayback` server
on 127.0.0.1, byte for byte.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from g60crawler.mirror import read_response
from g60crawler.pages.requisites import css_requisites, html_requisites

from .conftest import HOST, SITE
from .crawl import query, run_crawl

BIN = Path(sys.executable).parent
B = f"http://{HOST}"
SEED = f"{B}/g60zx/2023/0606/1630012.shtml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """(archive, WARC) of a replay crawl of the mirror that kept page requisites."""
    folder = tmp_path_factory.mktemp("warc-replay")
    archive = folder / "g60.sqlite"
    done = run_crawl(archive, "G60_PAGE_REQUISITES=1", replay=SITE)
    assert done.returncode == 0, done.stderr[-2000:]
    warc = folder / "g60.warc.gz"
    out = subprocess.run([BIN / "g60crawler", "export-warc", "--db", archive, "-o", warc],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return archive, warc


def responses(warc: Path) -> dict[str, int]:
    """Target URI -> HTTP status of every response and revisit record."""
    found = {}
    with warc.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type in ("response", "revisit"):
                found[record.rec_headers.get_header("WARC-Target-URI")] = int(record.http_headers.get_statuscode())
    return found


def test_warcio_check_accepts_the_export(exported):
    _, warc = exported
    out = subprocess.run([BIN / "warcio", "check", "-v", warc], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert "digest pass" in out.stdout and "digest fail" not in out.stdout


def test_list_pages_and_requisites_are_in_the_warc(exported):
    archive, warc = exported
    found = responses(warc)
    # every list page the crawl read is in the WARC as a 200 response
    list_urls = [u for (u,) in query(archive, "SELECT DISTINCT list_url FROM listings")]
    assert len(list_urls) >= 10
    assert all(found.get(u) == 200 for u in list_urls), [u for u in list_urls if found.get(u) != 200]
    # every requisite of the portal's host, of every archived page, is in the WARC (200, or the 404 it was)
    missing = []
    for url, body in _archived_pages(archive):
        for ref in html_requisites(url, body.decode("utf-8", "replace")):
            if ref.startswith(B + "/") and ref not in found:
                missing.append((url, ref))
    assert missing == []
    # a CSS background image is followed from the style sheet that names it
    assert found.get(f"{B}/images/bg_nav.png") == 200


def _archived_pages(archive: Path):
    rows = query(archive, "SELECT DISTINCT c.url FROM captures c JOIN article_versions v ON v.id = c.version_id")
    for (url,) in rows:
        response = read_response(SITE, url)
        if response.status == 200:
            yield url, response.body


@pytest.fixture(scope="module")
def wayback(exported, tmp_path_factory):
    """A pywb `wayback` server on 127.0.0.1 replaying the export; its base URL."""
    _, warc = exported
    root = tmp_path_factory.mktemp("pywb")
    for args in (["init", "g60"], ["add", "g60", str(warc)]):
        out = subprocess.run([BIN / "wb-manager", *args], cwd=root, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr[-2000:]
    port = free_port()
    proc = subprocess.Popen([BIN / "wayback", "-p", str(port), "-b", "127.0.0.1"], cwd=root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("wayback did not start")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/g60"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def replay(base: str, url: str, original: bool = True) -> tuple[int, bytes]:
    """Status and body of a URL as pywb replays it (``id_``: the archived bytes; ``mp_``: rewritten for a browser)."""
    try:
        with urllib.request.urlopen(f"{base}/2100{'id_' if original else 'mp_'}/{url}", timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_pywb_replays_article_list_page_and_home_byte_exact(wayback):
    for url in (SEED, f"{B}/g60zx/", f"{B}/g60zx/index_1.shtml", f"{B}/"):
        status, body = replay(wayback, url)
        assert status == 200, url
        assert body == read_response(SITE, url).body, url


def test_pywb_replays_every_requisite_of_the_seed_article(wayback):
    status, page = replay(wayback, SEED)
    assert status == 200
    refs = [r for r in html_requisites(SEED, page.decode("utf-8")) if r.startswith(B + "/")]
    assert {f"{B}/css/common.css", f"{B}/css/article.css", f"{B}/images/logo_g60.png"} <= set(refs)
    for ref in refs:
        status, body = replay(wayback, ref)
        assert (status, body) == (200, read_response(SITE, ref).body), ref
        if ref.endswith(".css"):
            for inner in css_requisites(ref, body.decode("utf-8")):
                assert replay(wayback, inner)[0] == 200, inner


def test_pywb_rewritten_page_points_its_styles_into_the_archive(wayback):
    status, page = replay(wayback, SEED, original=False)
    assert status == 200
    text = page.decode("utf-8")
    # pywb rewrites the page's own references to its archived copies, not to the live host
    assert f'href="/g60/2100cs_/{B}/css/article.css"' in text
    assert f'src="/g60/2100im_/{B}/images/logo_g60.png"' in text
