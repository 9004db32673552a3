"""Record a crawl served by a real HTTP server, replay the recording, get the same archive."""

from __future__ import annotations

from .conftest import SITE
from .crawl import query, run_crawl


def _state(archive):
    return {
        "articles": sorted(query(archive, "SELECT group_concat(u.url, ' '), a.content_hash, a.current_version "
                                          "FROM articles a JOIN (SELECT * FROM article_urls ORDER BY url) u "
                                          "ON u.article_id = a.id GROUP BY a.id")),
        "captures": query(archive, "SELECT url, status, sha256, headers FROM captures ORDER BY url, sha256"),
        "failures": query(archive, "SELECT url, reason FROM failures ORDER BY url"),
        "listings": query(archive, "SELECT url, section, list_title, list_date FROM listings ORDER BY url, section"),
    }


def test_record_then_replay_gives_the_same_archive(proxy, tmp_path):
    live, recording, replayed = tmp_path / "live.sqlite", tmp_path / "recording", tmp_path / "replayed.sqlite"
    done = run_crawl(live, "DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", f"G60_RECORD_DIR={recording}",
                     env={"http_proxy": proxy, "HTTP_PROXY": proxy})
    assert done.returncode == 0, done.stderr[-2000:]
    # every response was saved: pages, lists, robots.txt, the 404 and the 301
    host = recording / "g60.chinadevelopment.com.cn"
    assert (host / "robots.txt").is_file() and (host / "g60zx" / "index.shtml").is_file()
    assert '"status": 301' in (host / "zcnx/2024/0105/1632051.shtml.http.json").read_text()
    assert '"status": 404' in (host / "g60zx/2023/0301/1630090.shtml.http.json").read_text()
    gbk = "sjxw/2023/0210/1630006.shtml"
    assert (host / gbk).read_bytes() == (SITE / "g60.chinadevelopment.com.cn" / gbk).read_bytes()

    done = run_crawl(replayed, replay=recording)
    assert done.returncode == 0, done.stderr[-2000:]
    assert _state(replayed) == _state(live)


def test_record_and_replay_together_is_refused(tmp_path):
    done = run_crawl(tmp_path / "a.sqlite", f"G60_RECORD_DIR={tmp_path / 'rec'}", replay=SITE)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith("Error: G60_RECORD_DIR and G60_REPLAY_DIR together")
