"""First contact: this project against generic crawlers on portal variants it has never seen.

For every mirror ``fixtures/variant-*`` (its hand-checked ``expected.json``)
the mirror is served over HTTP on 127.0.0.1 (tests/mirror_server.py, as a
forwarding proxy: the URLs stay the portal's own) and three tools start from
the root URL:

- g60crawler: ``g60crawler discover ROOT --replay MIRROR -o portal.toml``, then
  ``scrapy crawl g60 -s G60_PORTAL=portal.toml -s G60_REPLAY_DIR=MIRROR``, scored
  from the archive's articles;
- trafilatura: ``trafilatura.spider.focused_crawler`` over the server, then
  ``trafilatura.extract`` with metadata on every URL it found; a URL whose
  extraction has text is returned as an article; it has no notion of sections;
- newspaper4k: ``newspaper.build(root, memoize_articles=False)`` over the
  server, then download and parse of every article it lists; no sections.

Counts per variant and tool: articles found, right section, right title, right
date, right first body sentence, non-articles returned as articles (list pages,
the root, 关于我们) and articles of another channel (pages whose title is one of
fixtures/variants/articles.py's OTHER_CHANNEL). Nothing leaves 127.0.0.1.

    .venv/bin/pip install -U pip && .venv/bin/pip install -e '.[bench]'   # pip 23 fails on the bench extras' lxml[html-clean]
    .venv/bin/python -m benchmarks.first_contact            # all variants, writes results and docs
    .venv/bin/python -m benchmarks.first_contact --render   # only docs/first-contact.md from the results

Results: ``benchmarks/results/first_contact.json``; the table in
``docs/first-contact.md`` is rendered from that file (``render()``).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from g60crawler import normalize

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
RESULTS = ROOT / "benchmarks" / "results" / "first_contact.json"
DOC = ROOT / "docs" / "first-contact.md"
TOOLS = ("g60crawler", "trafilatura", "newspaper4k")
COUNTS = ("found", "section", "title", "date", "body", "non_articles", "other_channel")
LABELS = {"found": "articles found", "section": "right section", "title": "right title", "date": "right date",
          "body": "right body", "non_articles": "non-articles as articles", "other_channel": "other-channel articles"}
TITLE_RE = re.compile(rb"<(h1|title)[^>]*>(.*?)</\1>", re.S | re.I)


def variants() -> list[str]:
    """The variant names, from the fixtures folders with an expected.json."""
    return sorted(p.parent.name.removeprefix("variant-") for p in FIXTURES.glob("variant-*/expected.json"))


def other_channel_titles() -> list[str]:
    """Titles of the other channels' articles the variant builders put on shared hosts."""
    path = FIXTURES / "variants" / "articles.py"
    spec = importlib.util.spec_from_file_location("variant_articles", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [title for _channel, title, _day, _paragraphs in module.OTHER_CHANNEL]


# ------------------------------------------------------------------ scoring

def score(returned: dict[str, dict], want: dict, mirror: Path, others: list[str]) -> dict:
    """Counts for one tool on one variant.

    :param returned: canonical URL -> {"section", "title", "date", "body"} of every page the tool returned as an article.
    :param want: the variant's expected.json.
    :param mirror: the mirror folder (to read a stray page's title).
    :param others: titles of other channels' articles.
    """
    from g60crawler.mirror import read_response

    counts = dict.fromkeys(COUNTS, 0)
    expected = {normalize.canonical_url(a["url"]): a for a in want["articles"]}
    for url, art in expected.items():
        got = returned.get(url)
        if got is None:
            continue
        counts["found"] += 1
        counts["section"] += got.get("section") == art["section"]
        counts["title"] += (got.get("title") or "").strip() == art["title"]
        counts["date"] += (got.get("date") or "")[:10] == art["date"]
        counts["body"] += art["body_first_sentence"] in (got.get("body") or "")
    strays = {"non_articles": [], "other_channel": []}
    for url in returned:
        if url in expected:
            continue
        heads = [m.group(2).decode("utf-8", "replace") for m in TITLE_RE.finditer(read_response(mirror, url).body)]
        kind = "other_channel" if any(t in h for t in others for h in heads) else "non_articles"
        strays[kind].append(url)
        counts[kind] += 1
    return {"expected": len(expected), **counts, "strays": {k: sorted(v) for k, v in strays.items()}}


# ------------------------------------------------------------------ the server

class MirrorServer:
    """tests/mirror_server.py on a mirror, as a forwarding proxy on 127.0.0.1."""

    def __init__(self, mirror: Path) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.mirror_server", str(mirror)], cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.address = self.proc.stdout.readline().strip()
        if not self.address.startswith("http://127.0.0.1:"):
            self.close()
            raise RuntimeError(f"mirror server did not start for {mirror}")

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def _forward_everything(proxy: str) -> None:
    """Send every HTTP(S) request of this process to the proxy in absolute form; nothing else goes out."""
    import requests
    import urllib3
    from requests.adapters import HTTPAdapter

    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        os.environ[var] = proxy
    os.environ["no_proxy"] = os.environ["NO_PROXY"] = ""
    host, port = proxy.removeprefix("http://").split(":")

    class Forwarder(urllib3.HTTPConnectionPool):
        """Every URL, http or https, in absolute form to the one server (a forwarding proxy)."""

        def urlopen(self, method, url, *args, **kwargs):
            kwargs["assert_same_host"] = False
            return super().urlopen(method, url, *args, **kwargs)

    pool = Forwarder(host, int(port), maxsize=10)

    class Forward(HTTPAdapter):
        def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
            raw = pool.urlopen(request.method, request.url, body=request.body, headers=dict(request.headers),
                               redirect=False, retries=False, preload_content=False, decode_content=False,
                               timeout=timeout if timeout is not None else 10)
            return self.build_response(request, raw)

    original = requests.Session.__init__

    def session_init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.mount("http://", Forward())
        self.mount("https://", Forward())

    requests.Session.__init__ = session_init
    import trafilatura.downloads as tdl

    tdl.HTTP_POOL = tdl.NO_CERT_POOL = pool


# ------------------------------------------------------------------ the tools

def run_g60crawler(variant: str, want: dict, tmp: Path) -> tuple[dict, dict]:
    """discover + crawl with the replay mirror; the archive's articles as returned pages."""
    mirror = FIXTURES / f"variant-{variant}"
    portal_file, archive = tmp / "portal.toml", tmp / "archive.sqlite"
    found = subprocess.run([sys.executable, "-m", "g60crawler.cli", "discover", want["root"], "--replay", str(mirror),
                            "-o", str(portal_file)], cwd=ROOT, capture_output=True, text=True, timeout=180)
    if found.returncode != 0:
        return {}, {"error": f"discover exit {found.returncode}: {found.stderr.strip()[-300:]}"}
    done = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "g60", "-s", f"G60_ARCHIVE={archive}",
                           "-s", f"G60_PORTAL={portal_file}", "-s", f"G60_REPLAY_DIR={mirror}",
                           "-s", "LOG_LEVEL=WARNING"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    returned = {}
    if archive.exists():
        with sqlite3.connect(archive) as conn:
            for url, section, title, published, body in conn.execute(
                    "SELECT canonical_url, section, title, published, body FROM articles WHERE kind = 'article'"):
                returned[url] = {"section": section, "title": title, "date": published, "body": body}
    return returned, {"crawl_exit": done.returncode}


def run_trafilatura(variant: str, want: dict, server: str) -> tuple[dict, dict]:
    """The focused crawler from the root, then extract with metadata on every URL it knows."""
    import trafilatura
    from trafilatura.settings import use_config
    from trafilatura.spider import URL_STORE, focused_crawler

    config = use_config()
    config.set("DEFAULT", "SLEEP_TIME", "0")
    config.set("DEFAULT", "SSRF_PROTECTION", "false")
    config.set("DEFAULT", "DOWNLOAD_TIMEOUT", "10")
    URL_STORE.reset()
    todo, known = focused_crawler(want["root"], max_seen_urls=1000, max_known_urls=100000, config=config)
    returned = {}
    for url in dict.fromkeys(known + todo):
        html = trafilatura.fetch_url(url, config=config)
        doc = html and trafilatura.bare_extraction(html, url=url, with_metadata=True, config=config)
        if not doc or not doc.text:
            continue
        returned[normalize.canonical_url(url)] = {"section": None, "title": doc.title, "date": doc.date,
                                                  "body": doc.text}
    return returned, {"urls_known": len(set(known + todo))}


def run_newspaper(variant: str, want: dict, server: str) -> tuple[dict, dict]:
    """newspaper.build from the root, then download and parse of every article it lists."""
    import newspaper
    import tldextract.tldextract as tld

    tld.TLD_EXTRACTOR = tld.TLDExtract(suffix_list_urls=())  # its bundled suffix list: no fetch
    source = newspaper.build(want["root"], memoize_articles=False, fetch_images=False, number_threads=2,
                             request_timeout=10)
    returned = {}
    for article in source.articles:
        try:
            article.download()
            article.parse()
        except Exception as err:  # a page it cannot read is not returned
            print(f"  newspaper4k: {article.url}: {err}", file=sys.stderr)
            continue
        date = article.publish_date.isoformat() if article.publish_date else None
        returned[normalize.canonical_url(article.url)] = {"section": None, "title": article.title, "date": date,
                                                          "body": article.text}
    return returned, {"categories": len(source.categories)}


def _versions() -> dict:
    out = {}
    for package in ("g60crawler", "trafilatura", "newspaper4k", "scrapy"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            out[package] = None
    return out


def _generic_in_child(variant: str, tool: str) -> dict:
    """Run one generic tool on one variant in a child process (their global state stays there)."""
    done = subprocess.run([sys.executable, "-m", "benchmarks.first_contact", "--child", variant, tool], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        return {"error": done.stderr.strip()[-500:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def child(variant: str, tool: str) -> dict:
    """One generic tool on one variant, over the mirror server; prints nothing but the JSON result."""
    want = json.loads((FIXTURES / f"variant-{variant}" / "expected.json").read_text("utf-8"))
    server = MirrorServer(FIXTURES / f"variant-{variant}")
    try:
        _forward_everything(server.address)
        run = {"trafilatura": run_trafilatura, "newspaper4k": run_newspaper}[tool]
        started = time.monotonic()
        returned, notes = run(variant, want, server.address)
        seconds = time.monotonic() - started
    finally:
        server.close()
    return {**score(returned, want, FIXTURES / f"variant-{variant}", other_channel_titles()),
            **notes, "seconds": round(seconds, 1)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.first_contact", description=__doc__.split("\n")[0])
    parser.add_argument("--only", help="comma-separated variants (default: every fixtures/variant-*)")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated tools: " + ",".join(TOOLS))
    parser.add_argument("--render", action="store_true", help="only render docs/first-contact.md from the results")
    parser.add_argument("--child", nargs=2, metavar=("VARIANT", "TOOL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(*args.child), ensure_ascii=False))
        return 0
    if args.render:
        DOC.write_text(render(json.loads(RESULTS.read_text("utf-8"))), "utf-8")
        return 0
    chosen = args.only.split(",") if args.only else variants()
    tools = args.tools.split(",")
    bad = [v for v in chosen if v not in variants()] + [t for t in tools if t not in TOOLS]
    if bad:
        print(f"Error: unknown variant or tool: {', '.join(bad)}", file=sys.stderr)
        return 2
    results = {"versions": _versions(), "variants": {}}
    others = other_channel_titles()
    for variant in chosen:
        want = json.loads((FIXTURES / f"variant-{variant}" / "expected.json").read_text("utf-8"))
        per_tool = {}
        for tool in tools:
            started = time.monotonic()
            if tool == "g60crawler":
                with tempfile.TemporaryDirectory() as tmp:
                    returned, notes = run_g60crawler(variant, want, Path(tmp))
                per_tool[tool] = {**score(returned, want, FIXTURES / f"variant-{variant}", others), **notes,
                                  "seconds": round(time.monotonic() - started, 1)}
            else:
                per_tool[tool] = _generic_in_child(variant, tool)
            r = per_tool[tool]
            print(f"{variant:10} {tool:12} " + (r["error"][-200:] if "error" in r else
                  " ".join(f"{c}={r[c]}" for c in COUNTS) + f" of {r['expected']}, {r['seconds']} s"), flush=True)
        results["variants"][variant] = per_tool
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")
    DOC.write_text(render(results), "utf-8")
    return 0


# ------------------------------------------------------------------ the doc

def render(results: dict) -> str:
    """docs/first-contact.md from the results file's content.

    :param results: the parsed benchmarks/results/first_contact.json.
    """
    lines = ["# First contact: g60crawler against generic crawlers on unseen portal variants", "",
             "Generated by `python -m benchmarks.first_contact` from `benchmarks/results/first_contact.json`;",
             "do not edit by hand. Method: the module's docstring (benchmarks/first_contact.py).", "",
             "Versions: " + ", ".join(f"{k} {v}" for k, v in results.get("versions", {}).items() if v) + ".", "",
             "Counts of the variant's expected articles (of N); the last two columns are pages returned as",
             "articles that are not: list pages, the root, 关于我们 (non-articles) and articles of another",
             "channel of a shared host. trafilatura and newspaper4k have no notion of sections. newspaper4k",
             "runs without NLTK (its `nlp` extra is not installed) and with tldextract's bundled suffix list;",
             "every request of the generic tools goes to the mirror server on 127.0.0.1.", "",
             "| variant | tool | N | " + " | ".join(LABELS[c] for c in COUNTS) + " |",
             "|---|---|---:|" + "---:|" * len(COUNTS)]
    totals: dict[str, dict] = {}
    for variant, per_tool in results["variants"].items():
        for tool, r in per_tool.items():
            if "error" in r:
                lines.append(f"| {variant} | {tool} | | error: {r['error'][-120:].replace('|', '/')} |")
                continue
            t = totals.setdefault(tool, dict.fromkeys(("expected", *COUNTS), 0))
            for key in t:
                t[key] += r[key]
            lines.append(f"| {variant} | {tool} | {r['expected']} | " + " | ".join(str(r[c]) for c in COUNTS) + " |")
    for tool, t in totals.items():
        n = t["expected"] or 1
        cells = [f"{t[c]} ({100 * t[c] / n:.0f}%)" if c not in ("non_articles", "other_channel") else str(t[c])
                 for c in COUNTS]
        lines.append(f"| **all** | **{tool}** | {t['expected']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
