"""What the fixture articles say, from their hand-written expected JSON (the truth for search tests)."""

from __future__ import annotations

import json

from .conftest import SITE


def _expected_articles() -> dict[str, dict]:
    found = {}
    for path in sorted(SITE.rglob("*.expected.json")):
        if path.name.endswith("_2.shtml.expected.json") or ".joined." in path.name:
            continue
        joined = path.with_name(path.name.replace(".shtml.expected.json", ".joined.expected.json"))
        item = json.loads((joined if joined.exists() else path).read_text("utf-8"))
        if item["section"] != "gywm":
            found.setdefault(item["body"], item)  # the republished copy is one article
    return {item["canonical_url"]: item for item in found.values()}


EXPECTED = _expected_articles()


def truth(*terms: str) -> set[str]:
    """Canonical URLs of the fixture articles whose hand-written text has every term."""
    def text(item):
        return " ".join(filter(None, (item["title"], item["summary"], item["body"]))).lower()
    return {url for url, item in EXPECTED.items() if all(t.lower() in text(item) for t in terms)}
