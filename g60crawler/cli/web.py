"""`g60crawler serve`: the archive in Datasette, with metadata, Chinese search and canned queries."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from ..web.metadata import metadata
from . import db_option, main, open_archive


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
def serve(db_path: Path, host: str, port: int) -> None:
    """Browse the archive in Datasette (pip install -e '.[web]').

    Opens the archive read-only (immutable only on read-only media: a crawl may
    be writing), with a description of every table, a Chinese full-text search
    form (canned query "search") and canned queries for common questions.
    Datasette runs in this process: Ctrl-C or SIGTERM stops the server.

    Example:

        g60crawler serve --db archive/g60.sqlite --port 8001
    """
    archive = open_archive(db_path, read_only=True)  # a clear error for a missing or non-archive file
    immutable = archive.immutable
    archive.close()
    try:
        import uvicorn
        from datasette.app import Datasette
    except ImportError as exc:
        raise click.ClickException("Datasette is not installed: pip install -e '.[web]'") from exc
    files = {"immutables" if immutable else "files": [str(db_path)]}
    ds = Datasette(**files, metadata=metadata(db_path.stem), settings={"sql_time_limit_ms": 5000})
    asyncio.run(ds.invoke_startup())
    # uvicorn stops on SIGINT and SIGTERM, closing its socket: nothing is left serving the port
    uvicorn.run(ds.app(), host=host, port=port, log_level="info", lifespan="on")
