"""Run health: the checks that turn a scheduled run red when the portal changes."""

from __future__ import annotations

import pytest

from g60crawler.health import TEMPLATE_HINT, RunMetrics, Thresholds, check_run

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
    (RunMetrics(50, 40, 1, 1, 40, 0, 30), HISTORY, ["share of articles with an editor fell by 90 points (limit 30)"]),
    # many pages failing: 20 of 40
    (RunMetrics(50, 20, 20, 0, 20, 18, 15), HISTORY, ["failure share 50% (20 of 40 pages) against 2%"]),
    # a small run is judged by absolute limits: 4 articles, all generic
    (RunMetrics(5, 4, 0, 4, 0, 0, 0), HISTORY, ["generic-fallback share 100% (4 of 4 articles)"]),
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
                        "limit of +20%: " + TEMPLATE_HINT]


def test_thresholds_are_settings():
    run = RunMetrics(50, 40, 0, 12, 40, 40, 40)
    assert check_run(run, [], Thresholds(max_generic_rise=0.5)) == []


# ------------------------------------------------------------ a baseline of healthy runs only

BROKEN = RunMetrics(pages_ok=50, items=40, failures=1, generic=30, with_published=40, with_editor=36, with_summary=30)


def _finish(archive, metrics: RunMetrics, limits=Thresholds()) -> list[str]:
    """One run as the pipeline records it: judged against the archive's baseline, then finished."""
    run_id = archive.start_run("g60", {})
    problems = check_run(metrics, archive.recent_metrics(5, before_run=run_id), limits)
    archive.finish_run(run_id, "finished", {f: getattr(metrics, f) for f in RunMetrics.__dataclass_fields__},
                       {}, 3 if problems else 0, problems)
    return problems


@pytest.mark.reliability("a broken article template for four runs in a row", "every run red: unhealthy runs never "
                         "enter the baseline", group="run health")
def test_consecutive_broken_runs_stay_red(tmp_path):
    from g60crawler.archive import Archive

    archive = Archive.open(tmp_path / "a.sqlite")
    try:
        assert _finish(archive, GOOD) == []
        reds = [bool(_finish(archive, BROKEN)) for _ in range(4)]
        assert reds == [True, True, True, True]
        assert _finish(archive, GOOD) == []  # the fixed template: green again, judged against GOOD
    finally:
        archive.close()


@pytest.mark.reliability("small runs (under G60_HEALTH_MIN_ITEMS articles) with a broken template or failing pages",
                         "red by absolute limits: generic share, failure share of at least "
                         "G60_HEALTH_MIN_FAILURES pages", group="run health")
@pytest.mark.parametrize("run, expected", [
    # 3 new articles, all through the generic extractor
    (RunMetrics(pages_ok=8, items=3, generic=3, with_published=3), ["generic-fallback share 100% (3 of 3 articles)"]),
    # 1 new article, generic
    (RunMetrics(pages_ok=8, items=1, generic=1, with_published=1), ["generic-fallback share 100% (1 of 1 articles)"]),
    # every article page failed
    (RunMetrics(pages_ok=6, items=0, failures=4), ["failure share 100% (4 of 4 pages)"]),
    # 3 of 4 failed
    (RunMetrics(pages_ok=6, items=1, failures=3, with_published=1), ["failure share 75% (3 of 4 pages)"]),
    # both
    (RunMetrics(pages_ok=6, items=2, failures=2, generic=2), ["failure share 50% (2 of 4 pages)",
                                                              "generic-fallback share 100% (2 of 2 articles)"]),
])
def test_small_broken_runs_are_red(run, expected):
    problems = check_run(run, [GOOD] * 3, Thresholds(max_failure_share=0.4))
    assert len(problems) == len(expected), problems
    for problem, start in zip(problems, expected):
        assert problem.startswith(start), problem


@pytest.mark.parametrize("run", [
    RunMetrics(pages_ok=8, items=3, generic=0, with_published=3, with_editor=3, with_summary=2),
    RunMetrics(pages_ok=8, items=3, failures=1, generic=1, with_published=3),  # one of each: below the limits
    RunMetrics(pages_ok=7),  # nothing new: nothing to judge
    RunMetrics(pages_ok=7, failures=1),  # one failure alone is under G60_HEALTH_MIN_FAILURES
])
def test_healthy_small_runs_are_green(run):
    assert check_run(run, [GOOD] * 3, Thresholds()) == []


# ------------------------------------------------------------ the portal's extraction mode

ALL_GENERIC = RunMetrics(pages_ok=50, items=40, failures=1, generic=40, with_published=40, with_editor=36,
                         with_summary=30)


@pytest.mark.parametrize("run, previous", [
    (ALL_GENERIC, []),  # a first run on a portal no template reads
    (ALL_GENERIC, [GOOD] * 3),  # against a history read by templates
    (RunMetrics(pages_ok=8, items=3, generic=3, with_published=3), []),  # a small first run
    (RunMetrics(pages_ok=8, items=1, generic=1, with_published=1), [ALL_GENERIC] * 3),  # a small later run
])
def test_generic_portal_expects_the_generic_extractor(run, previous):
    assert check_run(run, previous, Thresholds(), extraction="generic") == []


@pytest.mark.parametrize("run, previous, expected", [
    # every other check still applies: failures, coverage against healthy runs, nothing fetched
    (RunMetrics(50, 20, 20, 20, 20, 18, 15), [ALL_GENERIC] * 3, "failure share 50% (20 of 40 pages) against 2%"),
    (RunMetrics(6, 1, 3, 1, 1), [], "failure share 75% (3 of 4 pages) in a small run"),
    (RunMetrics(50, 40, 1, 40, 40, 0, 30), [ALL_GENERIC] * 3, "share of articles with an editor fell by 90 points"),
    (RunMetrics(), [ALL_GENERIC] * 3, "the run fetched no page successfully"),
])
def test_generic_portal_keeps_the_other_checks(run, previous, expected):
    problems = check_run(run, previous, Thresholds(max_failure_share=0.4), extraction="generic")
    assert len(problems) == 1 and problems[0].startswith(expected), problems
    assert not [p for p in problems if "generic-fallback" in p]


@pytest.mark.parametrize("run, previous", [
    (ALL_GENERIC, []),
    (ALL_GENERIC, [GOOD] * 3),
    (RunMetrics(pages_ok=8, items=3, generic=3, with_published=3), [GOOD] * 3),
])
def test_templated_portal_is_red_on_generic_share_and_says_what_to_do(run, previous):
    for problems in (check_run(run, previous, Thresholds()), check_run(run, previous, Thresholds(), "template")):
        assert len(problems) == 1 and problems[0].startswith("generic-fallback share 100%"), problems
        assert "article template may have changed" in problems[0]
        assert "`g60crawler extract PAGE --url URL`" in problems[0]
        assert "`g60crawler discover" in problems[0] and 'extraction = "generic"' in problems[0]


def test_unknown_extraction_mode_is_refused():
    with pytest.raises(ValueError, match="extraction"):
        check_run(GOOD, [], Thresholds(), extraction="generik")


@pytest.mark.reliability("runs stopped early (Ctrl-C, a CLOSESPIDER_* limit) before a full one",
                         "a stopped run never enters the baseline: only runs that finished are normal",
                         group="run health")
@pytest.mark.parametrize("reason", ["shutdown", "closespider_pagecount", "closespider_itemcount", "cancelled"])
def test_stopped_runs_are_not_a_baseline(tmp_path, reason):
    from g60crawler.archive import Archive

    # a run stopped early: its few articles are the easy ones, all with a summary
    partial = RunMetrics(pages_ok=20, items=12, failures=0, generic=0, with_published=12, with_editor=12,
                         with_summary=12)
    archive = Archive.open(tmp_path / "a.sqlite")
    try:
        assert _finish(archive, GOOD) == []
        for _ in range(3):
            run_id = archive.start_run("g60", {})
            archive.finish_run(run_id, reason, {f: getattr(partial, f) for f in RunMetrics.__dataclass_fields__},
                               {}, 0, [])
        assert archive.recent_metrics(5) == [GOOD]
        # the resumed run gets the harder rest: 65% with a summary, red against 100%, green against 75%
        resumed = RunMetrics(pages_ok=50, items=40, failures=1, generic=1, with_published=40, with_editor=36,
                             with_summary=26)
        assert _finish(archive, resumed) == []
    finally:
        archive.close()


@pytest.mark.parametrize("summaries, base, drop, limit", [(0, 30, 75, 0.3), (8, 30, 55, 0.25), (10, 40, 75, 0.5)])
def test_coverage_drop_is_said_in_points(summaries, base, drop, limit):
    history = [RunMetrics(50, 40, 0, 0, 40, 40, base)] * 3
    problems = check_run(RunMetrics(50, 40, 0, 0, 40, 40, summaries), history, Thresholds(max_coverage_drop=limit))
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"share of articles with a summary fell by {drop} points "
                                  f"(limit {round(limit * 100)}): "), problems[0]
    assert "-" not in problems[0].split(":")[0]  # no negative limit


@pytest.mark.reliability("a first run with no network (DNS, proxy or connection failures on every request)",
                         "one problem: no page could be fetched, check the network / proxy, with the first failure; "
                         "no failure-share or discover line", group="run health")
@pytest.mark.parametrize("previous", [[], [GOOD] * 3])
@pytest.mark.parametrize("first", ["dns lookup failed: g60.example: Name or service not known",
                                   "connection refused: 127.0.0.1:9"])
def test_no_page_answered_says_check_the_network(previous, first):
    run = RunMetrics(pages_ok=0, items=0, failures=40, responses=0)
    problems = check_run(run, previous, Thresholds(), first_failure=first)
    assert problems == [f"no page could be fetched: check the network / proxy (first failure: {first})"]


def test_pages_answered_with_errors_are_not_a_network_problem():
    # every page answered 403: the portal blocks us, the network is fine
    problems = check_run(RunMetrics(pages_ok=0, items=0, failures=40, responses=40), [], Thresholds(),
                         first_failure="http 403")
    assert not [p for p in problems if "network" in p]
    assert [p for p in problems if p.startswith("failure share 100%")]


def test_no_network_silences_the_section_checks():
    from g60crawler.health import check_sections

    sections = {"g60zx": {"pages": 0, "links": 0, "entries": 0}}
    assert check_sections(sections, 0, reachable=False) == []
    assert check_sections(sections, 0)  # an empty archive after pages answered: loud
