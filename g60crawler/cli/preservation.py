"""Preservation commands: WARC export and import."""

from __future__ import annotations

from pathlib import Path

import click

from ..archive.warc import export_warc, import_warc
from . import db_option, main, open_archive
from .research import _filters, filter_options


@main.command("export-warc")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The .warc.gz file to write.")
@filter_options
@db_option
def export_warc_command(output: Path, section, since, until, editor, city, db_path: Path) -> None:
    """Write every stored capture as WARC request/response records (revisits for identical payloads).

    With a filter, only the captures of the matching articles. Readable by warcio,
    pywb and other replay tools.

    Example:

        g60crawler export-warc -o g60.warc.gz --section zcfw
    """
    filtered = any(v is not None for v in (section, since, until, editor, city))
    filters = _filters(section, since, until, editor, city) if filtered else None
    archive = open_archive(db_path)
    try:
        counts = export_warc(archive, output, filters)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror}") from exc
    finally:
        archive.close()
    click.echo(f"{output}: {counts.responses} responses, {counts.revisits} revisits, {counts.requests} requests "
               f"({counts.attachments} attachments), {output.stat().st_size} bytes")


@main.command("import-warc")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
def import_warc_command(files: tuple[Path, ...], db_path: Path) -> None:
    """Add the portal's articles from WARC files, with their original capture times.

    Older captures become older versions; records of other hosts are skipped and
    counted. A way to backfill articles the live site no longer has.

    Example:

        g60crawler import-warc wayback-export.warc.gz heritrix-2023.warc.gz
    """
    archive = open_archive(db_path) if db_path.exists() else _new_archive(db_path)
    try:
        counts = import_warc(archive, list(files))
    except Exception as exc:  # a corrupt WARC: say which file, not a traceback
        if type(exc).__module__.startswith("warcio") or isinstance(exc, (ValueError, OSError)):
            raise click.ClickException(f"cannot read the WARC: {exc}") from exc
        raise
    finally:
        archive.close()
    outcomes = ", ".join(f"{n} {k}" for k, n in sorted(counts.outcomes.items()) if n) or "no article"
    click.echo(f"{counts.records} records: {outcomes}; {counts.other_hosts} of other hosts skipped, "
               f"{counts.not_articles} not articles, {counts.unresolved_revisits} unresolved revisits")


def _new_archive(path: Path):
    from ..archive import Archive, ArchiveError

    try:
        return Archive.open(path)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from exc
