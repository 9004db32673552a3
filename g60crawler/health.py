"""Is a finished crawl healthy? Compare it with recent runs, so a silent layout change turns it red.

Pure functions: the pipeline gathers the numbers, the crawl command turns a
problem into a non-zero exit status (EXIT_UNHEALTHY) and an ERROR line.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

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


@dataclass(frozen=True)
class Thresholds:
    min_items: int = 5  # shares of fewer articles are noise: not judged
    max_failure_rise: float = 0.2  # share points above the recent median
    max_generic_rise: float = 0.2
    max_coverage_drop: float = 0.3


COVERAGE_FIELDS = (("with_published", "a publish date"), ("with_editor", "an editor"),
                   ("with_summary", "a summary"))


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def check_run(run: RunMetrics, previous: list[RunMetrics], limits: Thresholds = Thresholds()) -> list[str]:
    """The problems of a run, each a sentence saying which check failed and by how much.

    :param run: the run just finished.
    :param previous: recent finished runs, newest first (their medians are the baseline).
    :param limits: the thresholds (settings ``G60_HEALTH_*``).
    """
    problems = []
    if run.pages_ok == 0:
        problems.append("the run fetched no page successfully (is the portal down or blocking us?)")
    judged = [p for p in previous if p.items >= limits.min_items]
    attempts = run.items + run.failures
    if attempts >= limits.min_items:
        share = _share(run.failures, attempts)
        base = median([_share(p.failures, p.items + p.failures) for p in judged]) if judged else 0.0
        if share > base + limits.max_failure_rise:
            problems.append(
                f"failure share {_pct(share)} ({run.failures} of {attempts} pages) against {_pct(base)} "
                f"in recent runs, above the limit of +{_pct(limits.max_failure_rise)}")
    if run.items >= limits.min_items:
        share = _share(run.generic, run.items)
        base = median([_share(p.generic, p.items) for p in judged]) if judged else 0.0
        if share > base + limits.max_generic_rise:
            problems.append(
                f"generic-fallback share {_pct(share)} ({run.generic} of {run.items} articles) against "
                f"{_pct(base)} in recent runs, above the limit of +{_pct(limits.max_generic_rise)}: "
                "the portal's article template may have changed")
        if judged:
            for field, label in COVERAGE_FIELDS:
                cov = _share(getattr(run, field), run.items)
                base = median([_share(getattr(p, field), p.items) for p in judged])
                if cov < base - limits.max_coverage_drop:
                    problems.append(
                        f"share of articles with {label} fell to {_pct(cov)} from {_pct(base)} in recent "
                        f"runs, more than the limit of -{_pct(limits.max_coverage_drop)}: "
                        "a selector may have stopped matching")
    return problems
