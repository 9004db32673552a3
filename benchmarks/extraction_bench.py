"""Per-page extraction time: the project's known-template extraction against trafilatura and gne.

    python -m benchmarks.extraction_bench [--repeat 15] [--synthetic 200] [--padded 50]

Pages: every fixture page in a known template (fixtures/site, decoded as the
crawler decodes them), 200 synthetic pages (benchmarks.synthetic_portal), and
both again at the size of real portal pages: each inside 60–200 KB of seeded
menus, styles, scripts, side boxes and footer (benchmarks.padded_pages; the
fixture pages all, ``--padded`` of the synthetic ones). All three extractors
run in the same process, interleaved per page; per page the median of
``--repeat`` runs; reported per set as medians over pages and as ratios against
the project's time. The results file records the command that wrote it.
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import sys
import time
from pathlib import Path

from g60crawler.assemble import build_article
from g60crawler.pages.article import extract_raw
from g60crawler.pages.decode import decode_html

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "extraction.json"


def fixture_pages() -> list[tuple[str, bytes]]:
    pages = []
    for expected in sorted((ROOT / "fixtures" / "site").rglob("*.shtml.expected.json")):
        item = json.loads(expected.read_text("utf-8"))
        if item["extraction"].startswith("template:"):
            page = expected.with_name(expected.name.removesuffix(".expected.json"))
            pages.append((item["url"], page.read_bytes()))
    return pages


def synthetic_pages(n: int) -> list[tuple[str, bytes]]:
    import tempfile

    from benchmarks import synthetic_portal

    out = Path(tempfile.mkdtemp(prefix="g60-synth-"))
    synthetic_portal.build(out, n, progress=False)
    pages = []
    for path in sorted(out.rglob("*.shtml")):
        if "index" in path.name or path.parent.name == "gywm":
            continue
        rel = path.relative_to(out).as_posix()
        pages.append((f"http://{rel}", path.read_bytes()))
    return pages[:n]


def padded(pages: list[tuple[str, bytes]], seed: int) -> list[tuple[str, bytes]]:
    """The pages at real-page size: each in its own seeded chrome of 60–200 KB."""
    from benchmarks.padded_pages import pad

    big = [(url, pad(body, seed * 100_003 + i)) for i, (url, body) in enumerate(pages)]
    for (url, body), (_, padded_body) in zip(pages, big):  # the figures count only if the article is the same
        if _fields(url, padded_body) != _fields(url, body):
            raise SystemExit(f"Error: {url} padded to real size does not extract to the same fields")
    return big


def _fields(url: str, body: bytes) -> dict:
    item = build_article(extract_raw(url, body))
    return item.public_dict() if hasattr(item, "public_dict") else vars(item)


def ours(url: str, body: bytes) -> None:
    build_article(extract_raw(url, body))


def make_others():
    import trafilatura
    from gne import GeneralNewsExtractor

    gne = GeneralNewsExtractor()

    def run_trafilatura(url: str, body: bytes) -> None:
        trafilatura.bare_extraction(decode_html(body)[0], url=url, with_metadata=True, include_comments=False)

    def run_gne(url: str, body: bytes) -> None:
        gne.extract(decode_html(body)[0])

    return {"trafilatura": run_trafilatura, "gne": run_gne}


def measure(pages, repeat: int) -> dict:
    runners = {"g60crawler": ours, **make_others()}
    per_page = {name: [] for name in runners}
    for url, body in pages:
        samples = {name: [] for name in runners}
        for fn in runners.values():
            fn(url, body)  # warm-up
        for i in range(repeat):
            order = list(runners.items())
            if i % 2:
                order.reverse()
            for name, fn in order:
                start = time.perf_counter()
                fn(url, body)
                samples[name].append(time.perf_counter() - start)
        for name in runners:
            per_page[name].append(statistics.median(samples[name]))
    medians = {name: statistics.median(v) * 1000 for name, v in per_page.items()}
    ratios = {name: statistics.median(o / g for o, g in zip(per_page[name], per_page["g60crawler"]))
              for name in runners if name != "g60crawler"}
    return {"pages": len(pages), "median_ms": medians, "ratio_to_g60crawler": ratios,
            "mean_page_kb": sum(len(b) for _, b in pages) / len(pages) / 1024}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--synthetic", type=int, default=200)
    parser.add_argument("--padded", type=int, default=50, help="synthetic pages measured at real-page size")
    args = parser.parse_args(argv)
    fixtures = fixture_pages()
    results = {"fixture pages": measure(fixtures, args.repeat)}
    synth = synthetic_pages(max(args.synthetic, args.padded))
    if synth and args.synthetic:
        results["synthetic pages"] = measure(synth[:args.synthetic], max(3, args.repeat // 3))
    results["fixture pages, real size"] = measure(padded(fixtures, seed=1), max(3, args.repeat // 3))
    if synth and args.padded:
        results["synthetic pages, real size"] = measure(padded(synth[:args.padded], seed=2), max(3, args.repeat // 3))
    print(f"{'pages':28} {'n':>5} {'KB':>6} {'ours ms':>9} {'trafilatura ms':>15} {'gne ms':>8} "
          f"{'trafilatura/ours':>17} {'gne/ours':>9}")
    for label, r in results.items():
        m, q = r["median_ms"], r["ratio_to_g60crawler"]
        print(f"{label:28} {r['pages']:>5} {r['mean_page_kb']:>6.1f} {m['g60crawler']:>9.2f} {m['trafilatura']:>15.2f} "
              f"{m['gne']:>8.2f} {q['trafilatura']:>16.1f}x {q['gne']:>8.1f}x")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    command = shlex.join(["python", "-m", "benchmarks.extraction_bench", *(sys.argv[1:] if argv is None else argv)])
    RESULTS.write_text(json.dumps({"command": command, "sets": results}, indent=2), "utf-8")
    return results


if __name__ == "__main__":
    main()
