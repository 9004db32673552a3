"""One end-to-end crawl through a real HTTP server on 127.0.0.1 (no replay middleware).

The server answers as a proxy from the mirror, so Scrapy's real downloader,
robots.txt handling, redirects and charset headers are exercised.
"""

from __future__ import annotations

from .conftest import HOST
from .crawl import last_run_stats, query, run_crawl


def test_crawl_over_http_matches_replay(proxy, tmp_path):
    archive = tmp_path / "http.sqlite"
    done = run_crawl(archive, "DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False",
                     "CONCURRENT_REQUESTS_PER_DOMAIN=8",
                     env={"http_proxy": proxy, "HTTP_PROXY": proxy, "no_proxy": ""})
    assert done.returncode == 0, done.stderr[-3000:]
    stats = last_run_stats(archive)
    assert stats["downloader/response_status_count/301"] == 1
    assert stats["downloader/response_status_count/404"] == 1
    assert query(archive, "SELECT kind, COUNT(*) FROM articles GROUP BY kind ORDER BY kind") == [
        ("article", 46), ("page", 1)]
    assert query(archive, "SELECT COUNT(*) FROM failures") == [(2,)]
    # the charset header (utf-8) beats the page's <meta> (gb2312): decoded right
    (title, encoding) = query(archive, "SELECT title, encoding FROM articles WHERE canonical_url = ?",
                              (f"http://{HOST}/zcnx/2024/1015/1632060.shtml",))[0]
    assert encoding == "utf-8" and title.startswith("长三角G60科创走廊")
    # the captured headers are the server's, not the mirror defaults
    (headers,) = query(archive, "SELECT headers FROM captures WHERE url = ?",
                       (f"http://{HOST}/zcnx/2024/1015/1632060.shtml",))[0]
    assert "Server" in headers and "charset=utf-8" in headers
