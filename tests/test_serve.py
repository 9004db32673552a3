"""`g60crawler serve` stopped by a signal leaves nothing serving and no process behind."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from .conftest import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_free(port: int) -> bool:
    """Nothing listens on the port (connections closed by the server may still be in TIME_WAIT)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def descendants(pid: int) -> list[int]:
    """Processes whose parent chain leads to ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


@pytest.mark.reliability("`g60crawler serve` stopped with SIGTERM or SIGINT (systemd, a supervisor, kill)",
                         "the port is free and no process is left behind", group="interruption")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_stopped_by_a_signal_leaves_nothing_behind(fixture_archive, tmp_path, sig):
    db = tmp_path / "g60.sqlite"
    shutil.copy(fixture_archive, db)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "g60crawler.cli", "serve", "--db", str(db), "--port", str(port)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=1)
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "datasette did not start"
                time.sleep(0.2)
        family = [server.pid, *descendants(server.pid)]
        server.send_signal(sig)
        assert server.wait(timeout=20) in (0, -sig, 128 + sig)
        assert port_free(port)
        alive = [pid for pid in family[1:] if os.path.exists(f"/proc/{pid}")]
        assert alive == []
    finally:
        try:
            os.killpg(server.pid, signal.SIGKILL)  # whatever is left of this test's process group
        except ProcessLookupError:
            pass
        server.wait(timeout=10)
