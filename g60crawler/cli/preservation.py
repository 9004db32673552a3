"""Preservation commands: WARC export and import; the lock every writing command takes."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import click

from ..archive import ArchiveError
from ..archive.connection import recognise_file
from .. import portal
from ..archive.warc import export_warc
from ..archive.warc_read import IndexFailed, NotAWarc, check_warc
from ..health import EXIT_LOCKED, EXIT_UNHEALTHY
from ..ingest.warc_import import import_warc
from ..lock import ArchiveLock, Locked
from ..settings import DOWNLOAD_MAXSIZE
from . import db_option, main, open_archive
from .research import _filters, filter_options

#: Exit status of a command that finished but could not do everything (an `Error:` line says what).
EXIT_INCOMPLETE = EXIT_UNHEALTHY


@contextmanager
def writer_lock(db_path: Path):
    """Hold the archive's lock (the crawl's) while a command writes; exit 75 with one line if another holds it.

    :param db_path: the archive file (when it exists, recognised first: no lock file beside another's file).
    """
    _recognise(db_path)
    lock = ArchiveLock(db_path)
    try:
        lock.acquire()
    except Locked as exc:
        click.echo(f"Error: {exc}; nothing was done, try later", err=True)
        raise SystemExit(EXIT_LOCKED) from None
    except OSError as exc:
        raise click.ClickException(f"cannot lock {lock.path}: {exc.strerror}") from None
    try:
        yield
    finally:
        lock.release()


def _recognise(db_path: Path) -> None:
    """One `Error:` line (exit 1) when the file at db_path is there but is not a writable archive of ours.

    :param db_path: the archive file (nothing is checked when there is none yet).
    """
    if os.path.lexists(db_path):
        try:
            recognise_file(db_path, create=False, writable=True)
        except ArchiveError as exc:
            raise click.ClickException(str(exc)) from exc


@main.command("export-warc")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The .warc.gz file to write.")
@filter_options
@db_option
def export_warc_command(output: Path, section, since, until, editor, city, db_path: Path) -> None:
    """Write every stored capture as WARC request/response records (revisits for identical payloads).

    With a filter, only the captures of the matching articles. Readable by warcio,
    pywb and other replay tools. The file appears only when complete. Attachment
    files that cannot be read are named, left out, and the exit status is 3.

    Example:

        g60crawler export-warc -o g60.warc.gz --section zcfw
    """
    filtered = any(v is not None for v in (section, since, until, editor, city))
    filters = _filters(section, since, until, editor, city) if filtered else None
    archive = open_archive(db_path, read_only=True)  # it only reads: never migrated, never created
    try:
        counts = export_warc(archive, output, filters)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from exc
    finally:
        archive.close()
    click.echo(f"{output}: {counts.responses} responses, {counts.revisits} revisits, {counts.requests} requests "
               f"({counts.attachments} attachments), {output.stat().st_size} bytes")
    for missing in counts.unreadable:
        click.echo(f"cannot read attachment file {missing}", err=True)
    if counts.unreadable:
        click.echo(f"Error: {len(counts.unreadable)} attachment file(s) could not be read and are not in "
                   f"{output}; everything else is", err=True)
        raise SystemExit(EXIT_INCOMPLETE)


@main.command("import-warc")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--max-size", type=click.IntRange(0), default=DOWNLOAD_MAXSIZE, show_default=True,
              help="Skip (and count) records whose payload is larger, in bytes; the crawl's DOWNLOAD_MAXSIZE. 0: no limit.")
@db_option
def import_warc_command(files: tuple[Path, ...], max_size: int, db_path: Path) -> None:
    """Add the portal's articles from WARC files, with their original capture times.

    Older captures become older versions; records of other hosts are skipped and
    counted. A way to backfill articles the live site no longer has. Records cut
    short (an interrupted download) are refused: exit status 3.

    Example:

        g60crawler import-warc wayback-export.warc.gz heritrix-2023.warc.gz
    """
    # a new archive (and its lock file) is made only for files that read as WARCs; an existing
    # archive's lock comes first (the import reads every file before it writes anything)
    for path in files if not os.path.lexists(db_path) else ():
        try:
            check_warc(path)
        except NotAWarc as exc:
            raise click.ClickException(f"cannot read the WARC: {exc}") from exc
        except OSError as exc:
            raise click.ClickException(f"cannot read the WARC {path}: {exc.strerror or exc}") from exc
    with writer_lock(db_path):
        archive = open_archive(db_path) if db_path.exists() else _new_archive(db_path)
        try:
            counts = import_warc(archive, list(files), max_size)
        except IndexFailed as exc:
            raise click.ClickException(str(exc)) from exc
        except NotAWarc as exc:
            raise click.ClickException(f"cannot read the WARC: {exc}") from exc
        except OSError as exc:
            raise click.ClickException(f"cannot read the WARC: {exc.strerror or exc}") from exc
        finally:
            archive.close()
    if counts.stale_indexes:
        click.echo(f"removed {len(counts.stale_indexes)} temporary index folder(s) left by killed imports "
                   f"(first: {counts.stale_indexes[0]})", err=True)
    problems = counts.problems
    outcomes = ", ".join(f"{n} {k}" for k, n in sorted(counts.outcomes.items()) if n) or "no article"
    click.echo(f"{counts.records} records: {outcomes}; {counts.other_hosts} of other hosts skipped, "
               f"{counts.not_articles} not articles, {problems.unresolved_revisits} unresolved revisits")
    skipped = [(kind, f"{n} {what}") for kind, n, what in (
        ("too_large", problems.too_large, f"over --max-size {max_size} bytes"),
        ("malformed", problems.malformed, "without a readable date, URL or status")) if n]
    if skipped:
        click.echo(f"warning: records skipped: {', '.join(text for _, text in skipped)} "
                   f"(first: {problems.first[skipped[0][0]]})", err=True)
    _wrong_portal(counts)
    if problems.truncated:
        click.echo(f"Error: {problems.truncated} record(s) cut short refused, not imported (the WARC is "
                   f"truncated: {problems.first['truncated']}); the complete records were imported", err=True)
        raise SystemExit(EXIT_INCOMPLETE)


def _wrong_portal(counts) -> None:
    """A hint when the WARC's pages hardly match the portal's article patterns; exit 1 when none does.

    :param counts: the import's counts.
    """
    pages = counts.pages_not_articles + counts.article_urls
    of_hosts = counts.records - counts.other_hosts
    if not counts.pages_not_articles or counts.article_urls * 10 > pages or counts.not_articles * 2 <= of_hosts:
        return
    site = portal.current()
    matched = "no record" if not counts.article_urls else f"only {counts.article_urls} of {pages}"
    why = (f"{counts.pages_not_articles} page(s) of {', '.join(site.hosts)} are not articles: {matched} matched the "
           f"portal's article URL patterns ({site.source}): was the WARC made with another portal file? "
           f"use --portal FILE")
    if counts.article_urls:
        click.echo(f"hint: {why}", err=True)
        return
    click.echo(f"Error: no article in the WARC; {why}", err=True)
    raise SystemExit(1)


def _new_archive(path: Path):
    from ..archive import Archive, ArchiveError

    try:
        return Archive.open(path)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from exc
