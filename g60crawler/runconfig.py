"""A crawl's configuration from Scrapy settings and ``-a`` arguments, checked before it starts.

``SETTINGS`` is the one table of the project's ``G60_*`` settings: each with
the parser that checks it and its bounds; the default of each is the value in
g60crawler/settings.py and nowhere else. A bad value stops the crawl with one
line on stderr and a distinct exit status (health.EXIT_USAGE,
health.EXIT_LOCKED), never a traceback.
"""

from __future__ import annotations

import difflib
import logging
import math
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import NoReturn

from . import portal
from . import settings as defaults
from .archive import Archive, ArchiveError
from .health import EXIT_LOCKED, EXIT_USAGE, Thresholds
from .lock import ArchiveLock, Locked
from .schedule import moment, parse_days

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
#: A run's clock must fall in these years: the portal's lifetime, with room to spare.
CLOCK_YEARS = (2000, 2199)
#: Revisit and re-read points: at most ten years after publication.
MAX_DAYS = 3650


class ConfigError(ValueError):
    """A setting or argument that cannot work."""


def stop(message: str, status: int = EXIT_USAGE) -> NoReturn:
    """Stop before crawling: one line on stderr and a distinct exit status.

    When the log goes to a file (``LOG_FILE``: scrapyd's job log), the line goes there too,
    so whoever reads only the job's log sees why it ended.
    """
    sys.stderr.write(f"Error: {message}\n")
    if any(isinstance(h, logging.FileHandler) for h in logging.getLogger().handlers):
        logging.getLogger(__name__).error("Error: %s (the crawl did not start: exit status %d)", message, status)
    raise SystemExit(status)


def parse_sections(value: str | None) -> tuple[portal.Section, ...]:
    """The sections named by ``-a sections=g60zx,sjxw`` (all when not given)."""
    by_slug = portal.current().by_slug
    if not value:
        return portal.current().sections
    slugs = [s.strip() for s in value.split(",") if s.strip()]
    unknown = [s for s in slugs if s not in by_slug]
    if unknown or not slugs:
        known = ",".join(by_slug)
        raise ConfigError(f"unknown section(s) {','.join(unknown) or value!r}; known: {known}")
    return tuple(by_slug[s] for s in dict.fromkeys(slugs))


def parse_flag(name: str, value) -> bool:
    """``-a full=1`` and friends: 1/true/yes/on or 0/false/no/off."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if value is not None else ""
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"{name} must be 1 or 0, got {value!r}")


def make_clock(value) -> Callable[[], datetime]:
    """The clock of a run: the system's, or frozen at ``G60_NOW`` (tests, replays of old mirrors)."""
    if value is None or str(value).strip() == "":
        return lambda: datetime.now(timezone.utc)
    try:
        frozen = moment(str(value).strip())
    except (ValueError, OverflowError) as exc:
        raise ConfigError(f"G60_NOW must be an ISO 8601 time, got {value!r}") from exc
    low, high = CLOCK_YEARS
    if not low <= frozen.year <= high:
        raise ConfigError(f"G60_NOW must be a time in the years {low} to {high}, got {value!r}")
    return lambda: frozen


# ------------------------------------------------------------ parsers of the table

#: What a number setting may be written as: ASCII digits (Python's int() and float() also take
#: full-width and other scripts' digits and underscores, which no one types in a setting on purpose).
_INTEGER = re.compile(r"[-+]?[0-9]+")
_ASCII_NUMBER = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?(?:inf|infinity|nan)", re.I)


def integer(low: int, high: int) -> Callable[[str, object], int]:
    """A parser of whole numbers in ``[low, high]``."""
    def parse(name: str, value) -> int:
        text = str(value).strip()
        number = int(text) if not isinstance(value, bool) and _INTEGER.fullmatch(text) else None
        if number is None or not low <= number <= high:
            raise ConfigError(f"{name} must be a number >= {low}, got {value!r} (a whole number, at most {high})")
        return number
    return parse


def real(low: float, high: float) -> Callable[[str, object], float]:
    """A parser of (finite) numbers in ``[low, high]``."""
    def parse(name: str, value) -> float:
        try:
            text = str(value).strip()
            number = float(text) if not isinstance(value, bool) and _ASCII_NUMBER.fullmatch(text) else math.nan
        except ValueError:
            number = math.nan
        if not low <= number <= high:  # also false for NaN
            raise ConfigError(f"{name} must be a number >= {low:g}, got {value!r} (at most {high:g})")
        return number
    return parse


def flag(name: str, value) -> bool:
    return parse_flag(name, value)


def days(name: str, value) -> tuple[int, ...]:
    try:
        points = parse_days(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{name} must be days like 1,7,30, got {value!r}") from exc
    if any(d > MAX_DAYS for d in points):
        raise ConfigError(f"{name} must be days from 0 to {MAX_DAYS} (ten years), got {value!r}")
    return points


def archive_file(name: str, value) -> str:
    text = "" if value is None else str(value)
    if not text.strip():
        raise ConfigError(f"{name} must name the archive file, got {value!r}")
    if Path(text).is_dir():
        raise ConfigError(f"{name}: {text} is a directory, not an archive file")
    return text


def project_path(path: str, cwd: str = ".") -> str:
    """A relative path taken against the project folder: that of the scrapy.cfg Scrapy finds upward from ``cwd``.

    An absolute path, or one outside any project (no scrapy.cfg), is returned as it is.

    :param path: the path, as the settings give it.
    :param cwd: where to start looking for scrapy.cfg.
    """
    from scrapy.utils.conf import closest_scrapy_cfg

    if Path(path).is_absolute():
        return path
    cfg = closest_scrapy_cfg(cwd)
    return str(Path(cfg).parent / path) if cfg else path


def _archive_given(settings) -> bool:
    """True if G60_ARCHIVE was given by the user (command line, spider), not the project's default."""
    from scrapy.settings import SETTINGS_PRIORITIES

    if not hasattr(settings, "getpriority"):
        return "G60_ARCHIVE" in settings
    priority = settings.getpriority("G60_ARCHIVE")
    return priority is not None and (priority > SETTINGS_PRIORITIES["project"]
                                     or settings.get("G60_ARCHIVE") != default("G60_ARCHIVE"))


def folder(must_exist: bool) -> Callable[[str, object], str | None]:
    """A parser of an optional folder (unset: None)."""
    def parse(name: str, value) -> str | None:
        if value is None or str(value).strip() == "":
            return None
        path = Path(str(value))
        if (must_exist and not path.is_dir()) or (path.exists() and not path.is_dir()):
            raise ConfigError(f"{name} {str(value)!r} is not a folder")
        return str(value)
    return parse


def portal_file(name: str, value) -> str | None:
    """An optional portal file (unset: the built-in portal); its contents are checked by load_portal."""
    if value is None or str(value).strip() == "":
        return None
    if not Path(str(value)).is_file():
        raise ConfigError(f"{name} {str(value)!r} is not a file")
    return str(value)


def clock(name: str, value) -> Callable[[], datetime]:
    return make_clock(value)


#: Every G60_* setting and how it is checked (defaults: g60crawler/settings.py, only there).
SETTINGS: dict[str, Callable[[str, object], object]] = {
    "G60_ARCHIVE": archive_file,
    "G60_PORTAL": portal_file,
    "G60_REPLAY_DIR": folder(must_exist=True),
    "G60_RECORD_DIR": folder(must_exist=False),
    "G60_ARCHIVE_BATCH": integer(1, 100_000),
    "G60_NOW": clock,
    "G60_REVISIT_DAYS": days,
    "G60_PAGE_REVISIT_DAYS": real(0, MAX_DAYS),
    "G60_RETRY_BACKOFF": real(0, 3600),
    "G60_RETRY_MAX_WAIT": real(0, 86_400),
    "G60_MAX_LIST_PAGES": integer(1, 100_000),
    "G60_MAX_LIST_ENTRIES": integer(1, 1_000_000),
    "G60_ATTACHMENTS": flag,
    "G60_PAGE_REQUISITES": flag,
    "G60_ATTACHMENT_MAXSIZE": integer(1, 2**40),
    "G60_MAX_ATTACHMENTS": integer(0, 100_000),
    "G60_MAX_VANISHED_REVISITS": integer(0, 100_000),
    "G60_PROGRESS_INTERVAL": real(0, 86_400),
    "G60_HEALTH_RUNS": integer(1, 1000),
    "G60_HEALTH_MIN_ITEMS": integer(1, 1_000_000),
    "G60_HEALTH_MAX_FAILURE_RISE": real(0, 1),
    "G60_HEALTH_MAX_GENERIC_RISE": real(0, 1),
    "G60_HEALTH_MAX_COVERAGE_DROP": real(0, 1),
    "G60_HEALTH_MAX_FAILURE_SHARE": real(0, 1),
    "G60_HEALTH_MIN_FAILURES": integer(1, 1_000_000),
    "G60_HEALTH_MAX_GENERIC_SHARE": real(0, 1),
}


def default(name: str):
    """The default of a G60_* setting: its value in g60crawler/settings.py."""
    return getattr(defaults, name)


def _did_you_mean(name: str) -> str:
    """``: did you mean G60_X?`` for the known setting closest to a misspelt name, or "".

    :param name: a G60_* name that is no setting.
    """
    known = sorted(set(SETTINGS) | {n for n in vars(defaults) if n.startswith("G60_")})
    close = difflib.get_close_matches(name, known, n=1)
    return f": did you mean {close[0]}?" if close else ""


def check(settings) -> dict[str, object]:
    """Every G60_* setting parsed and checked; raises ConfigError for the first bad one.

    :param settings: Scrapy settings (or a dict); a setting missing there takes its default.
    """
    names = [k for k in (settings.keys() if hasattr(settings, "keys") else settings) if str(k).startswith("G60_")]
    unknown = sorted(n for n in names if n not in SETTINGS and not hasattr(defaults, n))
    if unknown:
        raise ConfigError(f"unknown setting {unknown[0]}{_did_you_mean(unknown[0])} "
                          "(known: see the README's settings table)")
    values = {}
    for name, parse in SETTINGS.items():
        value = settings.get(name) if name in settings else default(name)
        values[name] = parse(name, value)
    if values["G60_RECORD_DIR"] and values["G60_REPLAY_DIR"]:
        raise ConfigError("G60_RECORD_DIR and G60_REPLAY_DIR together would record the replay: choose one")
    return values


@dataclass(frozen=True)
class RunConfig:
    archive: str
    replay_dir: str | None
    batch: int
    clock: Callable[[], datetime]
    revisit_days: tuple[int, ...]
    page_max_age: float
    thresholds: Thresholds
    health_runs: int
    values: dict  # every G60_* setting, checked (for components that read one)


def load_portal(settings) -> portal.Portal:
    """The portal file of ``G60_PORTAL`` (the built-in one when empty), made current; raises ConfigError."""
    try:
        return portal.activate(portal.load(settings.get("G60_PORTAL") or None))
    except portal.PortalError as exc:
        raise ConfigError(f"G60_PORTAL: {exc}") from exc


def load(settings) -> RunConfig:
    """The run's configuration from Scrapy settings; raises ConfigError."""
    load_portal(settings)
    v = check(settings)
    # the default archive is the project's, wherever in the project the crawl starts
    archive = v["G60_ARCHIVE"] if _archive_given(settings) else project_path(v["G60_ARCHIVE"])
    return RunConfig(
        archive=archive,
        replay_dir=v["G60_REPLAY_DIR"],
        batch=v["G60_ARCHIVE_BATCH"],
        clock=v["G60_NOW"],
        revisit_days=v["G60_REVISIT_DAYS"],
        page_max_age=v["G60_PAGE_REVISIT_DAYS"],
        thresholds=Thresholds(
            min_items=v["G60_HEALTH_MIN_ITEMS"],
            max_failure_rise=v["G60_HEALTH_MAX_FAILURE_RISE"],
            max_generic_rise=v["G60_HEALTH_MAX_GENERIC_RISE"],
            max_coverage_drop=v["G60_HEALTH_MAX_COVERAGE_DROP"],
            max_failure_share=v["G60_HEALTH_MAX_FAILURE_SHARE"],
            min_failures=v["G60_HEALTH_MIN_FAILURES"],
            max_generic_share=v["G60_HEALTH_MAX_GENERIC_SHARE"],
        ),
        health_runs=v["G60_HEALTH_RUNS"],
        values=v,
    )


def prepare(crawler) -> RunConfig:
    """Check the settings, take the archive's lock and open (migrate) the archive once.

    The lock is kept on the crawler for the life of the process. Exits with
    EXIT_USAGE for a bad setting, EXIT_LOCKED if another crawl holds the archive.
    """
    try:
        config = load(crawler.settings)
    except ConfigError as exc:
        stop(str(exc))
    lock = ArchiveLock(config.archive)
    try:
        lock.acquire()
    except Locked as exc:
        stop(f"{exc}; this run did nothing", EXIT_LOCKED)
    except OSError as exc:
        stop(f"G60_ARCHIVE: cannot lock {lock.path}: {exc.strerror}")
    crawler.g60_lock = lock
    try:
        Archive.open(config.archive, clock=config.clock, check=True).close()
    except ArchiveError as exc:
        stop(f"G60_ARCHIVE: {exc}")
    return config
