"""`scrapy crawl`, exiting with the run's status: 0 healthy, 3 unhealthy (see health.py)."""

from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError


class Command(ScrapyCrawl):
    def short_desc(self) -> str:
        return "Run a spider; exit 3 when the run's health checks fail, 75 if the archive is busy"

    def run(self, args, opts) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name, e.g. `scrapy crawl g60`")
        known = sorted(self.crawler_process.spider_loader.list())
        if args[0] not in known:  # Scrapy would raise its KeyError with a traceback
            print(f"Error: no spider named {args[0]!r} (this project has: {', '.join(known)})", file=sys.stderr)
            self.exitcode = 2
            return
        crawler = self.crawler_process.create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
            return
        # set by the archive pipeline when the run ends (health checks)
        self.exitcode = int(crawler.stats.get_value("g60/exit_code", 0) or 0)
