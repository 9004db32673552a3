"""Run health: the checks that turn a scheduled run red when the portal changes."""

from __future__ import annotations

import pytest

from g60crawler.health import RunMetrics, Thresholds, check_run

# a healthy history: 40 articles, 1 failure, 1 generic, dates on all, editors on 36, summaries on 30
GOOD = RunMetrics(pages_ok=50, items=40, failures=1, generic=1, with_published=40, with_editor=36, with_summary=30)
HISTORY = [GOOD, GOOD, GOOD]


@pytest.mark.parametrize("run, previous, expected", [
    # the same as before: healthy
    (GOOD, HISTORY, []),
    # an unchanged site: nothing extracted, but list pages fetched: healthy
    (RunMetrics(pages_ok=7), HISTORY, []),
    # nothing fetched at all
    (RunMetrics(), HISTORY, ["the run fetched no page successfully"]),
    # a redesign: 6 of 8 new articles through the generic extractor
    (RunMetrics(10, 8, 0, 6, 8, 8, 6), HISTORY, ["generic-fallback share 75% (6 of 8 articles) against 2%"]),
    # selectors that stopped matching the editor: coverage 0% against 90%
    (RunMetrics(50, 40, 1, 1, 40, 0, 30), HISTORY, ["share of articles with an editor fell to 0% from 90%"]),
    # many pages failing: 20 of 40
    (RunMetrics(50, 20, 20, 0, 20, 18, 15), HISTORY, ["failure share 50% (20 of 40 pages) against 2%"]),
    # a small run is not judged on shares (4 articles, all generic)
    (RunMetrics(5, 4, 0, 4, 0, 0, 0), HISTORY, []),
    # a first run has no history: generic and failure shares are judged against 0, coverage not at all
    (RunMetrics(50, 40, 2, 3, 10, 0, 0), [], []),
    (RunMetrics(50, 40, 0, 30, 40, 40, 40), [], ["generic-fallback share 75% (30 of 40 articles) against 0%"]),
])
def test_check_run(run, previous, expected):
    problems = check_run(run, previous, Thresholds())
    assert len(problems) == len(expected), problems
    for problem, start in zip(problems, expected):
        assert problem.startswith(start)


def test_history_of_small_runs_is_not_a_baseline():
    small = RunMetrics(pages_ok=7, items=2, generic=2)  # incremental runs with 2 articles each
    problems = check_run(RunMetrics(50, 40, 0, 12, 40, 40, 40), [small] * 5, Thresholds())
    assert problems == ["generic-fallback share 30% (12 of 40 articles) against 0% in recent runs, above the "
                        "limit of +20%: the portal's article template may have changed"]


def test_thresholds_are_settings():
    run = RunMetrics(50, 40, 0, 12, 40, 40, 40)
    assert check_run(run, [], Thresholds(max_generic_rise=0.5)) == []
