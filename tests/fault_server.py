"""An HTTP server for fault-injection tests: the fixture mirror, with faults per URL.

Run ``python -m tests.fault_server MIRROR FAULTS.json``; it prints its address
on the first line of stdout and answers as a proxy (``GET http://host/path``).
FAULTS.json maps an absolute URL (or a regular expression, for keys starting
with ``re:``) to a fault:

- ``{"kind": "status", "codes": [503, 503], "retry_after": "1"}``: these answers first, then the page
- ``{"kind": "stall", "seconds": 30, "times": 99}``: wait before answering (past the download timeout)
- ``{"kind": "reset", "times": 99}``: close the connection with a TCP reset, no answer
- ``{"kind": "truncate"}``: announce the whole body, send half, close
- ``{"kind": "bad_length"}``: Content-Length larger than the body, then close
- ``{"kind": "redirect", "to": URL}``: 302 to URL (itself for a loop, another host ...); ``"status"``: another 3xx
- ``{"kind": "big", "bytes": N}``: an HTML body of N bytes
- ``{"kind": "gzip_bomb", "bytes": N}``: gzip of N zero bytes, sent compressed
- ``{"kind": "headers", "headers": {...}}``: the page with these headers replaced (charset lies)
- ``{"kind": "body", "file": PATH, "headers": {...}}``: another body (hostile pages)
- ``{"kind": "endless_list"}``: any ``index_N.shtml`` of the section is a list page linking ``index_{N+1}``
- ``{"kind": "huge_list", "links": 10000}``: a list page with that many article links

Counts of requests per URL are written to ``FAULTS.json.hits`` as they happen.
"""

from __future__ import annotations

import gzip
import json
import re
import socket
import struct
import sys
import threading
import time
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from g60crawler.mirror import read_response

LIST_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>列表_中国发展网</title></head><body>
<ul class="list-news">{items}</ul>
<div class="pagination">{pager}</div></body></html>"""


@lru_cache(maxsize=4)
def gzip_bomb(size: int) -> bytes:
    """Gzip of ``size`` zero bytes, made once: compressing 200 MB on every request took the server
    seconds under load, so the crawler timed out before the bomb was even sent."""
    return gzip.compress(b"\0" * size, compresslevel=9)


def list_page(section: str, links: list[str], next_page: str | None) -> bytes:
    items = "".join(f'<li><a href="{u}">文章{i}</a><span class="date">2024-01-01</span></li>' for i, u in enumerate(links))
    pager = f'<a href="{next_page}">下一页</a>' if next_page else ""
    return LIST_PAGE.format(items=items, pager=pager).encode("utf-8")


class FaultHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    root: Path
    faults: dict
    hits: dict
    hits_path: Path
    lock = threading.Lock()

    def log_message(self, fmt, *args):
        pass

    def _fault(self, url: str) -> dict | None:
        if url in self.faults:
            return self.faults[url]
        for key, fault in self.faults.items():
            if key.startswith("re:") and re.fullmatch(key[3:], url):
                return fault
        return None

    def _count(self, url: str) -> int:
        with self.lock:
            self.hits[url] = self.hits.get(url, 0) + 1
            self.hits_path.write_text(json.dumps(self.hits))
            return self.hits[url]

    def _send(self, status: int, headers: dict, body: bytes, length: int | None = None) -> None:
        self.send_response(status)
        for name, value in headers.items():
            if value is not None and name.lower() != "content-length":  # null removes a header
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        url = self.path if self.path.startswith("http") else f"http://{self.headers['Host']}{self.path}"
        n = self._count(url)
        fault = self._fault(url)
        saved = read_response(self.root, url)
        kind = fault and fault["kind"]
        if kind == "status" and n <= len(fault["codes"]):
            headers = {"Content-Type": "text/html"}
            if fault.get("retry_after") is not None:
                headers["Retry-After"] = str(fault["retry_after"])
            return self._send(fault["codes"][n - 1], headers, b"<html><body>busy</body></html>")
        if kind == "stall" and n <= fault.get("times", 99):
            time.sleep(fault["seconds"])
        if kind == "reset" and n <= fault.get("times", 99):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if kind == "truncate":
            self._send(200, saved.headers, saved.body[: len(saved.body) // 2], length=len(saved.body))
            self.close_connection = True
            return
        if kind == "bad_length":
            self._send(200, saved.headers, saved.body, length=len(saved.body) + 5000)
            self.close_connection = True
            return
        if kind == "redirect":
            return self._send(fault.get("status", 302), {"Location": fault["to"]}, b"")
        if kind == "big":
            filler = b"<p>" + "长三角G60科创走廊".encode() * 100 + b"</p>\n"
            body = b"<html><body><h1>big</h1>" + filler * (fault["bytes"] // len(filler) + 1) + b"</body></html>"
            return self._send(200, {"Content-Type": "text/html; charset=utf-8"}, body)
        if kind == "gzip_bomb":
            body = gzip_bomb(fault["bytes"])
            return self._send(200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, body)
        if kind == "headers":
            return self._send(saved.status, {**saved.headers, **fault["headers"]}, saved.body)
        if kind == "body":
            return self._send(200, fault.get("headers", {"Content-Type": "text/html"}), Path(fault["file"]).read_bytes())
        if kind == "endless_list":
            m = re.search(r"/(\w+)/(?:index_(\d+)\.shtml)?$", url)
            page = int(m.group(2) or 0)
            base = url.rsplit("/", 1)[0]
            links = [f"{base}/2031/0101/{9000000 + page}.shtml"]
            return self._send(200, {"Content-Type": "text/html"}, list_page(m.group(1), links, f"{base}/index_{page + 1}.shtml"))
        if kind == "huge_list":
            base = url.rsplit("/", 1)[0]
            links = [f"{base}/2031/0101/{8000000 + i}.shtml" for i in range(fault["links"])]
            return self._send(200, {"Content-Type": "text/html"}, list_page("x", links, None))
        self._send(saved.status, saved.headers, saved.body)


def main(argv: list[str]) -> None:
    root, faults_path = Path(argv[0]).resolve(), Path(argv[1])
    handler = type("Handler", (FaultHandler,), {
        "root": root, "faults": json.loads(faults_path.read_text("utf-8")), "hits": {},
        "hits_path": Path(str(faults_path) + ".hits")})
    for fault in handler.faults.values():
        if fault.get("kind") == "gzip_bomb":
            gzip_bomb(fault["bytes"])  # made before the address is printed, so before any request
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
