"""The web view driven in-process: a request to Datasette serving one archive file."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from datasette.app import Datasette


def get(archive: Path, path: str):
    """The response of plain ``datasette ARCHIVE`` (the g60 plugin loaded) to a GET of ``path``.

    :param archive: the archive file.
    :param path: the path and query string.
    """
    async def fetch():
        return await Datasette([str(archive)]).client.get(path)
    return asyncio.run(fetch())


def private_copy(built: Path, tmp_path: Path) -> Path:
    """A copy of a built archive's folder (attachments included) that a test may tamper with; its archive path.

    :param built: the archive file built once for the module.
    :param tmp_path: the test's own folder.
    """
    shutil.copytree(built.parent, tmp_path / "a")
    return tmp_path / "a" / "g60.sqlite"
