"""A real HTTP server for tests: serves a mirror folder, as an HTTP proxy would.

Run ``python -m tests.mirror_server fixtures/site``: it prints its address
(``http://127.0.0.1:PORT``) on the first line of stdout, then serves until
killed. Requests come in proxy form (``GET http://host/path``) or with a
``Host`` header; the answer is the mirror's status, headers and raw bytes.
"""

from __future__ import annotations

import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from g60crawler.mirror import read_response


def make_handler(root: Path):
    class MirrorHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            url = self.path if self.path.startswith("http") else f"http://{self.headers['Host']}{self.path}"
            saved = read_response(root, url, dict(self.headers.items()))
            self.send_response(saved.status)
            for name, value in saved.headers.items():
                if name.lower() != "content-length":  # set below from the body actually sent
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(saved.body)))
            self.end_headers()
            self.wfile.write(saved.body)

        def log_message(self, fmt: str, *args) -> None:
            sys.stderr.write("mirror_server: " + fmt % args + "\n")

    return MirrorHandler


def main(argv: list[str]) -> None:
    root = Path(argv[0]).resolve()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(root))
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
