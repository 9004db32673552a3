"""What the README's commands write inside the checkout is ignored by git; a rehearsal crawl has its own archive."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text("utf-8")
#: how a README command names a file or folder it writes
WRITES = re.compile(r"(?:\s-o\s+|--output[=\s]+|--record-dir[=\s]+|\s>>?\s+|G60_RECORD_DIR=|G60_ARCHIVE=|JOBDIR=)"
                    r"([^\s`'\")|;&]+)")
PLACEHOLDERS = re.compile(r"^(FILE|DIR|NAME|URL|PATH|X)$|[<{]")


def written() -> list[str]:
    """Each path a README command writes inside the checkout (not fixtures/: a recorded mirror is committed)."""
    found = set()
    code = [line for line in README.splitlines() if line.startswith("    ")]  # the command blocks
    code += re.findall(r"`([^`\n]+)`", README)  # and the commands in the text
    for line in code:
        for target in WRITES.findall(" " + line):
            target = target.rstrip(".,:")
            if (PLACEHOLDERS.search(target) or target.startswith(("/", "../", "~", "&", "fixtures/"))
                    or "/dev/" in target):
                continue
            found.add(target)
    return sorted(found)


def test_the_readme_names_files_its_commands_write():
    # the parse finds them (an empty list would let the next test pass for nothing)
    assert {"portal.toml", "hefei.csv", "all.jsonl", "g60.warc.gz", "recorded/"} <= set(written())


@pytest.mark.parametrize("target", written())
def test_what_a_readme_command_writes_is_ignored_by_git(target, tmp_path):
    if shutil.which("git") is None:
        pytest.fail("git is needed to read .gitignore")
    shutil.copy(REPO / ".gitignore", tmp_path / ".gitignore")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    path = tmp_path / target
    path.parent.mkdir(parents=True, exist_ok=True)
    if target.endswith("/"):
        path.mkdir(exist_ok=True)
        (path / "a-file").write_text("x")
        path = path / "a-file"
    else:
        path.write_text("x")
    done = subprocess.run(["git", "-C", str(tmp_path), "check-ignore", "-q", str(path.relative_to(tmp_path))])
    assert done.returncode == 0, f"{target} (written by a README command) is not ignored by .gitignore"


def test_a_crawl_with_a_discovered_portal_file_has_its_own_archive():
    # the health check compares a run with the recent runs of the same archive: a first-contact
    # crawl with another portal file must not share (and skew) the real crawl's archive
    crawls = [line for line in README.splitlines() if "scrapy crawl" in line and "G60_PORTAL=" in line]
    assert crawls
    for line in crawls:
        archive = re.search(r"G60_ARCHIVE=([^\s`]+)", line)
        assert archive is not None and archive[1] != "archive/g60.sqlite", line
