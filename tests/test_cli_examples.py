"""Every `--help` example, copy-pasted into a fresh checkout with an archive, works (exit 0).

Left out: discover (network), serve (runs until stopped), import-warc (its example names WARC
files a reader has to bring)."""

from __future__ import annotations

import os
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from g60crawler.cli import main

from .test_research_cli import example_lines

REPO = Path(__file__).resolve().parent.parent
SKIP = {"discover", "serve", "import-warc"}


def examples(command: str) -> list[list[str]]:
    """Each example of a command as its arguments (a line ending in a backslash continues)."""
    joined, found = "", []
    for line in example_lines(command):
        joined += line.rstrip("\\").strip() + " "
        if not line.endswith("\\"):
            found.append(shlex.split(joined)[1:])
            joined = ""
    return found


@pytest.fixture
def checkout(fixture_archive, tmp_path):
    """A fresh checkout's layout: the repository's fixtures, an archive from a replay crawl."""
    (tmp_path / "archive").mkdir()
    shutil.copy(fixture_archive, tmp_path / "archive" / "g60.sqlite")
    if (fixture_archive.parent / "attachments").is_dir():
        shutil.copytree(fixture_archive.parent / "attachments", tmp_path / "archive" / "attachments")
    shutil.copytree(REPO / "fixtures" / "pages", tmp_path / "fixtures" / "pages")
    os.symlink(REPO / "fixtures" / "site", tmp_path / "fixtures" / "site")
    return tmp_path


@pytest.mark.parametrize("command", sorted(set(main.commands) - SKIP))
def test_help_example_works_as_written_in_a_fresh_checkout(checkout, command, monkeypatch):
    monkeypatch.chdir(checkout)
    for args in examples(command):
        assert args[0] == command
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, f"g60crawler {shlex.join(args)}: {result.output}"
