"""Crawl throughput, incremental re-crawl and memory of ``scrapy crawl g60``, against a baseline of the same run.

    .venv/bin/python -m benchmarks.crawl_bench --articles 10000 [--repeat 3] [--scale 50000]

The machine is shared and noisy, so every number that matters is a ratio to a
baseline measured in the same run, and a median over repeats. For each repeat:

(a) ``baseline``: ``scrapy runspider benchmarks/baseline_spider.py`` over the
    synthetic portal: the same URLs as (b), links parsed with parsel, nothing kept;
(b) ``full``: ``scrapy crawl g60`` into a fresh archive (extraction, normalising,
    the archive with its captures, versions, FTS index and run record);
(c) ``recrawl``: ``scrapy crawl g60`` again into the archive of (b), the portal unchanged.

Every crawl is a subprocess started from the project folder with
``-s DOWNLOAD_DELAY=0 -s AUTOTHROTTLE_ENABLED=False -s CONCURRENT_REQUESTS=16
-s CONCURRENT_REQUESTS_PER_DOMAIN=16 -s LOG_LEVEL=WARNING -s G60_MAX_LIST_PAGES=100000``
(the last so that a 50,000-article portal, whose largest section has 750 list
pages, is walked to its end; it changes nothing at 10,000) and ``http_proxy``
pointing at the server. Pages per second are ``downloader/response_count`` over
Scrapy's ``elapsed_time_seconds`` (the crawl, not interpreter start-up; the wall
time of each process is recorded too). Peak RSS is the kernel's ``ru_maxrss`` of the
crawl process (``os.wait4``), cross-checked with polled ``VmHWM`` and Scrapy's
``memusage/max`` (sampled once a minute, so it can miss the peak).

The server is nginx when ``nginx`` is on PATH (a private config and prefix in the
work folder, ``root <portal>/$host``, answering the proxy-form requests Scrapy sends
to an HTTP proxy), else the project's ``python -m tests.mirror_server`` (whose own
speed then bounds both crawls). On Debian, ``bash benchmarks/setup-nginx`` installs
nginx; the results record the server used (``server.kind``) and the table prints it.
docs/benchmarks-crawl.md is generated from the results (benchmarks/report.py).

``--scale 50000`` then crawls (b), and the baseline (a), once over a 50,000-article
portal: peak RSS at 10k against 50k. When the full crawl runs at less than
``--profile-below`` (0.7) of the baseline's pages per second, one more full crawl
runs under cProfile and one under py-spy (if installed): the top functions by own
and cumulative time go into the results. ``--profile always|never`` overrides.

Results: a table on stdout and ``benchmarks/results/crawl.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import pstats
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from benchmarks import synthetic_portal
from g60crawler import portal

PROJECT = Path(__file__).resolve().parent.parent
RESULTS = PROJECT / "benchmarks" / "results" / "crawl.json"
#: where the crawls run from: the project folder, or a snapshot of its code (--snapshot)
RUN_DIR = PROJECT
CRAWL_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "LOG_LEVEL": "WARNING",
    "G60_MAX_LIST_PAGES": "100000",
}


def source_hash(root: Path | None = None) -> str:
    """SHA-256 of the g60crawler sources the crawls run (a prefix): the code under test, by content."""
    root = root or RUN_DIR
    h = hashlib.sha256()
    for path in sorted((root / "g60crawler").rglob("*.py")):
        h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def snapshot(workdir: Path) -> Path:
    """A copy of the code the crawls run (g60crawler, scrapy.cfg, the baseline spider).

    The project folder may be edited while a benchmark runs (by other work on the
    same tree): every crawl of one run then measures the same code. The crawls
    start in the copy, so ``import g60crawler`` finds it before the editable install.
    """
    code = source_hash(PROJECT)
    target = workdir / f"src-{code}"
    if not (target / ".complete").exists():
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(PROJECT / "g60crawler", target / "g60crawler",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        shutil.copy2(PROJECT / "scrapy.cfg", target / "scrapy.cfg")
        (target / "benchmarks").mkdir()
        (target / "benchmarks" / "__init__.py").write_text("")
        shutil.copy2(PROJECT / "benchmarks" / "baseline_spider.py", target / "benchmarks" / "baseline_spider.py")
        (target / ".complete").write_text(code)
    return target


def warm(portal_dir: Path) -> dict:
    """Flush the portal's writes and read every file once, so that no run pays for a cold page cache."""
    started = time.perf_counter()
    os.sync()
    files = size = 0
    for path in portal_dir.rglob("*"):
        if path.is_file():
            size += len(path.read_bytes())
            files += 1
    return {"files": files, "bytes": size, "seconds": time.perf_counter() - started}


def log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ the portal

def ensure_portal(workdir: Path, articles: int, seed: int) -> tuple[Path, dict]:
    """The synthetic portal for (articles, seed), built once per work folder and reused."""
    out = workdir / f"portal-{articles}-s{seed}"
    marker = out / ".built.json"
    if marker.exists():
        info = json.loads(marker.read_text())
        if info.get("articles") == articles and info.get("seed") == seed:
            info["reused"] = True
            return out, info
    log(f"building a synthetic portal of {articles} articles in {out}")
    info = synthetic_portal.build(out, articles, seed, progress=True)
    marker.write_text(json.dumps(info))
    info["reused"] = False
    return out, info


# ------------------------------------------------------------------ the server

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A static server for the portal, answering proxy-form requests: nginx, else tests.mirror_server."""

    def __init__(self, portal_dir: Path, workdir: Path, kind: str = "auto") -> None:
        self.portal_dir, self.workdir = portal_dir.resolve(), workdir
        nginx = shutil.which("nginx")
        if kind == "auto":
            kind = "nginx" if nginx else "mirror_server"
        self.kind = kind
        self.proc: subprocess.Popen | None = None
        self.url = ""
        self.version = ""
        self.nginx = nginx

    def __enter__(self) -> Server:
        if self.kind == "nginx":
            self._start_nginx()
        else:
            self._start_mirror_server()
        self._check()
        return self

    def _start_nginx(self) -> None:
        if not self.nginx:
            raise SystemExit("--server nginx: nginx is not on PATH")
        prefix = Path(tempfile.mkdtemp(prefix="nginx-", dir=self.workdir))
        (prefix / "tmp").mkdir()
        port = free_port()
        built = subprocess.run([self.nginx, "-V"], capture_output=True, text=True).stderr
        self.version = built.splitlines()[0] if built else ""
        temp_paths = [f"client_body_temp_path {prefix}/tmp/body;"]
        for module in ("proxy", "fastcgi", "uwsgi", "scgi"):
            if f"--without-http_{module}_module" not in built:
                temp_paths.append(f"{module}_temp_path {prefix}/tmp/{module};")
        user = ""
        if os.geteuid() == 0:  # workers would run as nobody, who cannot enter a private temp folder
            import pwd
            user = f"user {pwd.getpwuid(0).pw_name};"
        nl = "\n  "
        conf = f"""{user}
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  types {{ text/html html htm shtml; text/plain txt; text/css css; application/javascript js;
          image/jpeg jpg jpeg; image/png png; application/pdf pdf; }}
  default_type application/octet-stream;
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  open_file_cache max=1000 inactive=20s;
  {nl.join(temp_paths)}
  server {{
    listen 127.0.0.1:{port} default_server;
    server_name _;
    # Scrapy sends proxy-form request lines (GET http://host/path): nginx takes $host from them
    root {self.portal_dir}/$host;
    index index.shtml;
  }}
}}
"""
        (prefix / "nginx.conf").write_text(conf)
        self.proc = subprocess.Popen([self.nginx, "-p", str(prefix), "-e", str(prefix / "error.log"),
                                      "-c", str(prefix / "nginx.conf")],
                                     stdout=subprocess.DEVNULL, stderr=open(prefix / "stderr.log", "wb"))
        self.url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    return
            except OSError:
                if self.proc.poll() is not None:
                    raise SystemExit(f"nginx did not start: {(prefix / 'stderr.log').read_text()}")
                time.sleep(0.05)
        raise SystemExit("nginx did not listen")

    def _start_mirror_server(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.mirror_server", str(self.portal_dir)],
                                     cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.url = self.proc.stdout.readline().strip()
        self.version = f"python {platform.python_version()} http.server (ThreadingHTTPServer)"

    def _check(self) -> None:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": self.url}))
        for path in ("robots.txt", "g60zx/"):
            with opener.open(f"{portal.BASE_URL}{path}", timeout=10) as r:
                if r.status != 200:
                    raise SystemExit(f"server check failed: {path} answered {r.status}")

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM if self.kind == "mirror_server" else signal.SIGQUIT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ------------------------------------------------------------------ running a crawl

def crawl_env(proxy: str) -> dict:
    env = dict(os.environ)
    for name in ("no_proxy", "NO_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        env.pop(name, None)
    env["http_proxy"] = env["HTTP_PROXY"] = proxy
    env["PYTHONPATH"] = str(RUN_DIR) + os.pathsep + env.get("PYTHONPATH", "")
    return env


#: extra settings of every crawl, baseline included (--set NAME=VALUE, for experiments)
EXTRA_SETTINGS: dict[str, str] = {}


def settings_args(extra: dict | None = None) -> list[str]:
    args = []
    for name, value in {**CRAWL_SETTINGS, **EXTRA_SETTINGS, **(extra or {})}.items():
        args += ["-s", f"{name}={value}"]
    return args


def run_measured(cmd: list[str], env: dict, log_path: Path) -> dict:
    """Run a command from the project folder; wall time, exit status and peak RSS (kernel and polled)."""
    code = source_hash()
    started = time.perf_counter()
    with open(log_path, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=RUN_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
        peak = {"vmhwm_kib": 0, "tree_rss_kib": 0}
        done = threading.Event()

        def poll() -> None:
            status = Path(f"/proc/{proc.pid}/status")
            while not done.is_set():
                try:
                    m = re.search(r"^VmHWM:\s+(\d+) kB", status.read_text(), re.M)
                    if m:
                        peak["vmhwm_kib"] = max(peak["vmhwm_kib"], int(m[1]))
                except OSError:
                    pass
                peak["tree_rss_kib"] = max(peak["tree_rss_kib"], _tree_rss_kib(proc.pid))
                done.wait(0.1)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        _, wait_status, usage = os.wait4(proc.pid, 0)
        done.set()
        poller.join()
        proc.returncode = os.waitstatus_to_exitcode(wait_status)
    return {
        "wall_seconds": time.perf_counter() - started,
        "exit_code": proc.returncode,
        "max_rss_mib": usage.ru_maxrss / 1024,  # KiB on Linux
        "vmhwm_polled_mib": peak["vmhwm_kib"] / 1024,
        # the crawl and its children (the archive writer) together, polled: ru_maxrss is the largest one alone
        "tree_rss_polled_mib": peak["tree_rss_kib"] / 1024,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "g60crawler_sha256": code,
        "log": str(log_path),
    }


def _tree_rss_kib(pid: int) -> int:
    """RSS of a process and of its children (the crawl's archive writer), summed, in KiB (0 once it is gone)."""
    total = 0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        m = re.search(r"^VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M)
        total = int(m[1]) if m else 0
    except OSError:
        return total
    return total + sum(_tree_rss_kib(int(child)) for child in children)


def summarise(stats: dict, measured: dict) -> dict:
    pages = int(stats.get("downloader/response_count", 0))
    elapsed = float(stats.get("elapsed_time_seconds") or 0.0)
    statuses = {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("downloader/response_status_count/")}
    return {
        **measured,
        "pages": pages,
        "requests": int(stats.get("downloader/request_count", 0)),
        "statuses": statuses,
        "elapsed_seconds": elapsed,
        "pages_per_second": pages / elapsed if elapsed else None,
        "pages_per_wall_second": pages / measured["wall_seconds"],
        "memusage_max_mib": (stats.get("memusage/max") or 0) / 2**20,
        "items": int(stats.get("item_scraped_count", 0)),
    }


def run_baseline(portal_url: str, workdir: Path, tag: str) -> dict:
    stats_file = workdir / f"baseline-{tag}.stats.json"
    stats_file.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "scrapy", "runspider", str(RUN_DIR / "benchmarks" / "baseline_spider.py"),
           *settings_args({"BASELINE_STATS_FILE": str(stats_file)})]
    measured = run_measured(cmd, crawl_env(portal_url), workdir / f"baseline-{tag}.log")
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    return summarise(stats, measured)


def last_run_stats(archive: Path) -> tuple[dict, dict]:
    conn = sqlite3.connect(archive)
    try:
        row = conn.execute("SELECT stats, pages_fetched, articles_new, articles_unchanged, failures, exit_code "
                           "FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
        counts = dict(zip(("articles", "captures", "blobs"),
                          (conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                           for t in ("articles", "captures", "blobs"))))
    finally:
        conn.close()
    stats = json.loads(row[0]) if row and row[0] else {}
    run = dict(zip(("pages_fetched", "articles_new", "articles_unchanged", "failures", "exit_code"), row[1:])) \
        if row else {}
    return stats, {**run, **counts}


def g60_command(archive: Path, prefix: list[str] | None = None) -> list[str]:
    return [*(prefix or [sys.executable]), "-m", "scrapy", "crawl", "g60", *settings_args({"G60_ARCHIVE": str(archive)})]


def run_g60(portal_url: str, archive: Path, workdir: Path, tag: str) -> dict:
    measured = run_measured(g60_command(archive), crawl_env(portal_url), workdir / f"g60-{tag}.log")
    stats, run = last_run_stats(archive)
    result = summarise(stats, measured)
    result["archive"] = {**run, "bytes": archive.stat().st_size + _size(Path(f"{archive}-wal"))}
    return result


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


# ------------------------------------------------------------------ profiles

def cprofile_crawl(portal_url: str, workdir: Path, top: int) -> dict:
    archive = fresh_archive(workdir, "profile-cprofile")
    prof = workdir / "g60-full.prof"
    cmd = g60_command(archive, [sys.executable, "-m", "cProfile", "-o", str(prof)])
    measured = run_measured(cmd, crawl_env(portal_url), workdir / "g60-cprofile.log")
    stats, _ = last_run_stats(archive)
    st = pstats.Stats(str(prof))
    rows = []
    for (file, line, func), (cc, nc, tt, ct, _callers) in st.stats.items():
        rows.append({"function": func, "where": f"{_short(file)}:{line}", "calls": nc, "own_s": round(tt, 3),
                     "cumulative_s": round(ct, 3)})
    text_path = workdir / "g60-full.prof.txt"
    with open(text_path, "w") as f:
        for key in ("tottime", "cumulative"):
            pstats.Stats(str(prof), stream=f).sort_stats(key).print_stats(40)
    total = st.total_tt
    own = sorted(rows, key=lambda r: -r["own_s"])[:top]
    cumulative = sorted(rows, key=lambda r: -r["cumulative_s"])[:top]
    ours = sorted((r for r in rows if r["where"].startswith("g60crawler/")), key=lambda r: -r["cumulative_s"])[:top]
    ours_own = sorted((r for r in rows if r["where"].startswith("g60crawler/")), key=lambda r: -r["own_s"])[:top]
    shutil.rmtree(archive.parent, ignore_errors=True)
    return {"tool": "cProfile", "command": " ".join(cmd), "total_s": round(total, 2),
            "wall_seconds": measured["wall_seconds"], "pages": stats.get("downloader/response_count"),
            "top_own": own, "top_cumulative": cumulative, "g60crawler_top_cumulative": ours,
            "g60crawler_top_own": ours_own, "text": str(text_path)}


def pyspy_crawl(portal_url: str, workdir: Path, top: int) -> dict | None:
    pyspy = shutil.which("py-spy") or (str(Path(sys.executable).parent / "py-spy")
                                       if (Path(sys.executable).parent / "py-spy").exists() else None)
    if not pyspy:
        return None
    archive = fresh_archive(workdir, "profile-pyspy")
    raw = workdir / "g60-full.pyspy.txt"
    speedscope = workdir / "g60-full.speedscope.json"
    # raw (collapsed stacks) to count here; speedscope from the same kind of run is what a person opens
    cmd = [pyspy, "record", "--format", "raw", "--function", "--rate", "100", "--nonblocking", "-o", str(raw), "--",
           *g60_command(archive)]
    measured = run_measured(cmd, crawl_env(portal_url), workdir / "g60-pyspy.log")
    if measured["exit_code"] != 0 or not raw.exists():
        return {"tool": "py-spy", "error": f"exit {measured['exit_code']}, see {measured['log']}"}
    own, cumulative, total = Counter(), Counter(), 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        frames = [_frame(f) for f in stack.split(";")]
        total += n
        own[frames[-1]] += n
        for frame in set(frames):
            cumulative[frame] += n

    def rows(counter: Counter, only_ours: bool = False) -> list[dict]:
        out = []
        for frame, n in counter.most_common():
            if only_ours and not frame.split(" (", 1)[-1].startswith("g60crawler/"):
                continue
            out.append({"function": frame, "samples": n, "share": round(n / total, 4)})
            if len(out) == top:
                break
        return out

    shutil.rmtree(archive.parent, ignore_errors=True)
    return {"tool": "py-spy", "rate_hz": 100, "command": " ".join(cmd), "samples": total,
            "wall_seconds": measured["wall_seconds"], "top_own": rows(own), "top_cumulative": rows(cumulative),
            "g60crawler_top_cumulative": rows(cumulative, True), "g60crawler_top_own": rows(own, True),
            "raw": str(raw), "speedscope_hint": f"py-spy record --format speedscope -o {speedscope} -- ..."}


def _short(file: str) -> str:
    for marker in ("/g60crawler/", "/site-packages/", "/lib/python3"):
        if marker in file:
            tail = file.split(marker, 1)[1]
            return ("g60crawler/" + tail) if marker == "/g60crawler/" else tail
    return file


def _frame(frame: str) -> str:
    """``func (path:line)`` of py-spy, the path shortened like cProfile's."""
    m = re.match(r"^(.*) \((.*?)(?::(\d+))?\)$", frame)
    if not m:
        return frame
    return f"{m[1]} ({_short(m[2])}{':' + m[3] if m[3] else ''})"


# ------------------------------------------------------------------ the benchmark

def fresh_archive(workdir: Path, tag: str) -> Path:
    folder = workdir / "archives" / tag
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder / "g60.sqlite"


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def repeat_once(server: Server, workdir: Path, r: int) -> dict:
    tag = f"r{r}"
    log(f"repeat {r}: (a) baseline")
    baseline = run_baseline(server.url, workdir, tag)
    log(f"  baseline {baseline['pages']} pages in {baseline['elapsed_seconds']:.1f} s: "
        f"{baseline['pages_per_second']:.0f} pages/s, RSS {baseline['max_rss_mib']:.0f} MiB")
    archive = fresh_archive(workdir, tag)
    log(f"repeat {r}: (b) full crawl")
    full = run_g60(server.url, archive, workdir, f"full-{tag}")
    log(f"  full {full['pages']} pages in {full['elapsed_seconds']:.1f} s: {full['pages_per_second']:.0f} pages/s, "
        f"RSS {full['max_rss_mib']:.0f} MiB (with the archive writer {full['tree_rss_polled_mib']:.0f}), "
        f"exit {full['exit_code']}")
    log(f"repeat {r}: (c) unchanged re-crawl")
    recrawl = run_g60(server.url, archive, workdir, f"recrawl-{tag}")
    log(f"  re-crawl {recrawl['requests']} requests, {recrawl['wall_seconds']:.2f} s wall, exit {recrawl['exit_code']}")
    shutil.rmtree(archive.parent, ignore_errors=True)
    ratio = (full["pages_per_second"] / baseline["pages_per_second"]
             if full["pages_per_second"] and baseline["pages_per_second"] else None)
    return {"repeat": r, "baseline": baseline, "full": full, "recrawl": recrawl, "ratio_full_to_baseline": ratio}


def medians_of(repeats: list[dict]) -> dict:
    def m(kind, key):
        return median([rep[kind][key] for rep in repeats])
    return {
        "baseline_pages": m("baseline", "pages"),
        "full_pages": m("full", "pages"),
        "baseline_pages_per_second": m("baseline", "pages_per_second"),
        "full_pages_per_second": m("full", "pages_per_second"),
        "ratio_full_to_baseline": median([rep["ratio_full_to_baseline"] for rep in repeats]),
        "baseline_pages_per_wall_second": m("baseline", "pages_per_wall_second"),
        "full_pages_per_wall_second": m("full", "pages_per_wall_second"),
        "ratio_full_to_baseline_wall": median([rep["full"]["pages_per_wall_second"]
                                               / rep["baseline"]["pages_per_wall_second"] for rep in repeats]),
        "baseline_elapsed_seconds": m("baseline", "elapsed_seconds"),
        "full_elapsed_seconds": m("full", "elapsed_seconds"),
        "full_cpu_seconds": m("full", "cpu_seconds"),
        "baseline_cpu_seconds": m("baseline", "cpu_seconds"),
        "recrawl_wall_seconds": m("recrawl", "wall_seconds"),
        "recrawl_elapsed_seconds": m("recrawl", "elapsed_seconds"),
        "recrawl_requests": m("recrawl", "requests"),
        "baseline_max_rss_mib": m("baseline", "max_rss_mib"),
        "full_max_rss_mib": m("full", "max_rss_mib"),
        "baseline_tree_rss_mib": m("baseline", "tree_rss_polled_mib"),
        "full_tree_rss_mib": m("full", "tree_rss_polled_mib"),
        "recrawl_max_rss_mib": m("recrawl", "max_rss_mib"),
        "full_memusage_max_mib": m("full", "memusage_max_mib"),
    }


def table(result: dict) -> str:
    med = result["medians"]
    n = result["articles"]
    lines = [
        f"{n:,} articles, {len(result['repeats'])} repeats (medians), server: {result['server']['kind']}"
        + (f", extra settings {result['settings']['extra']}" if result["settings"].get("extra") else ""),
        "",
        f"{'':34}{'baseline (a)':>14}{'g60 full (b)':>14}{'(b)/(a)':>10}",
        f"{'pages (responses)':34}{med['baseline_pages']:>14,.0f}{med['full_pages']:>14,.0f}",
        f"{'crawl time, s (Scrapy elapsed)':34}{med['baseline_elapsed_seconds']:>14.1f}{med['full_elapsed_seconds']:>14.1f}",
        f"{'pages/s':34}{med['baseline_pages_per_second']:>14.1f}{med['full_pages_per_second']:>14.1f}"
        f"{med['ratio_full_to_baseline']:>10.2f}",
        f"{'pages/s by process wall time':34}{med['baseline_pages_per_wall_second']:>14.1f}"
        f"{med['full_pages_per_wall_second']:>14.1f}{med['ratio_full_to_baseline_wall']:>10.2f}",
        f"{'CPU s (user+sys)':34}{med['baseline_cpu_seconds']:>14.1f}{med['full_cpu_seconds']:>14.1f}",
        f"{'peak RSS, MiB (ru_maxrss)':34}{med['baseline_max_rss_mib']:>14.0f}{med['full_max_rss_mib']:>14.0f}",
        f"{'peak RSS with children, MiB':34}{med['baseline_tree_rss_mib']:>14.0f}{med['full_tree_rss_mib']:>14.0f}",
        "",
        f"unchanged re-crawl (c): {med['recrawl_requests']:.0f} requests, {med['recrawl_wall_seconds']:.2f} s wall "
        f"({med['recrawl_elapsed_seconds']:.2f} s crawl), peak RSS {med['recrawl_max_rss_mib']:.0f} MiB",
    ]
    per = ", ".join(f"{rep['ratio_full_to_baseline']:.2f}" for rep in result["repeats"])
    lines.append(f"ratio (b)/(a) per repeat: {per}")
    code = result.get("g60crawler_sha256", {})
    if code.get("changed_during_run"):
        lines.append("WARNING: the g60crawler sources changed during this run (see g60crawler_sha256 of each crawl)")
    elif code.get("project_at_start") != code.get("project_at_end"):
        lines.append(f"note: the project's g60crawler changed during the run; the crawls ran the snapshot "
                     f"{code.get('start')} taken at its start")
    scale = result.get("scale")
    if scale:
        lines += ["", f"peak RSS, MiB        {n:>8,} articles {scale['articles']:>8,} articles   growth",
                  f"  g60 full           {scale['full_rss_small_mib']:>17.0f} {scale['full']['max_rss_mib']:>17.0f}"
                  f"   x{scale['full_rss_growth']:.2f} (articles x{scale['articles'] / n:.0f})"]
        if scale.get("baseline"):
            lines.append(f"  baseline           {scale['baseline_rss_small_mib']:>17.0f} "
                         f"{scale['baseline']['max_rss_mib']:>17.0f}   x{scale['baseline_rss_growth']:.2f}")
        lines.append(f"  full crawl at {scale['articles']:,}: {scale['full']['pages']:,} pages, "
                     f"{scale['full']['pages_per_second']:.1f} pages/s"
                     + (f" (baseline {scale['baseline']['pages_per_second']:.1f}, ratio {scale['ratio_full_to_baseline']:.2f})"
                        if scale.get("baseline") else ""))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.crawl_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scale", type=int, default=0, help="also crawl a portal of this many articles once")
    parser.add_argument("--scale-baseline", action=argparse.BooleanOptionalAction, default=True,
                        help="run the baseline at --scale too (default on)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--server", choices=("auto", "nginx", "mirror_server"), default="auto")
    parser.add_argument("--profile", choices=("auto", "always", "never"), default="auto")
    parser.add_argument("--profile-below", type=float, default=0.7)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="one more Scrapy setting for every crawl, the baseline's too (an experiment)")
    parser.add_argument("--snapshot", action=argparse.BooleanOptionalAction, default=True,
                        help="run the crawls from a copy of the code taken at the start (default on): "
                             "edits to the project during the run then change nothing")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "g60-crawl-bench")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    for pair in args.set:
        name, _, value = pair.partition("=")
        EXTRA_SETTINGS[name.strip()] = value.strip()
    global RUN_DIR
    started = time.perf_counter()
    project_at_start = source_hash(PROJECT)
    if args.snapshot:
        RUN_DIR = snapshot(args.workdir)
    code_at_start = source_hash()

    portal_dir, portal_info = ensure_portal(args.workdir, args.articles, args.seed)
    result = {
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": "python -m benchmarks.crawl_bench " + " ".join(sys.argv[1:] if argv is None else argv),
        "articles": args.articles,
        "seed": args.seed,
        "settings": {"scrapy_s": {**CRAWL_SETTINGS, **EXTRA_SETTINGS}, "extra": dict(EXTRA_SETTINGS),
                     "env": "http_proxy=<server>",
                     "pages_per_second": "downloader/response_count / elapsed_time_seconds (Scrapy stats)",
                     "peak_rss": "ru_maxrss of the crawl process (os.wait4)"},
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                    "load_at_start": os.getloadavg()},
        "versions": _versions(),
        "portal": portal_info,
        "g60crawler_sha256": {"start": code_at_start, "project_at_start": project_at_start,
                              "run_from": str(RUN_DIR)},
    }
    portal_info["warm_up"] = warm(portal_dir)
    with Server(portal_dir, args.workdir, args.server) as server:
        result["server"] = {"kind": server.kind, "version": server.version}
        log(f"server: {server.kind} at {server.url}" + ("" if server.kind == "nginx" else
            " (nginx is not on PATH: `bash benchmarks/setup-nginx` installs it; this server bounds both crawls)"))
        repeats = [repeat_once(server, args.workdir, r) for r in range(1, args.repeat + 1)]
        result["repeats"] = repeats
        result["medians"] = medians_of(repeats)
        ratio = result["medians"]["ratio_full_to_baseline"]
        if args.profile == "always" or (args.profile == "auto" and ratio is not None and ratio < args.profile_below):
            log(f"profiling one full crawl (ratio {ratio:.2f} < {args.profile_below}): cProfile")
            result["profile"] = {"reason": f"ratio {ratio:.2f} below {args.profile_below}",
                                 "cprofile": cprofile_crawl(server.url, args.workdir, args.top)}
            log("profiling one full crawl: py-spy")
            result["profile"]["py_spy"] = pyspy_crawl(server.url, args.workdir, args.top)
    if args.scale:
        big_dir, big_info = ensure_portal(args.workdir, args.scale, args.seed)
        big_info["warm_up"] = warm(big_dir)
        with Server(big_dir, args.workdir, args.server) as server:
            scale = {"articles": args.scale, "portal": big_info}
            if args.scale_baseline:
                log(f"scale {args.scale}: baseline")
                scale["baseline"] = run_baseline(server.url, args.workdir, f"scale{args.scale}")
                log(f"  baseline {scale['baseline']['pages']} pages, {scale['baseline']['pages_per_second']:.0f} "
                    f"pages/s, RSS {scale['baseline']['max_rss_mib']:.0f} MiB")
            log(f"scale {args.scale}: full crawl")
            archive = fresh_archive(args.workdir, f"scale{args.scale}")
            scale["full"] = run_g60(server.url, archive, args.workdir, f"full-scale{args.scale}")
            log(f"  full {scale['full']['pages']} pages, {scale['full']['pages_per_second']:.0f} pages/s, "
                f"RSS {scale['full']['max_rss_mib']:.0f} MiB, exit {scale['full']['exit_code']}")
            shutil.rmtree(archive.parent, ignore_errors=True)
        med = result["medians"]
        scale["full_rss_small_mib"] = med["full_max_rss_mib"]
        scale["full_rss_growth"] = scale["full"]["max_rss_mib"] / med["full_max_rss_mib"]
        if scale.get("baseline"):
            scale["baseline_rss_small_mib"] = med["baseline_max_rss_mib"]
            scale["baseline_rss_growth"] = scale["baseline"]["max_rss_mib"] / med["baseline_max_rss_mib"]
            scale["ratio_full_to_baseline"] = scale["full"]["pages_per_second"] / scale["baseline"]["pages_per_second"]
        result["scale"] = scale
    result["seconds"] = time.perf_counter() - started
    result["g60crawler_sha256"]["end"] = source_hash()
    result["g60crawler_sha256"]["project_at_end"] = source_hash(PROJECT)
    seen = {run["g60crawler_sha256"] for rep in result["repeats"] for run in (rep["baseline"], rep["full"], rep["recrawl"])}
    if result.get("scale"):
        seen.add(result["scale"]["full"]["g60crawler_sha256"])
    result["g60crawler_sha256"]["changed_during_run"] = len(seen | {code_at_start, result["g60crawler_sha256"]["end"]}) > 1
    result["machine"]["load_at_end"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str) + "\n")
    print(table(result))
    prof = result.get("profile")
    if prof:
        print()
        print(profile_text(prof))
    print(f"\nwrote {args.out} ({result['seconds'] / 60:.1f} min)")
    render_docs(args.out)
    return 0


def render_docs(out: Path) -> None:
    """docs/benchmarks-crawl.md from the results just written (benchmarks/report.py), when they are the project's.

    :param out: the results file written (another ``--out`` is an experiment: the docs stay).
    """
    from benchmarks import report

    if out.resolve() == RESULTS.resolve():
        for path in report.write_docs(["crawl"]):
            print(f"wrote {path.relative_to(PROJECT)}")


def profile_text(prof: dict) -> str:
    lines = []
    cp = prof.get("cprofile")
    if cp:
        for key, title in (("top_own", "own time"), ("top_cumulative", "cumulative time"),
                           ("g60crawler_top_cumulative", "cumulative time, g60crawler only")):
            lines.append(f"cProfile, top {len(cp[key])} by {title} (total {cp['total_s']} s):")
            for r in cp[key]:
                lines.append(f"  {r['own_s']:8.2f} {r['cumulative_s']:8.2f} {r['calls']:>9}  {r['function']}  {r['where']}")
    sp = prof.get("py_spy")
    if sp and "top_own" in sp:
        for key, title in (("top_own", "own samples"), ("g60crawler_top_cumulative", "cumulative, g60crawler only")):
            lines.append(f"py-spy, top {len(sp[key])} by {title} ({sp['samples']} samples):")
            for r in sp[key]:
                lines.append(f"  {100 * r['share']:5.1f}%  {r['function']}")
    return "\n".join(lines)


def _versions() -> dict:
    import lxml.etree
    import parsel
    import scrapy
    import twisted
    return {"python": platform.python_version(), "scrapy": scrapy.__version__, "twisted": twisted.__version__,
            "parsel": parsel.__version__, "lxml": ".".join(map(str, lxml.etree.LXML_VERSION)),
            "sqlite": sqlite3.sqlite_version}


if __name__ == "__main__":
    raise SystemExit(main())
