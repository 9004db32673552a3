"""`g60crawler discover`: write a portal file from the channel's root URL."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import click

from .. import portal, settings
from ..discover import DiscoverError, Fetcher, discover as run_discover, report, to_toml
from . import main


@main.command()
@click.argument("root_url")
@click.option("--replay", "replay", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Answer from this mirror folder instead of the network (as G60_REPLAY_DIR).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("portal.toml"),
              show_default=True, help="The portal file to write.")
@click.option("--delay", type=click.FloatRange(0), default=settings.DOWNLOAD_DELAY, show_default=True,
              help="Seconds between live requests.")
def discover(root_url: str, replay: Path | None, output: Path, delay: float) -> None:
    """Find the channel's sections, article URLs and pagination from ROOT_URL; write a portal file.

    Reads the root page's navigation (the seven section names), each section's
    first list pages and a few articles, then prints what it found. With
    G60_RECORD_DIR set, every response is saved as a crawl would record it.

    Example:

        g60crawler discover http://g60.chinadevelopment.com.cn/ -o portal.toml
    """
    if not _absolute_http(root_url):
        raise click.ClickException(f"ROOT_URL must be an absolute http(s) URL with a host, got {root_url!r}")
    record = os.environ.get("G60_RECORD_DIR") or None
    if record and replay:
        raise click.ClickException("G60_RECORD_DIR and --replay together would record the replay: choose one")
    fetcher = Fetcher(replay=replay, record=Path(record) if record else None,
                      user_agent=settings.USER_AGENT, delay=0 if replay else delay)
    try:
        found = run_discover(root_url, fetcher, portal.load())
    except DiscoverError as exc:
        raise click.ClickException(str(exc)) from exc
    if not found.articles:
        click.echo(report(found, None))
        raise click.ClickException("found the sections but no article links on their list pages: "
                                   "no portal file written")
    text = to_toml(found)
    try:
        portal.from_dict(tomllib.loads(text), str(output))  # what it writes, it can read
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror}") from exc
    click.echo(report(found, str(output)))


def _absolute_http(url: str) -> bool:
    """Is the text an http(s) URL with a well-formed host?

    :param url: what the user typed.
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return False
    host = parts.hostname or ""
    return parts.scheme in ("http", "https") and bool(host) and not any(c.isspace() for c in url) \
        and all(c.isalnum() or c in ".-_:[]" for c in host)
