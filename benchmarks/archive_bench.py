"""Archive writes: articles per second through the archive's store against a plain sqlite-utils insert.

    python -m benchmarks.archive_bench [--articles 5000] [--repeat 3]

The store does everything a crawl asks of it: dedup lookups by URL and body
hash, a version row, the raw capture compressed into a content-addressed blob,
cities, the bigram full-text index, committed every 100 articles (G60_ARCHIVE_BATCH) as the
pipeline does. The baseline inserts the same rows (article fields and the raw
page bytes) with sqlite-utils ``insert_all`` in one transaction. Both into
files in the same temporary folder, in the same run; medians over repeats.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

import sqlite_utils

from g60crawler.archive import Archive
from g60crawler.items import ArticleItem, Capture

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "archive.json"
PHRASES = ["长三角G60科创走廊", "九城市协同创新", "松江区", "合肥市", "科技成果转化", "集成电路产业", "人才政策",
           "产业链供应链", "嘉兴南湖区", "杭州余杭区", "高质量发展", "签约仪式", "重点项目", "营商环境", "新能源汽车"]


def make_items(n: int, seed: int = 1) -> list[ArticleItem]:
    rng = random.Random(seed)
    items = []
    for i in range(n):
        url = f"http://g60.chinadevelopment.com.cn/g60zx/2024/{1 + i % 12:02d}{1 + i % 28:02d}/{2000000 + i}.shtml"
        paragraphs = ["，".join(rng.choice(PHRASES) for _ in range(rng.randint(8, 20))) + "。"
                      for _ in range(rng.randint(5, 12))]
        body = "\n\n".join(paragraphs)
        title = "".join(rng.choice(PHRASES) for _ in range(3))
        page = ("<html><body>" + "<div class='nav'>" + "<a href='/x'>导航</a>" * 200 + "</div>"
                + "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>").encode()
        items.append(ArticleItem(
            url=url, canonical_url=url, section="g60zx", title=title, summary=paragraphs[0][:60], body=body,
            editor="倪珺", source="中国发展网", published=f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
            extraction="template:con", encoding="utf-8",
            captures=[Capture(url, 200, {"Content-Type": "text/html"}, page, "2026-11-27T00:00:00+00:00")]))
    return items


def run_store(path: Path, items: list[ArticleItem], batch: int = 100) -> float:
    archive = Archive.open(path)
    run = archive.start_run("bench", {})
    start = time.perf_counter()
    for i, item in enumerate(items, 1):
        archive.record_article(item, run)
        if i % batch == 0:
            archive.commit()
    archive.commit()
    elapsed = time.perf_counter() - start
    archive.close()
    return elapsed


def run_plain(path: Path, items: list[ArticleItem]) -> float:
    db = sqlite_utils.Database(path)
    rows = ({"canonical_url": it.canonical_url, "section": it.section, "title": it.title, "summary": it.summary,
             "body": it.body, "editor": it.editor, "source": it.source, "published": it.published,
             "extraction": it.extraction, "page": it.captures[0].body} for it in items)
    start = time.perf_counter()
    db["articles"].insert_all(rows, pk="canonical_url", batch_size=500)
    elapsed = time.perf_counter() - start
    db.close()
    return elapsed


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    items = make_items(args.articles)
    store, plain = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.repeat):
            order = [("plain", run_plain), ("store", run_store)]
            if r % 2:
                order.reverse()
            for name, fn in order:
                seconds = fn(Path(tmp) / f"{name}-{r}.sqlite", items)
                (store if name == "store" else plain).append(args.articles / seconds)
    result = {"articles": args.articles, "store_per_s": statistics.median(store),
              "plain_insert_per_s": statistics.median(plain),
              "ratio": statistics.median(store) / statistics.median(plain), "runs": {"store": store, "plain": plain}}
    print(f"archive store: {result['store_per_s']:.0f} articles/s; sqlite-utils insert_all: "
          f"{result['plain_insert_per_s']:.0f} articles/s; ratio {result['ratio']:.2f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2), "utf-8")
    return result


if __name__ == "__main__":
    main()
