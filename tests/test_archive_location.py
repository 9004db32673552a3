"""The default archive is the project's, wherever the crawl or the CLI is started from inside the project."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from g60crawler import runconfig
from g60crawler import settings as defaults

from .cli_runner import run
from .conftest import ROOT, SITE


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "proj"
    (project / "docs" / "deep").mkdir(parents=True)
    (project / "scrapy.cfg").write_text("[settings]\ndefault = g60crawler.settings\n")
    return project


@pytest.mark.parametrize("where", [".", "docs", "docs/deep"])
def test_default_archive_is_in_the_project_folder(tmp_path, monkeypatch, where):
    project = _project(tmp_path)
    monkeypatch.chdir(project / where)
    assert Path(runconfig.project_path(defaults.G60_ARCHIVE)) == project / defaults.G60_ARCHIVE


def test_outside_a_project_a_relative_path_stays_relative(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert runconfig.project_path("archive/g60.sqlite") == "archive/g60.sqlite"


def test_a_given_archive_is_taken_as_given(tmp_path, monkeypatch):
    from scrapy.settings import Settings

    project = _project(tmp_path)
    monkeypatch.chdir(project / "docs")
    settings = Settings({"G60_ARCHIVE": defaults.G60_ARCHIVE}, priority="project")
    assert Path(runconfig.load(settings).archive) == project / defaults.G60_ARCHIVE
    settings.set("G60_ARCHIVE", "mine.sqlite", priority="cmdline")
    assert runconfig.load(settings).archive == "mine.sqlite"


def test_crawl_from_a_subfolder_writes_the_project_archive(tmp_path):
    """`cd docs && scrapy crawl g60`: the archive is the project's, and its absolute path is logged."""
    project = tmp_path / "proj"
    (project / "sub").mkdir(parents=True)
    (project / "scrapy.cfg").write_text("[settings]\ndefault = g60crawler.settings\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "g60", "-s", f"G60_REPLAY_DIR={SITE}",
                           "-a", "sections=gywm"], cwd=project / "sub", capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    archive = project / defaults.G60_ARCHIVE
    assert archive.is_file()
    assert not (project / "sub" / "archive").exists()
    assert f"archive {archive}" in done.stderr


def test_cli_default_db_is_the_project_archive(tmp_path, monkeypatch):
    project = _project(tmp_path)
    monkeypatch.chdir(project / "docs")
    result = run("runs")
    assert result.exit_code == 1
    assert result.output == (f"Error: no archive at {project / defaults.G60_ARCHIVE} "
                             "(run from the project folder or give --db FILE)\n")
