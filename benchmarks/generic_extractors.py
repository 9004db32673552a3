"""Which generic extractor for article pages in a template our selectors do not know?

Runs trafilatura and gne (GeneralNewsExtractor) on hand-labelled article pages
of unknown templates and scores title, date, body recall, body precision and
time. Run from the repository root (gne is the ``bench`` extra):

    .venv/bin/pip install -U pip && .venv/bin/pip install -e '.[bench]'   # pip 23 fails on the bench extras' lxml[html-clean]
    .venv/bin/python -m benchmarks.generic_extractors

Pages: every ``benchmarks/generic_pages/<name>.html`` with its hand-written
``<name>.json`` ({"url", "title", "published", "paragraphs"}), plus the
mirror's pages in unknown templates (their ``.expected.json`` beside them).
Results: a table on stdout and ``benchmarks/results/generic_extractors.json``.
See docs/generic-extractor.md for the method and the decision.
"""

from __future__ import annotations

import json
import os
import platform
import re
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

import trafilatura
from gne import GeneralNewsExtractor
from lxml import html as lxml_html

from g60crawler.pages.blocks import body_blocks
from g60crawler.pages.decode import decode_html

ROOT = Path(__file__).resolve().parent.parent
PAGES_DIR = ROOT / "benchmarks" / "generic_pages"
MIRROR_SITE = ROOT / "fixtures" / "site"
# Pages of the mirror in templates no selector set knows.
MIRROR_PAGES = (
    "g60.chinadevelopment.com.cn/cytz/2024/0312/1632008.shtml",
    "g60.chinadevelopment.com.cn/zcnx/2024/0418/1632055.shtml",
)
RESULTS = ROOT / "benchmarks" / "results" / "generic_extractors.json"
RUNS = 20
LIBS = ("trafilatura", "gne")

# The calls under test, exactly as measured.
TRAFILATURA_CALL = ("trafilatura.bare_extraction(html, url=url, with_metadata=True, "
                    "include_comments=False, include_tables=True)")
GNE_CALL = "GeneralNewsExtractor().extract(html)"

_GNE = GeneralNewsExtractor()


# ------------------------------------------------------------------ pages

@dataclass
class Case:
    """One labelled page: its decoded HTML and what a reader sees on it."""

    name: str
    path: str
    url: str
    encoding: str
    html: str
    title: str
    published: str
    paragraphs: list[str]


def load_cases() -> list[Case]:
    """The benchmark pages, then the mirror's unknown-template pages."""
    cases = []
    for label in sorted(PAGES_DIR.glob("*.json")):
        page = label.with_suffix(".html")
        expected = json.loads(label.read_text("utf-8"))
        html, encoding = decode_html(page.read_bytes())
        cases.append(Case(label.stem, str(page.relative_to(ROOT)), expected["url"], encoding, html,
                          expected["title"], expected["published"], expected["paragraphs"]))
    for rel in MIRROR_PAGES:
        page = MIRROR_SITE / rel
        expected = json.loads(page.with_name(page.name + ".expected.json").read_text("utf-8"))
        html, encoding = decode_html(page.read_bytes())
        name = "mirror_" + rel.split("/")[1] + "_" + page.stem
        cases.append(Case(name, str(page.relative_to(ROOT)), expected["url"], encoding, html,
                          expected["title"], expected["published"][:10], expected["body"].split("\n\n")))
    return cases


# ------------------------------------------------------------- extractors

@dataclass
class Extraction:
    title: str | None = None
    date: str | None = None
    text: str = ""
    error: str | None = None


def _get(doc, name):
    """A field of trafilatura's result (a Document in 2.x, a dict in 1.x)."""
    return doc.get(name) if isinstance(doc, dict) else getattr(doc, name, None)


def run_trafilatura(html: str, url: str) -> Extraction:
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True,
                                      include_comments=False, include_tables=True)
    if doc is None:
        return Extraction(error="no result")
    return Extraction(_get(doc, "title"), _get(doc, "date"), _get(doc, "text") or "")


def run_gne(html: str, url: str) -> Extraction:
    try:
        result = _GNE.extract(html)
    except Exception as exc:  # gne raises NoContentException when it finds no body
        return Extraction(error=f"{type(exc).__name__}: {exc}")
    return Extraction(result.get("title"), result.get("publish_time"), result.get("content") or "")


RUNNERS = {"trafilatura": run_trafilatura, "gne": run_gne}


def run_gne_blocks(html: str, url: str) -> Extraction:
    """Follow-up only (scored, not timed): gne's body element split by the crawler's own
    block walker (``g60crawler.pages.blocks.body_blocks``: paragraphs, captions to images)."""
    try:
        result = _GNE.extract(html, with_body_html=True)
    except Exception as exc:
        return Extraction(error=f"{type(exc).__name__}: {exc}")
    body = body_blocks(lxml_html.fromstring(result["body_html"]), url)
    return Extraction(result.get("title"), result.get("publish_time"), "\n".join(body.paragraphs))


def run_trafilatura_no_tables(html: str, url: str) -> Extraction:
    """Sensitivity check only (scored, not timed): the same call with include_tables=False."""
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True,
                                      include_comments=False, include_tables=False)
    if doc is None:
        return Extraction(error="no result")
    return Extraction(_get(doc, "title"), _get(doc, "date"), _get(doc, "text") or "")


# ---------------------------------------------------------------- scoring

_WS = re.compile(r"\s+")  # str patterns: also U+3000 and NBSP
_SEP = r"[_|｜\-–—]"
# A trailing segment naming the site or column, after a separator or a space:
# "_松江区人民政府", " - 浙江频道 - 中国发展网", " 嘉兴市人民政府", "_今日芜湖_芜湖市人民政府".
_SITE_WORD = r"(?:网|政府|门户|网站|频道)"
# one or more segments, each after a separator or a space, the last naming the site
_SITE_SUFFIX = re.compile(rf"(?:\s*(?:{_SEP}+|\s)\s*[^_|｜\-–—\s]+)*?\s*(?:{_SEP}+|\s)\s*[^_|｜\-–—\s]*{_SITE_WORD}")
_DAY = re.compile(r"((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def squeeze(text: str | None) -> str:
    """Text without any whitespace (paragraph breaks, indents, NBSP)."""
    return _WS.sub("", text or "")


def strip_site_suffix(title: str | None, expected: str) -> str:
    """The title without a trailing site/column name, when what precedes it is the headline.

    Only a suffix whose last segment names a site (…网, …政府, …频道) is cut,
    and only when cutting leaves the expected headline: a wrong title is
    never made right.
    """
    title = (title or "").strip()
    if title == expected:
        return title
    if title.startswith(expected) and _SITE_SUFFIX.fullmatch(title[len(expected):]):
        return expected
    return title


def day_of(value: str | None) -> str | None:
    """YYYY-MM-DD of the first date in a string ("2023-06-06 10:20", "2023年06月06日")."""
    m = _DAY.search(value or "")
    if not m:
        return None
    y, mo, d = m.groups()
    return f"{y}-{int(mo):02d}-{int(d):02d}"


@dataclass
class Score:
    title: str | None
    title_ok: bool
    date: str | None
    date_ok: bool
    recall: float
    found: int
    expected: int
    precision: float | None
    extracted_chars: int
    noise_chars: int
    paragraphs_as_lines: float
    missing: list[str]
    noise_sample: str
    error: str | None
    ms: float = 0.0
    ms_runs: list[float] = field(default_factory=list)


def score(case: Case, got: Extraction) -> Score:
    text = squeeze(got.text)
    wanted = [squeeze(p) for p in case.paragraphs]
    found = [p in text for p in wanted]
    rest = text
    for p in sorted(wanted, key=len, reverse=True):
        rest = rest.replace(p, "", 1)  # a paragraph repeated is noise the second time
    lines = {squeeze(line) for line in got.text.split("\n")}
    title = strip_site_suffix(got.title, case.title)
    return Score(
        title=got.title,
        title_ok=title == case.title,
        date=got.date,
        date_ok=day_of(got.date) == case.published,
        recall=sum(found) / len(wanted),
        found=sum(found),
        expected=len(wanted),
        precision=(len(text) - len(rest)) / len(text) if text else None,
        extracted_chars=len(text),
        noise_chars=len(rest),
        paragraphs_as_lines=sum(p in lines for p in wanted) / len(wanted),
        missing=[p[:30] for p, ok in zip(case.paragraphs, found) if not ok],
        noise_sample=rest[:200],
        error=got.error,
    )


# ----------------------------------------------------------------- timing

def time_both(case: Case, runs: int = RUNS) -> dict[str, list[float]]:
    """Milliseconds per call of each library, ``runs`` each, interleaved in one process.

    One untimed warm-up call each; then the libraries alternate, and which
    one goes first alternates too, so neither always runs on a warm cache.
    """
    for lib in LIBS:
        RUNNERS[lib](case.html, case.url)
    times: dict[str, list[float]] = {lib: [] for lib in LIBS}
    for i in range(runs):
        for lib in (LIBS if i % 2 == 0 else LIBS[::-1]):
            start = time.perf_counter()
            RUNNERS[lib](case.html, case.url)
            times[lib].append((time.perf_counter() - start) * 1000)
    return times


# ----------------------------------------------------------------- report

def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x * 100:.0f}%"


def _yn(ok: bool) -> str:
    return "ok" if ok else "FAIL"


def table(rows: list[dict], totals: dict) -> str:
    """Markdown: one row per page, both libraries side by side (T = trafilatura, G = gne)."""
    head = ("| page | title T | title G | date T | date G | recall T | recall G | precision T | precision G "
            "| para=line T | para=line G | ms T | ms G | G/T time |")
    out = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        t, g = r["trafilatura"], r["gne"]
        out.append(
            f"| {r['name']} | {_yn(t['title_ok'])} | {_yn(g['title_ok'])} | {_yn(t['date_ok'])} | {_yn(g['date_ok'])} "
            f"| {_pct(t['recall'])} | {_pct(g['recall'])} | {_pct(t['precision'])} | {_pct(g['precision'])} "
            f"| {_pct(t['paragraphs_as_lines'])} | {_pct(g['paragraphs_as_lines'])} "
            f"| {t['ms']:.2f} | {g['ms']:.2f} | {r['time_ratio_gne_over_trafilatura']:.2f} |")
    t, g = totals["trafilatura"], totals["gne"]
    n = totals["pages"]
    out.append(
        f"| **total ({n} pages)** | {t['titles_ok']}/{n} | {g['titles_ok']}/{n} | {t['dates_ok']}/{n} | {g['dates_ok']}/{n} "
        f"| {t['paragraphs_found']}/{totals['paragraphs']} | {g['paragraphs_found']}/{totals['paragraphs']} "
        f"| {_pct(t['precision_micro'])} | {_pct(g['precision_micro'])} "
        f"| {_pct(t['paragraphs_as_lines_mean'])} | {_pct(g['paragraphs_as_lines_mean'])} "
        f"| {t['ms_sum']:.2f} | {g['ms_sum']:.2f} | {totals['time_ratio_gne_over_trafilatura']:.2f} |")
    return "\n".join(out)


def details(rows: list[dict]) -> str:
    """What each library got wrong, page by page."""
    lines = []
    for r in rows:
        for lib in LIBS:
            s = r[lib]
            problems = []
            if s["error"]:
                problems.append(f"error {s['error']}")
            if not s["title_ok"]:
                problems.append(f"title {s['title']!r}")
            if not s["date_ok"]:
                problems.append(f"date {s['date']!r} (page shows {r['expected_published']})")
            if s["missing"]:
                problems.append(f"missing {s['missing']}")
            if s["noise_chars"]:
                problems.append(f"{s['noise_chars']} noise chars, e.g. {s['noise_sample'][:80]!r}")
            if problems:
                lines.append(f"- {r['name']} / {lib}: " + "; ".join(problems))
    return "\n".join(lines)


def main() -> int:
    cases = load_cases()
    rows = []
    for case in cases:
        row = {"name": case.name, "path": case.path, "url": case.url, "encoding": case.encoding,
               "expected_title": case.title, "expected_published": case.published,
               "expected_paragraphs": len(case.paragraphs)}
        times = time_both(case)
        for lib in LIBS:
            s = score(case, RUNNERS[lib](case.html, case.url))
            s.ms_runs = [round(x, 3) for x in times[lib]]
            s.ms = statistics.median(times[lib])
            row[lib] = asdict(s)
        row["time_ratio_gne_over_trafilatura"] = row["gne"]["ms"] / row["trafilatura"]["ms"]
        rows.append(row)
        print(f"  {case.name}: done", file=sys.stderr)

    totals = {"pages": len(rows), "paragraphs": sum(r["expected_paragraphs"] for r in rows)}
    for lib in LIBS:
        per = [r[lib] for r in rows]
        extracted = sum(s["extracted_chars"] for s in per)
        totals[lib] = {
            "titles_ok": sum(s["title_ok"] for s in per),
            "dates_ok": sum(s["date_ok"] for s in per),
            "paragraphs_found": sum(s["found"] for s in per),
            "recall_mean": statistics.mean(s["recall"] for s in per),
            "pages_full_recall": sum(s["recall"] == 1 for s in per),
            "precision_micro": (extracted - sum(s["noise_chars"] for s in per)) / extracted if extracted else None,
            "precision_mean": statistics.mean(s["precision"] or 0.0 for s in per),
            "pages_clean": sum(s["noise_chars"] == 0 and s["recall"] == 1 for s in per),
            "paragraphs_as_lines_mean": statistics.mean(s["paragraphs_as_lines"] for s in per),
            "errors": sum(bool(s["error"]) for s in per),
            "ms_sum": sum(s["ms"] for s in per),
            "ms_median_page": statistics.median(s["ms"] for s in per),
        }
    totals["time_ratio_gne_over_trafilatura"] = totals["gne"]["ms_sum"] / totals["trafilatura"]["ms_sum"]
    totals["time_ratio_median_of_pages"] = statistics.median(r["time_ratio_gne_over_trafilatura"] for r in rows)

    # Sensitivity: is trafilatura's result down to include_tables=True?
    variant = [score(case, run_trafilatura_no_tables(case.html, case.url)) for case in cases]
    extracted = sum(v.extracted_chars for v in variant)
    sensitivity = {
        "call": TRAFILATURA_CALL.replace("include_tables=True", "include_tables=False"),
        "titles_ok": sum(v.title_ok for v in variant),
        "dates_ok": sum(v.date_ok for v in variant),
        "paragraphs_found": sum(v.found for v in variant),
        "precision_micro": (extracted - sum(v.noise_chars for v in variant)) / extracted if extracted else None,
        "paragraphs_as_lines_mean": statistics.mean(v.paragraphs_as_lines for v in variant),
        "pages": {case.name: {"precision": v.precision, "paragraphs_as_lines": v.paragraphs_as_lines}
                  for case, v in zip(cases, variant)},
    }

    follow = [score(case, run_gne_blocks(case.html, case.url)) for case in cases]
    extracted = sum(v.extracted_chars for v in follow)
    gne_blocks = {
        "call": "GeneralNewsExtractor().extract(html, with_body_html=True), body_html -> g60crawler.pages.blocks.body_blocks",
        "paragraphs_found": sum(v.found for v in follow),
        "precision_micro": (extracted - sum(v.noise_chars for v in follow)) / extracted if extracted else None,
        "paragraphs_as_lines_mean": statistics.mean(v.paragraphs_as_lines for v in follow),
        "pages": {case.name: {"recall": v.recall, "precision": v.precision, "paragraphs_as_lines": v.paragraphs_as_lines,
                              "noise_sample": v.noise_sample}
                  for case, v in zip(cases, follow)},
    }

    md = table(rows, totals)
    print(md)
    print()
    print(f"time: median of {RUNS} interleaved runs per page and library, in ms; "
          f"G/T = gne time / trafilatura time (total {totals['time_ratio_gne_over_trafilatura']:.2f}, "
          f"median over pages {totals['time_ratio_median_of_pages']:.2f})")
    print()
    print(details(rows) or "(no errors)")
    print()
    print(f"sensitivity, trafilatura with include_tables=False (not timed): titles {sensitivity['titles_ok']}/{len(rows)}, "
          f"dates {sensitivity['dates_ok']}/{len(rows)}, paragraphs {sensitivity['paragraphs_found']}/{totals['paragraphs']}, "
          f"precision {_pct(sensitivity['precision_micro'])}, para=line {_pct(sensitivity['paragraphs_as_lines_mean'])}")
    print(f"follow-up, gne body_html split by the crawler's body_blocks (not timed): "
          f"paragraphs {gne_blocks['paragraphs_found']}/{totals['paragraphs']}, "
          f"precision {_pct(gne_blocks['precision_micro'])}, para=line {_pct(gne_blocks['paragraphs_as_lines_mean'])}; "
          + ", ".join(f"{name} {_pct(v['paragraphs_as_lines'])}" for name, v in gne_blocks["pages"].items()
                      if v["paragraphs_as_lines"] < 1))

    result = {
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": "python -m benchmarks.generic_extractors",
        "runs_per_page": RUNS,
        "calls": {"trafilatura": TRAFILATURA_CALL, "gne": GNE_CALL},
        "versions": {"python": platform.python_version(), "trafilatura": version("trafilatura"),
                     "gne": version("gne"), "lxml": version("lxml")},
        "machine": {"platform": platform.platform(), "processor": platform.machine(), "cpus": os.cpu_count()},
        "totals": totals,
        "sensitivity_trafilatura_no_tables": sensitivity,
        "followup_gne_body_blocks": gne_blocks,
        "pages": rows,
        "table_markdown": md,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    tmp = RESULTS.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    tmp.replace(RESULTS)
    print(f"\nwritten: {RESULTS.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
