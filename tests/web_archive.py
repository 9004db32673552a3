"""An archive of both mirror states (fixtures/site, then site-v2): edited, new and removed articles."""

from __future__ import annotations

from pathlib import Path

from .conftest import SITE, SITE_V2
from .crawl import query, run_crawl

# the first crawl on 1 Nov 2024, the second on 30 Nov (as in test_recrawl.py): 1630031 is
# revisited and found edited, 1631013 is found removed
STATES = ((SITE, ("G60_NOW=2024-11-01T12:00:00+08:00", "G60_REVISIT_DAYS=30,180")),
          (SITE_V2, ("G60_NOW=2024-11-30T12:00:00+08:00", "G60_REVISIT_DAYS=30,180")))
EDITED_URL = "http://g60.chinadevelopment.com.cn/g60zx/2024/0528/1630031.shtml"
REMOVED_URL = "http://g60.chinadevelopment.com.cn/jcfc/2023/0921/1631013.shtml"


def build(folder: Path) -> Path:
    """Crawl both states into ``folder/g60.sqlite`` (attachments beside it); return its path."""
    archive = folder / "g60.sqlite"
    for site, settings in STATES:
        done = run_crawl(archive, *settings, replay=site)
        assert done.returncode == 0, done.stderr[-3000:]
    return archive


def article_id(archive: Path, url: str) -> int:
    return query(archive, "SELECT article_id FROM article_urls WHERE url = ?", (url,))[0][0]
