"""A misspelt setting or spider name: one `Error:` line with the name meant, exit 2, no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from g60crawler import runconfig

from .conftest import ROOT, SITE
from .crawl import run_crawl


@pytest.mark.parametrize("typo, meant", [
    ("G60_ARCHVE", "G60_ARCHIVE"),
    ("G60_MAX_LIST_PAGE", "G60_MAX_LIST_PAGES"),
    ("G60_REPLAYDIR", "G60_REPLAY_DIR"),
    ("G60_HEALTH_RUN", "G60_HEALTH_RUNS"),
    ("G60_PORTLA", "G60_PORTAL"),
])
def test_a_misspelt_setting_names_the_closest_known_one(typo, meant):
    with pytest.raises(runconfig.ConfigError) as caught:
        runconfig.check({typo: "1"})
    assert f"unknown setting {typo}" in str(caught.value) and f"did you mean {meant}?" in str(caught.value)


def test_a_setting_like_no_other_gets_no_guess():
    with pytest.raises(runconfig.ConfigError) as caught:
        runconfig.check({"G60_XYZZY_FROB": "1"})
    assert "did you mean" not in str(caught.value) and "unknown setting G60_XYZZY_FROB" in str(caught.value)


def test_crawl_with_a_misspelt_setting_says_which_was_meant(tmp_path):
    done = run_crawl(tmp_path / "a.sqlite", "G60_ARCHVE=x.sqlite", replay=SITE, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == ("Error: unknown setting G60_ARCHVE: did you mean G60_ARCHIVE? "
                                                    "(known: see the README's settings table)")


@pytest.mark.parametrize("name", ["g6O", "G60", "nosuch"])
def test_crawl_of_an_unknown_spider_is_one_line(name, tmp_path):
    done = subprocess.run([sys.executable, "-m", "scrapy", "crawl", name, "-s", f"G60_ARCHIVE={tmp_path / 'a.sqlite'}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()  # Scrapy's start-up lines, then ours
    assert lines[-1] == f"Error: no spider named '{name}' (this project has: g60)"
    assert "Traceback" not in done.stderr and sum("Error" in line for line in lines) == 1, done.stderr
    assert not (tmp_path / "a.sqlite").exists()
