"""Every G60_* setting is checked before a crawl starts: a bad value is one `Error:` line and exit 2."""

from __future__ import annotations

import hashlib

import pytest

from g60crawler import runconfig
from g60crawler import settings as defaults
from g60crawler.archive import Archive

from .conftest import SITE
from .crawl import query, run_crawl

# bad values of every setting, by the kind of value it takes (a new setting needs a row here)
BAD = {
    "G60_ARCHIVE": ["{tmp}", ""],
    "G60_REPLAY_DIR": ["{tmp}/no-such-mirror", "{file}"],
    "G60_RECORD_DIR": ["{file}"],
    "G60_PORTAL": ["{tmp}/no-such-portal.toml", "{tmp}"],
    "G60_ARCHIVE_BATCH": ["abc", "0", "-5", "2.5", "99999999999999999999"],
    "G60_NOW": ["0001-01-01", "yesterday", "9999-12-31T23:59:59", "2024-13-01"],
    "G60_REVISIT_DAYS": ["1,7,3000000", "1,x", "-1", "1;7"],
    "G60_PAGE_REVISIT_DAYS": ["abc", "-1", "nan", "inf", "1e9"],
    "G60_RETRY_BACKOFF": ["abc", "-0.5", "nan"],
    "G60_RETRY_MAX_WAIT": ["abc", "-1", "inf"],
    "G60_MAX_LIST_PAGES": ["abc", "0", "-1", "1.5"],
    "G60_MAX_LIST_ENTRIES": ["abc", "0", "1e3"],
    "G60_ATTACHMENTS": ["maybe", "2"],
    "G60_MAX_ATTACHMENTS": ["abc", "-1", "1.5"],
    "G60_MAX_VANISHED_REVISITS": ["abc", "-1", "1e3"],
    "G60_PROGRESS_INTERVAL": ["abc", "-1", "nan", "inf", "1e9"],
    "G60_PAGE_REQUISITES": ["sometimes"],
    "G60_ATTACHMENT_MAXSIZE": ["abc", "0", "-1", "50MB"],
    "G60_HEALTH_RUNS": ["abc", "0"],
    "G60_HEALTH_MIN_ITEMS": ["abc", "0"],
    "G60_HEALTH_MAX_FAILURE_RISE": ["abc", "-0.1", "1.5", "nan"],
    "G60_HEALTH_MAX_GENERIC_RISE": ["abc", "2"],
    "G60_HEALTH_MAX_COVERAGE_DROP": ["abc", "-1"],
    "G60_HEALTH_MAX_FAILURE_SHARE": ["abc", "1.01"],
    "G60_HEALTH_MIN_FAILURES": ["abc", "0"],
    "G60_HEALTH_MAX_GENERIC_SHARE": ["abc", "-0.01"],
}
DECLARED = sorted(name for name in vars(defaults) if name.startswith("G60_"))


def _fill(value: str, tmp_path) -> str:
    (tmp_path / "a-file").write_text("x")
    return value.format(tmp=tmp_path, file=tmp_path / "a-file")


def test_every_setting_is_in_the_table_with_bad_values():
    assert sorted(runconfig.SETTINGS) == DECLARED
    assert sorted(BAD) == DECLARED


def test_defaults_pass_the_checks():
    values = runconfig.check({})
    assert values["G60_REVISIT_DAYS"] == (1, 7, 30)
    assert values["G60_MAX_LIST_PAGES"] == defaults.G60_MAX_LIST_PAGES


@pytest.mark.parametrize("name, value", [(n, v) for n, values in BAD.items() for v in values])
def test_bad_value_is_refused(name, value, tmp_path):
    with pytest.raises(runconfig.ConfigError) as err:
        runconfig.check({name: _fill(value, tmp_path)})
    assert name in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("name, value", [
    ("G60_REVISIT_DAYS", "0,3650"), ("G60_REVISIT_DAYS", ""), ("G60_NOW", "2024-06-01"),
    ("G60_NOW", "2024-06-01T08:00:00+08:00"), ("G60_ATTACHMENTS", "off"), ("G60_HEALTH_MAX_FAILURE_RISE", "1"),
    ("G60_MAX_LIST_PAGES", " 7 "), ("G60_PAGE_REVISIT_DAYS", "0.5"),
])
def test_good_value_is_taken(name, value):
    runconfig.check({name: value})


@pytest.mark.reliability("every G60_* setting given a bad value (-s NAME=abc, G60_NOW=0001-01-01, "
                         "G60_REVISIT_DAYS=1,7,3000000 ...) and a misspelt setting name",
                         "refused before the crawl: one `Error:` line naming the setting, exit 2, archive untouched",
                         group="settings")
@pytest.mark.parametrize("name, value", [(n, values[0]) for n, values in BAD.items()]
                         + [("G60_MAX_LIST_PAGE", "5")])
def test_crawl_refuses_a_bad_setting(name, value, tmp_path):
    archive = tmp_path / "g60.sqlite"
    Archive.open(archive).close()
    before = hashlib.sha256(archive.read_bytes()).hexdigest()
    done = run_crawl(archive, f"{name}={_fill(value, tmp_path)}", replay=SITE, timeout=60)
    assert done.returncode == 2, done.stderr[-2000:]
    # Scrapy's start-up lines, then ours: one line, the last, and no other error
    lines = done.stderr.strip().splitlines()
    assert lines[-1].startswith(f"Error: {name}") or lines[-1].startswith(f"Error: unknown setting {name}"), lines[-3:]
    assert sum("Error" in line or "ERROR" in line for line in lines) == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stderr + done.stdout
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == before
    assert query(archive, "SELECT COUNT(*) FROM crawl_runs") == [(0,)]
