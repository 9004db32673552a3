"""Shared test helpers: paths of the fixture mirror."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "fixtures" / "site"
SITE_V2 = ROOT / "fixtures" / "site-v2"
HOST = "g60.chinadevelopment.com.cn"


@pytest.fixture
def archive_path(tmp_path):
    return tmp_path / "archive.sqlite"
