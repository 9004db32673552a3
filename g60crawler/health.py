"""Is a finished crawl healthy? Compare it with recent runs, so a silent layout change turns it red.

A run of at least ``min_items`` articles is judged against the medians of
recent healthy runs (the archive gives only those: a red run never becomes the
baseline); a smaller run by absolute limits. The generic extractor's share is
judged only on a portal read by templates (portal file ``extraction``): on one
no template reads, it is expected. Pure functions: the pipeline
gathers the numbers, the crawl command turns a problem into a non-zero exit
status (EXIT_UNHEALTHY) and an ERROR line.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from . import settings as defaults

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_UNHEALTHY = 3
EXIT_ARCHIVE = 4  # the archive could not be written (disk full, read-only): the crawl stopped
EXIT_LOCKED = 75  # EX_TEMPFAIL: try again later, another run holds the archive


@dataclass(frozen=True)
class RunMetrics:
    """What one run extracted: counts of articles, failures and fields found."""

    pages_ok: int = 0
    items: int = 0  # articles extracted from a fetched page in this run
    failures: int = 0
    generic: int = 0
    with_published: int = 0
    with_editor: int = 0
    with_summary: int = 0
    responses: int | None = None  # pages that got an HTTP answer, of any status (None: not known)


@dataclass(frozen=True)
class Thresholds:
    """The limits of the checks; defaults are the settings' (g60crawler/settings.py)."""

    min_items: int = defaults.G60_HEALTH_MIN_ITEMS  # fewer: judged by absolute limits, not against recent runs
    max_failure_rise: float = defaults.G60_HEALTH_MAX_FAILURE_RISE  # share points above the recent median
    max_generic_rise: float = defaults.G60_HEALTH_MAX_GENERIC_RISE
    max_coverage_drop: float = defaults.G60_HEALTH_MAX_COVERAGE_DROP
    max_failure_share: float = defaults.G60_HEALTH_MAX_FAILURE_SHARE  # small runs
    min_failures: int = defaults.G60_HEALTH_MIN_FAILURES
    max_generic_share: float = defaults.G60_HEALTH_MAX_GENERIC_SHARE


#: What to do when a templated portal's articles go to the generic extractor.
TEMPLATE_HINT = ("the portal's article template may have changed: check a page with "
                 "`g60crawler extract PAGE --url URL` (and add or fix a Template), or, if no template is meant "
                 "to read this portal, run `g60crawler discover ROOT_URL -o FILE` (it writes "
                 'extraction = "generic" when the generic extractor reads its articles) and crawl with that file')

COVERAGE_FIELDS = (("with_published", "a publish date"), ("with_editor", "an editor"),
                   ("with_summary", "a summary"))


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def _points(x: float) -> str:
    return f"{x * 100:.0f}"


def check_run(run: RunMetrics, previous: list[RunMetrics], limits: Thresholds = Thresholds(),
              extraction: str = "template", first_failure: str | None = None) -> list[str]:
    """The problems of a run, each a sentence saying which check failed and by how much.

    :param run: the run just finished.
    :param previous: recent healthy runs, newest first (their medians are the baseline).
    :param limits: the thresholds (settings ``G60_HEALTH_*``).
    :param extraction: the portal's ``extraction``: "template" (the generic share is checked) or
        "generic" (the generic extractor reads the portal: its share is expected, not checked).
    :param first_failure: the run's first failure (reason and detail), named when no page answered at all.
    """
    if extraction not in ("template", "generic"):
        raise ValueError(f'extraction must be "template" or "generic", got {extraction!r}')
    if run.responses == 0 and run.failures:
        # not one answer: the network, a proxy or DNS, not the portal; shares and hints would mislead
        return [f"no page could be fetched: check the network / proxy (first failure: {first_failure or 'unknown'})"]
    templated = extraction == "template"
    problems = []
    if run.pages_ok == 0:
        problems.append("the run fetched no page successfully (is the portal down or blocking us?)")
    problems += _small_run_problems(run, limits, templated)
    judged = [p for p in previous if p.items >= limits.min_items]
    attempts = run.items + run.failures
    if attempts >= limits.min_items:
        share = _share(run.failures, attempts)
        base = median([_share(p.failures, p.items + p.failures) for p in judged]) if judged else 0.0
        if share > base + limits.max_failure_rise:
            problems.append(
                f"failure share {_pct(share)} ({run.failures} of {attempts} pages) against {_pct(base)} "
                f"in recent runs, above the limit of +{_pct(limits.max_failure_rise)}")
    if run.items >= limits.min_items and templated:
        share = _share(run.generic, run.items)
        base = median([_share(p.generic, p.items) for p in judged]) if judged else 0.0
        if share > base + limits.max_generic_rise:
            problems.append(
                f"generic-fallback share {_pct(share)} ({run.generic} of {run.items} articles) against "
                f"{_pct(base)} in recent runs, above the limit of +{_pct(limits.max_generic_rise)}: "
                + TEMPLATE_HINT)
    if run.items >= limits.min_items:
        if judged:
            for field, label in COVERAGE_FIELDS:
                cov = _share(getattr(run, field), run.items)
                base = median([_share(getattr(p, field), p.items) for p in judged])
                if cov < base - limits.max_coverage_drop:
                    problems.append(
                        f"share of articles with {label} fell by {_points(base - cov)} points "
                        f"(limit {_points(limits.max_coverage_drop)}): {_pct(cov)} against {_pct(base)} in "
                        "recent runs; a selector may have stopped matching")
    return problems


def _small_run_problems(run: RunMetrics, limits: Thresholds, templated: bool = True) -> list[str]:
    """A run too small for shares against recent runs, judged by absolute limits.

    :param run: the run just finished.
    :param limits: the thresholds.
    :param templated: the portal is read by templates (the generic share is judged).
    """
    problems = []
    attempts = run.items + run.failures
    if attempts < limits.min_items and run.failures >= limits.min_failures:
        share = _share(run.failures, attempts)
        if share > limits.max_failure_share:
            problems.append(
                f"failure share {_pct(share)} ({run.failures} of {attempts} pages) in a small run, above the "
                f"limit of {_pct(limits.max_failure_share)}")
    if 0 < run.items < limits.min_items and templated:
        share = _share(run.generic, run.items)
        if share > limits.max_generic_share:
            problems.append(
                f"generic-fallback share {_pct(share)} ({run.generic} of {run.items} articles) in a small run, "
                f"above the limit of {_pct(limits.max_generic_share)}: {TEMPLATE_HINT}")
    return problems


DISCOVER_HINT = "run `g60crawler discover ROOT_URL` to learn the portal's URLs and check the portal file (G60_PORTAL)"


def check_sections(sections: dict[str, dict], archived_articles: int | None, portal_source: str = "built-in",
                   reachable: bool = True) -> list[str]:
    """Loud on zero: sections whose list pages were read but gave no article, or an archive with none.

    :param sections: per section slug, what its list pages showed: ``pages``, ``links``, ``entries``,
        ``unmatched`` (a sample of links that matched no article pattern).
    :param archived_articles: articles in the archive after the run (None: not judged).
    :param portal_source: the portal file used (for the message).
    :param reachable: some page answered; False (no page could be fetched) is check_run's problem: the
        portal's URLs are not in question then.
    """
    if not reachable:
        return []
    problems = []
    for slug, c in sections.items():
        if c.get("pages") and not c.get("entries"):
            sample = ", ".join(c.get("unmatched") or []) or "none"
            problems.append(
                f"section {slug}: {c['pages']} list page(s) fetched, {c.get('links', 0)} links seen, none read "
                f"as an article of the portal ({portal_source}); links that matched no article pattern: "
                f"{sample}; {DISCOVER_HINT}")
    if archived_articles == 0:
        problems.append(f"the archive holds no article after this run (portal file: {portal_source}); "
                        f"{DISCOVER_HINT}")
    return problems
