"""WARC import in bounded memory: a gzip bomb is skipped, and memory does not grow with the WARC.

Peak RSS growth of an import is measured in a subprocess (resource.getrusage);
each check is a ratio between two imports that differ only in size.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
import zlib

from g60crawler.mirror import read_response
from g60crawler.settings import DOWNLOAD_MAXSIZE

from .conftest import HOST, ROOT, SITE
from .crawl import query

B = f"http://{HOST}"
GOOD = f"{B}/g60zx/2023/0606/1630012.shtml"

MEASURE = """
import json, resource, sys
from click.testing import CliRunner
from g60crawler.cli import main
from g60crawler.archive import Archive
Archive.open(sys.argv[2]).close()  # modules loaded, archive created: the baseline
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = CliRunner().invoke(main, ["import-warc", sys.argv[1], "--db", sys.argv[2]])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"growth_kb": after - before, "exit": result.exit_code, "output": result.output}))
"""


def import_rss(warc, db) -> dict:
    """Import ``warc`` into ``db`` in a fresh process: its peak RSS growth (KiB), exit status and output."""
    done = subprocess.run([sys.executable, "-c", MEASURE, str(warc), str(db)], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def member(url: str, payload_chunks, payload_size: int) -> bytes:
    """One gzip member holding a response record, its payload fed in chunks (never whole in memory)."""
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    head = ("WARC/1.0\r\nWARC-Type: response\r\n"
            f"WARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\nWARC-Date: 2024-06-01T02:00:00Z\r\n"
            f"WARC-Target-URI: {url}\r\nContent-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http) + payload_size}\r\n\r\n").encode() + http
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)
    parts = [packer.compress(head)]
    parts += [packer.compress(chunk) for chunk in payload_chunks]
    parts += [packer.compress(b"\r\n\r\n"), packer.flush()]
    return b"".join(parts)


def bomb_warc(path, expands_to: int) -> None:
    """A small WARC: a record whose payload is ``expands_to`` bytes of zeros, then an ordinary article."""
    mib = bytes(1 << 20)
    bomb = member(f"{B}/g60zx/2024/0101/1699999.shtml", (mib for _ in range(expands_to >> 20)), expands_to)
    good = read_response(SITE, GOOD).body
    path.write_bytes(bomb + member(GOOD, [good], len(good)))


def test_a_gzip_bomb_is_skipped_and_memory_does_not_follow_its_size(tmp_path):
    small, large = tmp_path / "small.warc.gz", tmp_path / "large.warc.gz"
    bomb_warc(small, 64 << 20)
    bomb_warc(large, 256 << 20)
    assert large.stat().st_size < 1 << 20  # 256 MiB in a file of a few hundred KB
    results = {name: import_rss(path, tmp_path / f"{name}.sqlite") for name, path in (("small", small),
                                                                                       ("large", large))}
    for name, result in results.items():
        assert result["exit"] == 0, result["output"]
        assert "warning: records skipped: 1 over --max-size" in result["output"]
        assert result["output"].startswith("2 records: 1 new;")
        (biggest,) = query(tmp_path / f"{name}.sqlite", "SELECT MAX(size) FROM blobs")[0]
        assert biggest <= DOWNLOAD_MAXSIZE
    # 192 MiB more expansion: memory grows by a small fraction of it (holding the body would take all of it)
    extra_kb = results["large"]["growth_kb"] - results["small"]["growth_kb"]
    assert extra_kb / ((256 - 64) << 10) < 0.25, results


def records_warc(path, records: int, size: int = 500_000) -> None:
    """A WARC of ``records`` article responses of ``size`` bytes each (a real page, padded, distinct)."""
    page = read_response(SITE, GOOD).body
    with path.open("wb") as out:
        for i in range(records):
            pad = os.urandom((size - len(page)) // 2).hex().encode()  # incompressible: the WARC is as large
            body = page + b"<!-- " + pad + b" -->"
            out.write(member(f"{B}/g60zx/2024/0101/{1700000 + i}.shtml", [body], len(body)))


def test_memory_does_not_grow_with_the_number_of_records(tmp_path):
    small, large = tmp_path / "small.warc.gz", tmp_path / "large.warc.gz"
    records_warc(small, 30)
    records_warc(large, 120)
    growth = {}
    for name, path in (("small", small), ("large", large)):
        result = import_rss(path, tmp_path / f"{name}.sqlite")
        assert result["exit"] == 0, result["output"]
        growth[name] = result["growth_kb"]
    # 4x the records (about 25 MB more WARC, 45 MB more payload): memory grows by a small
    # fraction of it, as bodies are not held
    extra_warc_kb = (large.stat().st_size - small.stat().st_size) >> 10
    assert (growth["large"] - growth["small"]) / extra_warc_kb < 0.25, growth
