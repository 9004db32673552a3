"""The `g60crawler` command: thin click commands over the library."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .assemble import build_article
from .items import ARTICLE_FIELDS, FailureItem
from .pages.article import extract_raw


@click.group()
@click.version_option(package_name="g60crawler")
def main() -> None:
    """Crawl and archive the G60 channel of 中国发展网.

    The crawl itself is `scrapy crawl g60` (see README).
    """


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--url", required=True, help="The URL the page was fetched from.")
def extract(path: Path, url: str) -> None:
    """Print the normalised article of one saved page as JSON.

    PATH is read as raw bytes and decoded as a response without a charset
    header. A page that cannot be extracted prints its failure and exits 1.

    Example:

        g60crawler extract fixtures/site/g60.chinadevelopment.com.cn/g60zx/2023/0606/1630012.shtml \\
            --url http://g60.chinadevelopment.com.cn/g60zx/2023/0606/1630012.shtml
    """
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror}") from exc
    if not url.startswith(("http://", "https://")):
        raise click.ClickException(f"--url must be an absolute http(s) URL, got {url!r}")
    item = build_article(extract_raw(url, body))
    if isinstance(item, FailureItem):
        click.echo(json.dumps({"url": item.url, "failure": item.reason, "detail": item.detail},
                              ensure_ascii=False, indent=2))
        raise SystemExit(1)
    out = item.public_dict()
    assert tuple(out) == ARTICLE_FIELDS
    click.echo(json.dumps(out, ensure_ascii=False, indent=2))
