"""Researchers' commands: search, show, stats, export, reparse. Each parses, calls the library, prints."""

from __future__ import annotations

import codecs
import csv
import json
import sys
from dataclasses import replace
from pathlib import Path

import click

from ..archive.export import spreadsheet_safe, write_csv, write_jsonl, written_atomically
from ..archive.search import (KINDS, Filters, SearchError, SearchQueryTooLong, also_matching_pages,
                              count as count_matches, kind_filter, search as search_archive)
from ..archive.stats import BY, counts
from ..cities import CITIES
from .. import portal
from . import db_option, main, open_archive


def filter_options(command):
    """--section --since --until --editor --city, shared by search, export and stats."""
    for option in reversed([
        click.option("--section", help="Only this section (slug)."),
        click.option("--since", metavar="DATE", help="Published on or after (2023, 2023-06, 2023-06-06)."),
        click.option("--until", metavar="DATE", help="Published on or before (inclusive)."),
        click.option("--editor", metavar="NAME", help="Only articles of this 责任编辑."),
        click.option("--city", type=click.Choice(list(CITIES)), help="Only articles about this G60 city."),
    ]):
        command = option(command)
    return command


def _filters(section, since, until, editor, city) -> Filters:
    if section is not None and section not in portal.current().by_slug:
        known = ", ".join(portal.current().by_slug)
        raise click.ClickException(f"unknown section {section!r}; known: {known}")
    filters = Filters(section=section, since=since, until=until, editor=editor, city=city)
    try:
        filters.check()
    except SearchError as exc:
        raise click.ClickException(str(exc)) from exc
    return filters


def _table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max([_width(h), *(_width(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    click.echo("  ".join(_pad(h, w) for h, w in zip(headers, widths)).rstrip())
    for row in rows:
        click.echo("  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip())


def _width(text: str) -> int:
    """Display width: Chinese characters take two columns in a terminal."""
    return sum(2 if "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


@main.command()
@click.argument("query")
@filter_options
@click.option("--limit", default=20, show_default=True, type=click.IntRange(0, 2**63 - 1),
              help="At most this many articles; 0 for all (how many matched is said on stderr).")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--raw", is_flag=True, help="Pass QUERY to SQLite FTS5 as it is (its syntax, over the bigram index).")
@click.option("--kind", type=click.Choice(list(KINDS)), default="article", show_default=True,
              help="Articles, the static pages (关于我们 ...), or all; the web view and the canned query take the same.")
@db_option
def search(query, section, since, until, editor, city, limit, sort, fmt, raw, kind, db_path: Path) -> None:
    """Full-text search in Chinese: every word of QUERY must occur (title, 摘要, body).

    Words are separated by spaces; a word is found as written, so 合肥 finds
    合肥市 and 合肥工业大学, and 长三角一体化 finds that exact phrase.

    Example:

        g60crawler search 合肥 --since 2023 --section g60zx --sort date
    """
    filters = replace(_filters(section, since, until, editor, city), kind=kind_filter(kind))
    archive = open_archive(db_path, read_only=True)
    try:
        hits = search_archive(archive.conn, query, filters, sort, limit or -1, raw)
        total = count_matches(archive.conn, query, filters, raw) if limit and len(hits) == limit else len(hits)
        pages = also_matching_pages(archive.conn, query, filters, raw)
    except SearchError as exc:
        error = click.ClickException(str(exc))
        if isinstance(exc, SearchQueryTooLong):
            error.exit_code = 2  # what was typed cannot be searched as given, as a bad option value
        raise error from exc
    finally:
        archive.close()
    if fmt == "json":
        click.echo(json.dumps([h.as_dict() for h in hits], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(["id", "published", "sections", "title", "editor", "cities", "url", "snippet"])
        for h in hits:
            writer.writerow([spreadsheet_safe(c) for c in (h.id, h.published, ";".join(h.sections), h.title,
                                                          h.editor, ";".join(h.cities), h.url, h.snippet)])
        sys.stdout.flush()  # a full disk is reported here, not at exit
    else:
        if not hits:
            click.echo("no article matches")
            return
        for h in hits:
            click.echo(f"[{h.id}] {h.title}")
            click.echo(f"     {(h.published or '')[:10]}  {','.join(h.sections)}  {h.editor or ''}  {h.url}")
            click.echo(f"     {h.snippet}")
        click.echo(f"{len(hits)} article(s)")
    if total > len(hits):  # on stderr: a pipe gets the rows only
        click.echo(f"{len(hits)} of {total} matching articles shown: --limit 0 shows all", err=True)
    if pages:  # the static pages (关于我们 ...) are not articles: said, not silently left out
        click.echo(f"{pages} static page{'s also match' if pages > 1 else ' also matches'}: --kind all", err=True)


@main.command()
@click.argument("id_or_url")
@click.option("--versions", is_flag=True, help="Also print every earlier version in full.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@db_option
def show(id_or_url: str, versions: bool, fmt: str, db_path: Path) -> None:
    """One article in full, with its sections, URLs and version history.

    Example:

        g60crawler show 12 --versions
        g60crawler show http://g60.chinadevelopment.com.cn/g60zx/2023/0606/1630012.shtml
    """
    archive = open_archive(db_path, read_only=True)
    try:
        article = _article(archive, id_or_url)
    finally:
        archive.close()
    if article is None:
        raise click.ClickException(f"no article {id_or_url!r} in the archive")
    if not versions:
        for v in article["versions"]:
            v.pop("body", None)
    if fmt == "json":
        click.echo(json.dumps(article, ensure_ascii=False, indent=2))
        return
    for key in ("id", "title", "published", "published_date", "section", "sections", "urls", "editor", "source", "author", "cities",
                "extraction", "first_seen", "last_changed", "removed_at"):
        value = article[key]
        if isinstance(value, list):
            value = ", ".join(value)
        click.echo(f"{key + ':':14}{' ' if len(key) > 12 else ''}{'' if value is None else value}")
    for entry in article["images"]:
        click.echo(f"{'image:':14}{entry['url']}  {entry.get('caption') or ''}")
    for entry in article["attachment_files"]:
        kept = (f"{entry['size']} bytes, {entry['mime'] or '?'}, sha256 {entry['sha256'][:12]}…, {entry['path']}"
                if entry["status"] == "stored" else f"{entry['status']}: {entry['reason']}"
                + (f" ({entry['size']} bytes)" if entry["size"] else ""))
        click.echo(f"{'attachment:':14}{entry['name']}  {entry['url']}\n{'':14}{kept}")
    if article["summary"]:
        click.echo(f"\n摘要：{article['summary']}")
    click.echo(f"\n{article['body']}\n")
    click.echo("versions:")
    for v in article["versions"]:
        current = "  (current)" if v["version"] == article["current_version"] else ""
        click.echo(f"  {v['version']}  seen {v['seen_at'][:19]}  {v['title']}  editor {v['editor']}{current}")
        if versions and not current:
            click.echo(f"\n{v['body']}\n")


def _article(archive, id_or_url: str) -> dict | None:
    """The article of an id or a URL; None for an id no article can have or a URL that cannot be one."""
    if id_or_url.isascii() and id_or_url.isdigit() and not 0 < int(id_or_url) < 2**63:
        return None  # beyond SQLite's integers
    try:
        return archive.article(id_or_url)
    except ValueError as exc:  # urllib's: 'http://[::1', a port out of range
        raise click.ClickException(f"not an article id or URL: {id_or_url!r} ({exc})") from exc


@main.command()
@click.option("--by", "by", type=click.Choice(BY), default="section", show_default=True)
@filter_options
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@db_option
def stats(by: str, section, since, until, editor, city, fmt: str, db_path: Path) -> None:
    """Count articles by section, month, editor or city.

    An article listed in two sections counts in both.

    Example:

        g60crawler stats --by month --section zcfw
    """
    filters = _filters(section, since, until, editor, city)
    archive = open_archive(db_path, read_only=True)
    try:
        rows = counts(archive.conn, by, filters)
    finally:
        archive.close()
    if fmt == "json":
        click.echo(json.dumps([{by: g, "articles": n} for g, n in rows], ensure_ascii=False, indent=2))
        return
    names = {slug: f"{slug} {s.name}" for slug, s in portal.current().by_slug.items()}
    _table([by, "articles"], [[names.get(g, g) if by == "section" else (g or "(none)"), str(n)] for g, n in rows])


@main.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File (default stdout).")
@click.option("--query", metavar="QUERY", help="Only articles matching this search.")
@click.option("--attachments", "with_attachments", is_flag=True,
              help="Add attachment_paths: the stored files (relative to the archive's folder).")
@filter_options
@db_option
def export(fmt: str, output: Path | None, query, with_attachments: bool, section, since, until, editor, city,
           db_path: Path) -> None:
    """Export articles as JSON Lines or CSV, streaming (any archive size).

    CSV is UTF-8 with a byte-order mark, so Excel and LibreOffice read the
    Chinese correctly; list columns are joined with ';' (images and
    attachments as JSON text). A CSV cell that a spreadsheet would run as a
    formula (starting with = + - @, a tab or CR) gets a leading '. A file
    appears only when complete.

    Example:

        g60crawler export --format csv --query 合肥 --since 2023 -o hefei.csv
    """
    filters = _filters(section, since, until, editor, city)
    archive = open_archive(db_path, read_only=True)
    writer = write_csv if fmt == "csv" else write_jsonl
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    try:
        if output is None:
            n = writer(archive.conn, _EncodedStdout(encoding), filters, query, with_attachments)
            sys.stdout.flush()  # a full disk or a closed pipe is reported here, not at exit
        else:
            try:
                with written_atomically(output, encoding) as stream:
                    n = writer(archive.conn, stream, filters, query, with_attachments)
            except OSError as exc:
                raise click.ClickException(f"cannot write {output}: {exc.strerror}; nothing was written") from exc
    except SearchError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        archive.close()
    click.echo(f"{n} article(s) exported", err=True)


class _EncodedStdout:
    """Text written to standard output's bytes in one encoding (a BOM once for utf-8-sig), newlines as given."""

    def __init__(self, encoding: str) -> None:
        self.encoder = codecs.getincrementalencoder(encoding)()

    def write(self, text: str) -> None:
        sys.stdout.buffer.write(self.encoder.encode(text))


@main.command()
@db_option
def reparse(db_path: Path) -> None:
    """Re-extract every stored page with the current extraction code (no network).

    A new version is recorded only where the result changed; cities and the
    search index are recomputed for all; failed pages that extract now become
    articles.

    Example:

        g60crawler reparse --db archive/g60.sqlite
    """
    from ..ingest.reparse import reparse as reparse_archive
    from .preservation import writer_lock

    if not db_path.is_file():
        open_archive(db_path)  # its one-line error, before a lock file is made beside nothing
    with writer_lock(db_path):
        archive = open_archive(db_path)
        try:
            result = reparse_archive(archive)
        finally:
            archive.close()
    click.echo(f"{result.articles} article(s) re-extracted: {result.changed} changed (new version), "
               f"{result.unchanged} unchanged, {result.no_longer_extractable} no longer extractable (kept), "
               f"{result.incomplete} incomplete (kept); "
               f"{result.failures_recovered} failed page(s) recovered; "
               f"{result.skipped} skipped: no stored capture of their pages")
