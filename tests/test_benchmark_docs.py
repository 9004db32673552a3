"""The benchmark docs are generated from the committed results files: a hand edit, or a stale page, fails."""

from __future__ import annotations

import copy
import json
import re

import pytest

from benchmarks import report


@pytest.mark.parametrize("name", sorted([*report.PAGES, *report.SECTIONS]))
def test_each_generated_page_is_what_its_results_file_renders_to(name):
    page, text = report._expected(name)
    if text is None:
        assert name == "reparse" or name in report.SECTIONS or not page.exists(), (
            f"{page} exists but benchmarks/results/{name}.json does not")
        return
    assert page.read_text("utf-8") == text, (
        f"docs/{page.name} differs from its rendering: run `python -m benchmarks.report` (never edit it by hand)")


def test_a_hand_edit_inside_the_generated_part_of_a_hand_written_page_is_found(tmp_path, monkeypatch):
    page = tmp_path / "generic-extractor.md"
    page.write_text((report.DOCS / "generic-extractor.md").read_text("utf-8"), "utf-8")
    monkeypatch.setattr(report, "DOCS", tmp_path)
    monkeypatch.setattr(report, "PAGES", {})
    assert report.stale_pages() == []
    text = page.read_text("utf-8")
    page.write_text(text.replace("| **total (10 pages)** |", "| **total (10 pages)** | 1", 1), "utf-8")
    assert report.stale_pages() == ["docs/generic-extractor.md"]
    page.write_text(text.replace("hand-written prose", "hand-written prose") + "\nMore prose.\n", "utf-8")
    assert report.stale_pages() == []  # outside the markers the page is the author's


def test_a_hand_edited_figure_is_found(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "DOCS", tmp_path)
    written = report.write_docs(["crawl"])
    monkeypatch.setattr(report, "PAGES", {"crawl": report.PAGES["crawl"]})
    monkeypatch.setattr(report, "SECTIONS", {})
    assert written and report.stale_pages() == []
    page = written[0]
    text = page.read_text("utf-8")
    figure = re.search(r"\*\*(\d+) pages/s\*\*", text)
    page.write_text(text.replace(figure.group(0), f"**{int(figure.group(1)) + 1} pages/s**", 1), "utf-8")
    assert report.stale_pages() == ["docs/benchmarks-crawl.md"]
    assert report.main(["--check"]) == 1


def _crawl() -> dict:
    return json.loads((report.RESULTS / "crawl.json").read_text("utf-8"))


def test_the_crawl_page_takes_every_headline_figure_from_the_results():
    """Change a measured figure in the json: the page changes with it (no figure is typed into the renderer)."""
    results = _crawl()
    before = report.render_crawl(results)
    for path, value in ((("medians", "full_pages_per_second"), 123.4), (("medians", "ratio_full_to_baseline"), 0.987),
                        (("medians", "full_max_rss_mib"), 4321.0), (("scale", "full", "max_rss_mib"), 8765.0),
                        (("medians", "recrawl_requests"), 99)):
        changed = copy.deepcopy(results)
        target = changed
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        after = report.render_crawl(changed)
        assert after != before, path
        shown = f"{value:,.0f}" if value >= 10 else f"{value:.2f}"
        assert after.count(shown) > before.count(shown), (path, shown)


def test_the_crawl_page_says_which_server_served_the_portal():
    results = _crawl()
    results["server"] = {"kind": "mirror_server", "version": "python http.server"}
    text = report.render_crawl(results)
    assert "served by mirror_server" in text and "benchmarks/setup-nginx" in text


def test_the_reparse_page_renders_from_a_results_file():
    rep = {"repeat": 1, "stale": 60, "ratio": 0.61, "ratio_cpu": 0.77,
           "extraction": {"articles_per_second": 400.0, "seconds": 5.0, "cpu_seconds": 4.5},
           "reparse": {"articles_per_second": 244.0, "wall_seconds": 8.2, "cpu_seconds": 5.0, "max_rss_mib": 70.0}}
    results = {"command": "python -m benchmarks.reparse_bench --articles 2000", "articles": 2000, "stale_share": 0.03,
               "machine": {"cpus": 2, "python": "3.11"}, "generated": "now", "seconds": 60.0,
               "archive": {"stored": 2000, "mean_page_kb": 26.6, "bytes": 50 * 2**20},
               "repeats": [rep], "medians": {"extraction_per_s": 400.0, "reparse_per_s": 244.0, "ratio": 0.61,
                                                  "ratio_cpu": 0.77}}
    text = report.render_reparse(results)
    assert "**0.61**" in text and "(target >= 0.5: met)" in text and "**244 articles/s**" in text and "**0.77**" in text
    results["medians"]["ratio"] = 0.42
    assert "(target >= 0.5: not met)" in report.render_reparse(results)
