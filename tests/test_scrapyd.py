"""scrapyd for real: deploy with scrapyd-deploy, schedule a replay crawl, read the archive; a bad job shows as failed."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from .conftest import ROOT, SITE

PROJECT = "g60crawler"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(base: str, path: str, data: dict | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(base + path, data=body, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory):
    """scrapyd on a free port of 127.0.0.1, in a folder of its own (no scrapy.cfg above it), with the project deployed."""
    home = tmp_path_factory.mktemp("scrapyd")
    port = _free_port()
    (home / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\neggs_dir = {home}/eggs\nlogs_dir = {home}/logs\n"
        f"dbs_dir = {home}/dbs\nitems_dir =\nmax_proc = 1\npoll_interval = 0.5\n")
    log = open(home / "scrapyd.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=home, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _api(base, "daemonstatus.json")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("scrapyd did not start: " + (home / "scrapyd.log").read_text()[-2000:])
                time.sleep(0.3)
        yield base, home, _deploy(base, home)
    finally:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=15)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        log.close()


def _deploy(base: str, home: Path) -> subprocess.CompletedProcess:
    """`scrapyd-deploy test` from a copy of the project (scrapyd-deploy writes a setup.py beside scrapy.cfg)."""
    project = home / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(ROOT / "g60crawler", project / "g60crawler", ignore=shutil.ignore_patterns("__pycache__"))
    cfg = (ROOT / "scrapy.cfg").read_text() + f"\n[deploy:test]\nurl = {base}\nproject = {PROJECT}\n"
    (project / "scrapy.cfg").write_text(cfg)
    deploy = Path(sys.executable).with_name("scrapyd-deploy")
    return subprocess.run([str(deploy), "test", "-v", "1"], cwd=project, capture_output=True, text=True, timeout=180)


def _run_job(base: str, settings: dict) -> dict:
    """Schedule a crawl with these settings and wait until scrapyd lists it as finished; its listjobs entry."""
    data = [("project", PROJECT), ("spider", "g60")] + [("setting", f"{k}={v}") for k, v in settings.items()]
    body = urllib.parse.urlencode(data).encode()
    with urllib.request.urlopen(base + "schedule.json", data=body, timeout=30) as response:
        scheduled = json.loads(response.read())
    assert scheduled["status"] == "ok", scheduled
    job = scheduled["jobid"]
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        jobs = _api(base, f"listjobs.json?project={PROJECT}")
        done = [j for j in jobs["finished"] if j["id"] == job]
        if done:
            return done[0]
        time.sleep(0.5)
    pytest.fail(f"job {job} did not finish")


def test_deploy_makes_a_project_scrapyd_can_load(scrapyd):
    base, home, deployed = scrapyd
    assert deployed.returncode == 0, deployed.stderr[-2000:]
    reply = json.loads(deployed.stdout)
    assert reply["status"] == "ok" and reply["spiders"] == 1, reply  # scrapyd loaded the settings and found g60
    assert _api(base, f"listspiders.json?project={PROJECT}")["spiders"] == ["g60"]


def test_scheduled_replay_crawl_fills_the_archive(scrapyd, tmp_path):
    base, home, _ = scrapyd
    archive = tmp_path / "g60.sqlite"
    job = _run_job(base, {"G60_REPLAY_DIR": SITE, "G60_ARCHIVE": archive})
    log = (home / "logs" / PROJECT / "g60" / f"{job['id']}.log").read_text()
    with sqlite3.connect(archive) as conn:
        assert conn.execute("SELECT COUNT(*) FROM articles WHERE kind = 'article'").fetchone() == (46,)
        assert conn.execute("SELECT exit_code FROM crawl_runs").fetchall() == [(0,)]
    assert "Spider closed (finished)" in log
    assert f"Process finished: project='{PROJECT}' spider='g60' job='{job['id']}'" in (home / "scrapyd.log").read_text()


def test_failed_job_is_visible_as_failed(scrapyd, tmp_path):
    base, home, _ = scrapyd
    job = _run_job(base, {"G60_REPLAY_DIR": "/nonexistent", "G60_ARCHIVE": tmp_path / "g60.sqlite"})
    # scrapyd's own log records the exit status of the job's process
    server_log = (home / "scrapyd.log").read_text()
    assert f"Process died: exitstatus=2 project='{PROJECT}' spider='g60' job='{job['id']}'" in server_log
    # and the job's log (its log_url in scrapyd's web UI) says why
    job_log = (home / "logs" / PROJECT / "g60" / f"{job['id']}.log").read_text()
    assert "G60_REPLAY_DIR" in job_log and "/nonexistent" in job_log and "exit status 2" in job_log
    assert not (tmp_path / "g60.sqlite").exists()
