"""The `g60crawler` command: thin click commands over the library."""

from __future__ import annotations

import contextlib
import errno
import inspect
import io
import json
import os
import re
import sqlite3
import sys
from pathlib import Path

import click

from .. import portal
from .. import settings as defaults
from ..archive import Archive, ArchiveError
from ..assemble import build_article
from ..items import ARTICLE_FIELDS, FailureItem
from ..mirror import TooLarge, Unreadable, read_file
from ..pages.article import extract_raw


DEFAULT_DB = defaults.G60_ARCHIVE
#: Said when the default archive is missing: the command may have been started outside the project.
DEFAULT_DB_HINT = "(run from the project folder or give --db FILE)"


def default_db() -> Path:
    """The default archive: G60_ARCHIVE in the project folder (the scrapy.cfg's, upward from here), else here."""
    from ..runconfig import project_path

    return Path(project_path(DEFAULT_DB))


db_option = click.option("--db", "db_path", default=default_db, show_default=f"{DEFAULT_DB} in the project folder",
                         type=click.Path(path_type=Path), help="The archive file.")


def open_archive(path: Path, read_only: bool = False) -> Archive:
    """Open an existing archive for a command, or stop with a one-line error.

    :param path: the archive file.
    :param read_only: never write to it or beside it (commands that only read).
    """
    try:
        return Archive.open(path, create=False, read_only=read_only)
    except ArchiveError as exc:
        missing = str(exc).startswith("no archive at") and Path(path) == default_db()
        raise click.ClickException(f"{exc} {DEFAULT_DB_HINT}" if missing else str(exc)) from exc


#: An indented paragraph of a command's help: an example, printed line by line as written.
_EXAMPLE = re.compile(r"\n\n(?=[ \t]+\S)")


def keep_examples(help_text: str | None) -> str | None:
    """Mark every indented paragraph with click's ``\\b`` so it is not rewrapped.

    :param help_text: a command's help (its docstring).
    """
    if not help_text:
        return help_text
    return _EXAMPLE.sub("\n\n\b\n", inspect.cleandoc(help_text))


class StdoutError(OSError):
    """Standard output could not be written (a full disk, a closed pipe)."""


class _StdoutBytes(io.RawIOBase):
    """Standard output's file descriptor, whose write errors say that they are standard output's."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self.fd = fd

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd

    def write(self, data) -> int:
        try:
            return os.write(self.fd, data)
        except OSError as exc:
            raise StdoutError(exc.errno, exc.strerror) from None


@contextlib.contextmanager
def _marked_stdout():
    """``sys.stdout`` for the command, its errors raised as :class:`StdoutError` (a real stdout only)."""
    real = sys.stdout
    try:
        fd = real.fileno()
        real.flush()
    except (AttributeError, OSError, ValueError):  # click's CliRunner, no stdout at all
        yield
        return
    sys.stdout = io.TextIOWrapper(io.BufferedWriter(_StdoutBytes(fd)), encoding=real.encoding, errors=real.errors,
                                  line_buffering=real.line_buffering)
    try:
        yield
        sys.stdout.flush()
    finally:
        marked, sys.stdout = sys.stdout, real
        with contextlib.suppress(OSError):
            marked.flush()
        marked.buffer.raw.fd = os.open(os.devnull, os.O_WRONLY)  # closing it must not close fd 1
        with contextlib.suppress(OSError):
            marked.close()


def user_error(exc: BaseException) -> click.ClickException | None:
    """The one-line error a user sees for an exception from the archive or the system, or None.

    :param exc: what a command raised.
    """
    if isinstance(exc, sqlite3.Error):
        return click.ClickException(f"the archive could not be used: {exc}")
    if isinstance(exc, OverflowError):
        return click.ClickException(f"a number out of range: {exc}")
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc)
        if isinstance(exc, StdoutError):
            if exc.errno == errno.EPIPE:  # `| head`: the reader has what it wanted
                return click.exceptions.Exit(1)
            return click.ClickException(f"cannot write to standard output: {reason}")
        if exc.filename is not None:
            return click.ClickException(f"cannot use {exc.filename}: {reason}")
        return click.ClickException(reason)
    return None


class Commands(click.Group):
    """The `g60crawler` group: examples kept as written, known failures as one line, never a traceback."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        cmd.help = keep_examples(cmd.help)
        super().add_command(cmd, name)

    def invoke(self, ctx: click.Context):
        try:
            with _marked_stdout():
                return super().invoke(ctx)
        except (sqlite3.Error, OSError, OverflowError) as exc:
            translated = user_error(exc)
            if translated is None:
                raise
            raise translated from exc


@click.group(cls=Commands)
@click.version_option(package_name="g60crawler")
@click.option("--portal", "portal_file", envvar="G60_PORTAL", type=click.Path(dir_okay=False, path_type=Path),
              help="The portal file (as `-s G60_PORTAL=FILE` for the crawl); the built-in one when not given.")
def main(portal_file: Path | None) -> None:
    """Crawl and archive the G60 channel of 中国发展网.

    The crawl itself is `scrapy crawl g60` (see README).
    """
    try:
        portal.activate(portal.load(portal_file))
    except portal.PortalError as exc:
        click.echo(f"Error: --portal: {exc}", err=True)
        raise SystemExit(2) from exc


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--url", required=True, help="The URL the page was fetched from.")
def extract(path: Path, url: str) -> None:
    """Print the normalised article of one saved page as JSON.

    PATH is read as raw bytes and decoded as a response without a charset
    header; it must be a regular file of at most DOWNLOAD_MAXSIZE bytes
    (checked before reading). A page that cannot be extracted prints its
    failure and exits 1.

    Example:

        g60crawler extract fixtures/site/g60.chinadevelopment.com.cn/g60zx/2023/0606/1630012.shtml \\
            --url http://g60.chinadevelopment.com.cn/g60zx/2023/0606/1630012.shtml
    """
    if not url.startswith(("http://", "https://")):
        raise click.ClickException(f"--url must be an absolute http(s) URL, got {url!r}")
    try:
        body = read_file(path, defaults.DOWNLOAD_MAXSIZE)
    except TooLarge as exc:
        raise click.ClickException(f"cannot read {exc} (DOWNLOAD_MAXSIZE)") from exc
    except Unreadable as exc:
        raise click.ClickException(f"cannot read {exc}") from exc
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror}") from exc
    item = build_article(extract_raw(url, body))
    if isinstance(item, FailureItem):
        click.echo(json.dumps({"url": item.url, "failure": item.reason, "detail": item.detail},
                              ensure_ascii=False, indent=2))
        raise SystemExit(1)
    out = item.public_dict()
    assert tuple(out) == ARTICLE_FIELDS
    click.echo(json.dumps(out, ensure_ascii=False, indent=2))


RUN_COLUMNS = (("id", "run"), ("started_at", "started (UTC)"), ("finish_reason", "end"), ("exit_code", "exit"),
               ("pages_fetched", "fetched"), ("articles_new", "new"), ("articles_changed", "changed"),
               ("articles_unchanged", "same"), ("not_modified", "304"), ("duplicates", "dup"),
               ("failures", "failed"), ("tombstones", "gone"))


@main.command()
@db_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000),
              help="How many runs, newest first.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def runs(db_path: Path, limit: int, fmt: str) -> None:
    """List recent crawl runs: when, how they ended, what they did.

    A run still going (or killed) has no end; `exit` 3 means a health check
    failed (its reasons are listed under the table).

    Example:

        g60crawler runs --db archive/g60.sqlite --limit 5
    """
    archive = open_archive(db_path, read_only=True)
    try:
        rows = archive.runs(limit)
    finally:
        archive.close()
    if fmt == "json":
        for row in rows:
            row["problems"] = json.loads(row["problems"])
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = [[_cell(row, key) for key, _ in RUN_COLUMNS] for row in rows]
    headers = [title for _, title in RUN_COLUMNS]
    widths = [max(len(h), *(len(r[i]) for r in table)) if table else len(h) for i, h in enumerate(headers)]
    click.echo("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip())
    for r in table:
        click.echo("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    for row in rows:
        for problem in json.loads(row["problems"]):
            click.echo(f"run {row['id']}: {problem}")


def _cell(row: dict, key: str) -> str:
    value = row[key]
    if key == "started_at":
        return value[:19].replace("T", " ")
    if key == "finish_reason":
        return value or "(running or killed)"
    return "" if value is None else str(value)


@main.command()
@click.argument("url_or_capture")
@click.argument("name")
@click.option("--record-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Take the page from a recording (G60_RECORD_DIR) instead of the archive.")
@click.option("--into", type=click.Path(file_okay=False, path_type=Path), default=Path("fixtures/pages"),
              show_default=True, help="Where fixture folders live.")
@db_option
def fixture(url_or_capture: str, name: str, record_dir: Path | None, into: Path, db_path: Path) -> None:
    """Turn one fetched page into a per-page test fixture, marked unreviewed.

    URL_OR_CAPTURE is a page URL (its latest capture in the archive, or its
    file in --record-dir) or a capture id. The expected item is a draft: check
    every field against the page, then set "_reviewed": true; the tests refuse
    unreviewed expectations.

    Example:

        g60crawler fixture http://g60.chinadevelopment.com.cn/jcfc/2024/0315/1631026.shtml jcfc-1631026
    """
    from ..mirror import UnsafePath, read_response, url_to_path
    from ..pagefixtures import FixtureError, make_fixture

    if record_dir is not None:
        try:
            recorded = url_to_path(record_dir, url_or_capture).is_file()
        except UnsafePath:
            recorded = False
        if not recorded:
            raise click.ClickException(f"no recorded page for {url_or_capture} in {record_dir}")
        saved = read_response(record_dir, url_or_capture)
        url, status, headers, body = url_or_capture, saved.status, saved.headers, saved.body
    else:
        archive = open_archive(db_path, read_only=True)
        try:
            try:
                found = archive.find_capture(url_or_capture)
            except ValueError as exc:  # urllib's: 'http://[::1', a port out of range
                raise click.ClickException(f"not a capture id or URL: {url_or_capture!r} ({exc})") from exc
            if found is None:
                raise click.ClickException(f"no capture {url_or_capture!r} in the archive")
            capture_id, url, status, headers = found
            body = archive.capture_body(capture_id)
        finally:
            archive.close()
    try:
        site = portal.current()
        folder = make_fixture(into, name, url, status, headers, body,
                              None if site.source == "built-in" else Path(site.source))
    except FixtureError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"wrote {folder}/ (body.bin, meta.json, expected.json): check expected.json against the page, "
               "then set \"_reviewed\": true")


# the research commands register themselves on `main`
from . import discover, preservation, research, web  # noqa: E402,F401
