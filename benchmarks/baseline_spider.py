"""The crawl benchmark's baseline: what Scrapy alone costs for the URLs a full ``scrapy crawl g60`` fetches.

    scrapy runspider benchmarks/baseline_spider.py -s BASELINE_STATS_FILE=stats.json   (from the project folder)

It fetches the same URLs as a first ``scrapy crawl g60`` into an empty archive:
robots.txt (obeyed), each news section's list page ``/<slug>/``, its pagination
page after page (the 下一页 link, else the ``createPageHTML(...)`` pager script),
every list entry that is an article of the portal (``portal.ARTICLE_PATH`` on
``portal.HOST``), the later pages of a split article (``<id>_2.shtml`` ...), and
the static page 关于我们. It parses links with parsel and nothing else: no
extraction, no items, no pipeline, no archive.

Settings: those of the project (``settings.py``: user agent, robots.txt, retries,
timeouts, the same downloader middlewares) when run from the project folder, with
the item pipelines off; the crawl benchmark passes the same ``-s`` options
(concurrency, no delay, no AutoThrottle, ``G60_MAX_LIST_PAGES``) to it and to
``scrapy crawl g60``. Run elsewhere (``CrawlerProcess``), ``custom_settings`` carry
the same values. ``BASELINE_STATS_FILE``, if set, receives Scrapy's stats as JSON
when the engine stops.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import scrapy
from scrapy import signals

from g60crawler import portal

_CREATE_PAGE = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]")
_SPLIT = re.compile(r"^(?P<stem>.*/\d+)(?:_(?P<page>\d+))?\.shtml$")


class BaselineSpider(scrapy.Spider):
    name = "baseline"
    allowed_domains = [portal.HOST]
    custom_settings = {
        # the crawl's own output is the point of g60; the baseline keeps none
        "ITEM_PIPELINES": {},
        # the same as g60crawler/settings.py and the benchmark's -s options, for a run outside the project
        "ROBOTSTXT_OBEY": True,
        "USER_AGENT": "g60crawler/0.1 (+https://github.com/g60crawler/g60crawler; research archive of the G60 channel)",
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        "DOWNLOAD_FAIL_ON_DATALOSS": True,
    }

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_pages = crawler.settings.getint("G60_MAX_LIST_PAGES", 200)
        spider.stats_file = crawler.settings.get("BASELINE_STATS_FILE")
        crawler.signals.connect(spider._dump_stats, signal=signals.engine_stopped)
        return spider

    def _dump_stats(self) -> None:
        if self.stats_file:
            with open(self.stats_file, "w", encoding="utf-8") as f:
                json.dump(self.crawler.stats.get_stats(), f, default=str, indent=1, sort_keys=True)

    async def start(self):
        for section in portal.SECTIONS:
            if section.kind == "news":
                yield scrapy.Request(section.url, callback=self.parse_list, cb_kwargs={"page": 0})
            else:
                yield scrapy.Request(section.url, callback=self.parse_article)

    def parse_list(self, response, page: int):
        for href in response.css("ul.list-news > li a::attr(href)").getall():
            url = response.urljoin(href.strip())
            parts = urlsplit(url)
            if parts.hostname == portal.HOST and portal.ARTICLE_PATH.match(parts.path):
                yield scrapy.Request(url, callback=self.parse_article)
        following = None
        for a in response.css("div.pagination a"):
            if "下一页" in (a.css("::text").get() or ""):
                following = response.urljoin(a.attrib["href"])
                break
        if following is None:
            m = _CREATE_PAGE.search(" ".join(response.css("script::text").getall()))
            if m and int(m[2]) + 1 < int(m[1]):
                following = response.urljoin(f"{m[3]}_{int(m[2]) + 1}.{m[4]}")
        if following and page + 1 < self.max_pages:
            yield scrapy.Request(following, callback=self.parse_list, cb_kwargs={"page": page + 1})

    def parse_article(self, response):
        """Follow a split article's next page (``<id>_<n+1>.shtml``), nothing else."""
        m = _SPLIT.match(urlsplit(response.url).path)
        if not m:
            return
        wanted = f"{m['stem'].rsplit('/', 1)[1]}_{int(m['page'] or 1) + 1}.shtml"
        for href in response.css("a::attr(href)").getall():
            if href.strip().endswith(wanted):
                yield scrapy.Request(response.urljoin(href.strip()), callback=self.parse_article)
                return
