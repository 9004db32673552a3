"""The outcome of each list entry: every entry a run requests ends as an article, a failure or a duplicate.

The ``g60/entries/*`` stats count them, so that ``seen == archived + failed + duplicates``.
"""

from __future__ import annotations

from .. import normalize
from ..items import ListEntry


class EntryAccounting:
    """Spider mixin: counts list entries once per run and records how each requested one ended.

    Expects the spider's ``crawler`` and ``logger``. The pipeline calls :meth:`entry_done`;
    the progress log reads ``open_entries``.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.entries: dict[str, ListEntry] = {}  # every list entry of this run, by canonical URL
        self.open_entries: set[str] = set()  # requested entries whose outcome is not recorded yet

    def _entry_seen(self, entry: ListEntry) -> bool:
        """Count a list entry once per run; False if it was seen already."""
        if entry.url in self.entries:
            return False
        self.entries[entry.url] = entry
        self.crawler.stats.inc_value("g60/entries/seen")
        return True

    def _entry_opened(self, url: str) -> None:
        """Count a requested entry open until its outcome is recorded.

        :param url: the entry's canonical URL.
        """
        self.open_entries.add(url)

    def entry_done(self, urls, outcome: str) -> None:
        """Record how a requested list entry ended: ``archived``, ``failed`` or ``duplicates``.

        :param urls: URLs the item names (its own, its list entry's, its captures'); the first open entry counts.
        :param outcome: the stats key it is counted under.
        """
        for url in urls:
            url = normalize.canonical_url(url)
            if url in self.open_entries:
                self.open_entries.discard(url)
                self.crawler.stats.inc_value(f"g60/entries/{outcome}")
                return

    def _report_open_entries(self, reason: str) -> None:
        """Log the entries that ended with no outcome: an error for a finished crawl, a warning for a stopped one.

        :param reason: why the spider closed (``finished``, ``shutdown``, ...).
        """
        if self.open_entries:
            # a finished crawl must account for every entry; a stopped one leaves some for the next run
            log = self.logger.error if reason == "finished" else self.logger.warning
            log("%d list entries ended with no article, failure or duplicate (%s): %s",
                len(self.open_entries), reason, sorted(self.open_entries)[:10])
