"""Run a real `scrapy crawl g60` in a subprocess (Scrapy's reactor runs once per process)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT


def run_crawl(archive: Path, *settings: str, replay: Path | None = None, args: tuple[str, ...] = (),
              env: dict | None = None, timeout: int = 120, rss: list | None = None) -> subprocess.CompletedProcess:
    """`scrapy crawl g60` into ``archive``; returns the finished process (output captured).

    :param rss: a list to fill with the crawl process's RSS, sampled while it runs (bytes).
    """
    cmd = [sys.executable, "-m", "scrapy", "crawl", "g60", "-s", f"G60_ARCHIVE={archive}",
           "-s", "LOG_LEVEL=INFO"]
    if replay is not None:
        cmd += ["-s", f"G60_REPLAY_DIR={replay}"]
    for s in settings:
        cmd += ["-s", s]
    for a in args:
        cmd += ["-a", a]
    full_env = {**os.environ, **(env or {})}
    if rss is None:
        return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=full_env)
    from .reliability import RssSampler

    with subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=full_env) as proc:
        sampler = RssSampler(proc.pid)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise
        finally:
            rss.extend(sampler.stop())
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def last_run_stats(archive: Path) -> dict:
    with sqlite3.connect(archive) as conn:
        (stats,) = conn.execute("SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    return json.loads(stats)


def query(archive: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(archive) as conn:
        return conn.execute(sql, params).fetchall()


def article_count(archive: Path) -> int:
    """Articles committed so far (0 while the file is not there yet), for tests that watch a crawl."""
    try:
        with sqlite3.connect(archive, timeout=1) as conn:
            return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return 0
