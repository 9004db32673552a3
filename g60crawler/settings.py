"""Scrapy settings: polite defaults for the live portal, and the archive's path.

Project settings (all overridable with ``-s NAME=VALUE``):

- ``G60_ARCHIVE``: the SQLite archive file (default ``archive/g60.sqlite``).
- ``G60_REPLAY_DIR``: a mirror folder (``fixtures/site``) to crawl instead of
  the network; politeness delays are then off (see G60Spider.update_settings).
- ``G60_ARCHIVE_BATCH``: items per committed transaction.
- ``G60_NOW``, ``G60_REVISIT_DAYS``, ``G60_PAGE_REVISIT_DAYS``, ``G60_HEALTH_*``:
  incremental runs and run health (README, "Scheduled runs").

This file holds the default of every setting, and only this file; each G60_*
setting is checked before a crawl starts (g60crawler/runconfig.py, SETTINGS).
"""

BOT_NAME = "g60crawler"
SPIDER_MODULES = ["g60crawler.spiders"]
NEWSPIDER_MODULE = "g60crawler.spiders"

# Identify ourselves and be polite: robots.txt, one request at a time, ~1 request/s.
USER_AGENT = "g60crawler/0.1 (+https://github.com/g60crawler/g60crawler; research archive of the G60 channel)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 4
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50%, so requests do not tick like a metronome
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3
COOKIES_ENABLED = False
# Scrapy starts this many asyncio workers for the output of every callback (100 by default);
# a page here yields at most a few dozen requests and one item, handled in order by sync
# pipelines, so 100 workers per response were pure overhead (a fifth of the crawl's CPU)
CONCURRENT_ITEMS = 8
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19 starts an HTTP server that runs code sent to it: not on a scheduled crawler.
REMOTE_CONTROL_ENABLED = False

REDIRECT_MAX_TIMES = 5  # a redirect loop ends here, recorded as a failure
DOWNLOAD_FAIL_ON_DATALOSS = True  # a truncated body is a failure (retried), never archived half
G60_RETRY_BACKOFF = 1.0  # first wait before a retry; doubles each time
G60_RETRY_MAX_WAIT = 60.0  # never wait longer, whatever Retry-After asks
G60_MAX_LIST_PAGES = 200  # per section and run: an endless pager stops here (a failure is recorded)
G60_MAX_LIST_ENTRIES = 500  # per list page: a page with more links is cut (a failure is recorded)
G60_ATTACHMENTS = True  # fetch the PDF/DOC/XLS... an article links, with the article
G60_PAGE_REQUISITES = False  # also keep the style sheets, scripts and images of the portal's pages (for WARC replay)
G60_ATTACHMENT_MAXSIZE = 50 * 1024 * 1024  # larger ones are recorded as skipped, with their size
G60_MAX_ATTACHMENTS = 50  # per article: distinct attachment URLs fetched; the rest are recorded as skipped
G60_PROGRESS_INTERVAL = 60.0  # seconds between two progress lines of a crawl; 0: none
G60_MAX_VANISHED_REVISITS = 20  # per run: revisits of articles missing between their list neighbours

DOWNLOADER_MIDDLEWARES = {
    # retries that back off and honour Retry-After, instead of Scrapy's immediate ones
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "g60crawler.middlewares.BackoffRetryMiddleware": 550,
    # process_response runs before RedirectMiddleware's (600): offsite and looping redirects stop here
    "g60crawler.middlewares.RedirectGuardMiddleware": 650,
    # answers from the mirror when G60_REPLAY_DIR is set; last before the downloader,
    # so robots.txt, offsite, redirects and stats work exactly as in a live crawl
    "g60crawler.replay.ReplayMiddleware": 950,
    # saves every response as received when G60_RECORD_DIR is set (the layout replay reads)
    "g60crawler.replay.RecordMiddleware": 951,
}
EXTENSIONS = {
    # a line every G60_PROGRESS_INTERVAL seconds: sections done, list pages, articles, an estimate of what remains
    "g60crawler.progress.ProgressLog": 500,
}
ITEM_PIPELINES = {
    "g60crawler.pipelines.NormalizePipeline": 100,
    "g60crawler.pipelines.ArchivePipeline": 800,
}

G60_ARCHIVE = "archive/g60.sqlite"
G60_REPLAY_DIR = None
# the portal file (hosts, sections, URL patterns); unset means the built-in g60crawler/portals/default.toml
G60_PORTAL = None
G60_RECORD_DIR = None
G60_ARCHIVE_BATCH = 100
# the run's "now" (ISO 8601); unset means the system clock
G60_NOW = None
# incremental runs: revisit articles this many days after publication, to catch edits
G60_REVISIT_DAYS = "1,7,30"
# ... and fetch static pages (关于我们) again after this many days
G60_PAGE_REVISIT_DAYS = 30
# run health (see g60crawler/health.py): a run of at least G60_HEALTH_MIN_ITEMS articles is
# judged against the median of the last G60_HEALTH_RUNS healthy runs of that size
G60_HEALTH_RUNS = 5
G60_HEALTH_MIN_ITEMS = 5
G60_HEALTH_MAX_FAILURE_RISE = 0.2
G60_HEALTH_MAX_GENERIC_RISE = 0.2
G60_HEALTH_MAX_COVERAGE_DROP = 0.3
# ... and a smaller run by absolute limits: the share of generic extractions, and the share of
# failed pages once at least G60_HEALTH_MIN_FAILURES failed
G60_HEALTH_MAX_GENERIC_SHARE = 0.5
G60_HEALTH_MAX_FAILURE_SHARE = 0.5
G60_HEALTH_MIN_FAILURES = 2

# `scrapy crawl` here exits non-zero when the run's health checks fail
COMMANDS_MODULE = "g60crawler.commands"

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
