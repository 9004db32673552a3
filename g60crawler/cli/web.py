"""`g60crawler serve`: the archive in Datasette, with metadata, Chinese search and canned queries."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
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

    Opens the archive read-only (immutable is not used: a crawl may be writing),
    with a description of every table, a Chinese full-text search form
    (canned query "search") and canned queries for common questions.

    Example:

        g60crawler serve --db archive/g60.sqlite --port 8001
    """
    open_archive(db_path).close()  # a clear error for a missing or non-archive file
    if shutil.which("datasette") is None and not _datasette_importable():
        raise click.ClickException("Datasette is not installed: pip install -e '.[web]'")
    with tempfile.TemporaryDirectory() as tmp:
        meta = Path(tmp) / "metadata.json"
        meta.write_text(json.dumps(metadata(db_path.stem), ensure_ascii=False), "utf-8")
        cmd = [sys.executable, "-m", "datasette", "serve", str(db_path), "--metadata", str(meta),
               "--host", host, "--port", str(port), "--setting", "sql_time_limit_ms", "5000"]
        raise SystemExit(subprocess.call(cmd))


def _datasette_importable() -> bool:
    try:
        import datasette  # noqa: F401
    except ImportError:
        return False
    return True
