"""A crawl's configuration from Scrapy settings and ``-a`` arguments, checked before it starts.

A bad value stops the crawl with one line on stderr and a distinct exit status
(health.EXIT_USAGE, health.EXIT_LOCKED), never a traceback.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import NoReturn

from . import portal
from .archive import Archive, ArchiveError
from .health import EXIT_LOCKED, EXIT_USAGE, Thresholds
from .lock import ArchiveLock, Locked
from .schedule import moment, parse_days

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


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
    text = str(value).strip().lower() if value is not None else ""
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"{name} must be 1 or 0, got {value!r}")


def make_clock(value: str | None) -> Callable[[], datetime]:
    """The clock of a run: the system's, or frozen at ``G60_NOW`` (tests, replays of old mirrors)."""
    if not value:
        return lambda: datetime.now(timezone.utc)
    try:
        frozen = moment(value)
    except (ValueError, OverflowError) as exc:
        raise ConfigError(f"G60_NOW must be an ISO 8601 time, got {value!r}") from exc
    return lambda: frozen


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


def load_portal(settings) -> portal.Portal:
    """The portal file of ``G60_PORTAL`` (the built-in one when empty), made current; raises ConfigError."""
    try:
        return portal.activate(portal.load(settings.get("G60_PORTAL") or None))
    except portal.PortalError as exc:
        raise ConfigError(f"G60_PORTAL: {exc}") from exc


def load(settings) -> RunConfig:
    """The run's configuration from Scrapy settings; raises ConfigError."""
    load_portal(settings)
    replay = settings.get("G60_REPLAY_DIR")
    if replay and not Path(replay).is_dir():
        raise ConfigError(f"G60_REPLAY_DIR {replay!r} is not a folder")
    record = settings.get("G60_RECORD_DIR")
    if record and replay:
        raise ConfigError("G60_RECORD_DIR and G60_REPLAY_DIR together would record the replay: choose one")
    if record and Path(record).exists() and not Path(record).is_dir():
        raise ConfigError(f"G60_RECORD_DIR {record!r} is not a folder")

    def number(name: str, kind=float, minimum=0):
        try:
            value = kind(settings.get(name))
        except (TypeError, ValueError):
            value = None
        if value is None or value < minimum:
            raise ConfigError(f"{name} must be a number >= {minimum}, got {settings.get(name)!r}")
        return value

    try:
        days = parse_days(settings.get("G60_REVISIT_DAYS"))
    except ValueError as exc:
        raise ConfigError(f"G60_REVISIT_DAYS must be days like 1,7,30: {exc}") from exc
    return RunConfig(
        archive=settings.get("G60_ARCHIVE"),
        replay_dir=replay,
        batch=number("G60_ARCHIVE_BATCH", int, 1),
        clock=make_clock(settings.get("G60_NOW")),
        revisit_days=days,
        page_max_age=number("G60_PAGE_REVISIT_DAYS"),
        thresholds=Thresholds(
            min_items=number("G60_HEALTH_MIN_ITEMS", int, 1),
            max_failure_rise=number("G60_HEALTH_MAX_FAILURE_RISE"),
            max_generic_rise=number("G60_HEALTH_MAX_GENERIC_RISE"),
            max_coverage_drop=number("G60_HEALTH_MAX_COVERAGE_DROP"),
        ),
        health_runs=number("G60_HEALTH_RUNS", int, 1),
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
    if Path(config.archive).is_dir():
        stop(f"G60_ARCHIVE: {config.archive} is a directory, not an archive file")
    lock = ArchiveLock(config.archive)
    try:
        lock.acquire()
    except Locked as exc:
        stop(f"{exc}; this run did nothing", EXIT_LOCKED)
    except OSError as exc:
        stop(f"G60_ARCHIVE: cannot lock {lock.path}: {exc.strerror}")
    crawler.g60_lock = lock
    try:
        Archive.open(config.archive, clock=config.clock).close()
    except ArchiveError as exc:
        stop(f"G60_ARCHIVE: {exc}")
    return config
