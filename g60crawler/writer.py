"""The crawl's archive writer: a child process that does every archive write, in order, off the reactor.

Storing an article is CPU work (segmenting the text for the index, compressing
the page, hashing, a dozen SQL statements) that would otherwise run on the
reactor's thread, between two downloads. A thread would not take it off the
reactor: most of it is Python and holds the GIL. A child process (a new
interpreter, not a fork: a fork would copy the crawl's open SQLite connections,
which SQLite forbids) uses the second core instead. It is given the run's portal and clock.

The guarantees are those of a write in the crawl's own process:

- operations run one at a time, in the order they were sent; a batch of items
  is one transaction, committed by the item that closes it;
- an error rolls the open batch back, and every later store is skipped (never
  written), so nothing after a failed batch can be committed;
- the child dies with the crawl (``PR_SET_PDEATHSIG``): a killed crawl loses at
  most its open batch, as before; it ignores SIGINT and SIGTERM, which the crawl
  handles (a graceful stop drains the writer first);
- when the pipe closes without a ``close`` operation, the open batch is rolled back.

The parent sends through a queue and a sender thread (a full pipe never blocks
the reactor) and reads results on a reader thread, which fires the Deferred of
each operation on the reactor.
"""

from __future__ import annotations

import ctypes
import logging
import os
import queue
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable
from itertools import count
from multiprocessing.connection import Connection
from pathlib import Path

from . import portal
from .archive import Archive, ArchiveError
from .items import ArticleItem, FailureItem, ListEntry, ListPage, NotModified, Requisite
from .schedule import moment

logger = logging.getLogger(__name__)

#: Failure reasons that say an archived article is gone from the site: it gets a tombstone.
GONE_REASONS = ("http 404", "http 410", "soft 404")
_PR_SET_PDEATHSIG = 1


class WriterError(Exception):
    """An archive write failed in the writer (the message is SQLite's or the archive's)."""


class Skipped(Exception):
    """An operation not run because an earlier write failed (its batch was rolled back)."""


# ------------------------------------------------------------------ the child's operations

def store_item(archive: Archive, run_id: int, item, list_page: int | None = None) -> tuple:
    """Write one pipeline item; returns what the pipeline counts of it.

    :param archive: the writer's archive.
    :param run_id: the run that fetched it.
    :param item: an item of the crawl (article, failure, list page, ...).
    :param list_page: a list page's place in its section's list (it orders its entries), if known.
    :returns: ``("article", outcome)``, ``("failure", tombstoned)`` or ``("other", None)``.
    """
    if isinstance(item, ArticleItem):
        return "article", archive.record_article(item, run_id)
    if isinstance(item, FailureItem):
        archive.record_failure(item, run_id)
        return "failure", item.reason in GONE_REASONS and archive.tombstone(item.url)
    if isinstance(item, ListPage):
        archive.record_listings(item.entries, list_page)
        if item.capture is not None:
            archive.store_capture(item.capture, run_id)
    elif isinstance(item, Requisite):
        archive.store_capture(item.capture, run_id)
    elif isinstance(item, ListEntry):
        archive.record_listings([item])
    elif isinstance(item, NotModified):
        archive.record_not_modified(item.url)
    return "other", None


def query(archive: Archive, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows of a read of the writer's connection (what the open transaction sees)."""
    return archive.conn.execute(sql, params).fetchall()


def call(archive: Archive, method: str, *args):
    """Call one method of the archive (``start_run``, ``finish_run``, ``mark_swept`` ...)."""
    return getattr(archive, method)(*args)


_OPERATIONS: dict[str, Callable] = {"store": store_item, "query": query, "call": call}
_STORES = frozenset({"store"})  # skipped once a write failed: the rest of the run is not written


def child_main(fd: int, parent_pid: int, package_root: str) -> None:
    """The child's entry point: serve the crawl on the socket ``fd`` (see :meth:`ArchiveWriter.start`).

    :param fd: the child's end of the socket pair.
    :param parent_pid: the crawl's pid (the child dies with it).
    :param package_root: the directory the crawl imports ``g60crawler`` from (so must the child).
    """
    _check_package(package_root)
    _die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the crawl stops gracefully, then closes the pipe
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    conn = Connection(fd)
    try:
        path, now, run_portal = conn.recv()
    except (EOFError, OSError):
        return
    _serve(conn, path, now, run_portal)


def _check_package(package_root: str) -> None:
    """Exit with a clear error unless this ``g60crawler`` is the crawl's own (under ``package_root``)."""
    import g60crawler

    mine = Path(g60crawler.__file__).resolve()
    if not mine.is_relative_to(Path(package_root).resolve()):
        print(f"Error: the archive writer imported g60crawler from {mine.parent}, not the crawl's {package_root}",
              file=sys.stderr)
        sys.exit(3)


def _serve(conn, path: str, now: str | None, run_portal: portal.Portal) -> None:
    """The child's loop: open the archive, run operations in order, answer each (id, status, value).

    :param conn: the child's end of the pipe.
    :param path: the archive file.
    :param now: the run's ``G60_NOW`` (None: the system clock).
    :param run_portal: the run's portal.
    """
    portal.activate(run_portal)
    archive, broken = None, False
    try:
        try:
            now = str(now).strip() if now is not None else ""
            frozen = moment(now) if now else None  # G60_NOW, as runconfig.make_clock reads it (checked before)
            archive = Archive.open(path, clock=(lambda: frozen) if frozen else None)
        except (sqlite3.Error, ArchiveError) as exc:
            broken = True
            conn.send((0, "error", str(exc)))
        else:
            conn.send((0, "ok", None))
        while True:
            try:
                op_id, name, args, commit = conn.recv()
            except (EOFError, OSError):
                break  # the crawl went away without closing: the open batch is rolled back below
            if name == "close":
                status, value = "ok", None
                if archive is not None:
                    try:
                        archive.close() if not broken else archive.conn.close()
                        archive = None
                    except sqlite3.Error as exc:  # the last commit failed: rolled back below
                        status, value = "error", str(exc)
                conn.send((op_id, status, value))
                break
            if archive is None or (broken and name in _STORES):
                conn.send((op_id, "skipped", None))
                continue
            try:
                value = _OPERATIONS[name](archive, *args)
                if commit:
                    archive.commit()
            except Exception as exc:  # noqa: BLE001 (every failure is the parent's to report)
                broken = broken or name in _STORES or commit
                try:
                    archive.conn.rollback()
                except sqlite3.Error:
                    pass
                known = isinstance(exc, (sqlite3.Error, ArchiveError))
                conn.send((op_id, "error", str(exc) if known else traceback.format_exc().strip()))
            else:
                conn.send((op_id, "ok", value))
    finally:
        if archive is not None:
            try:
                archive.conn.rollback()
                archive.conn.close()
            except sqlite3.Error:
                pass


def _die_with_parent(parent_pid: int) -> None:
    """Ask the kernel to kill this process when the crawl's process dies (Linux); else rely on EOF.

    :param parent_pid: the crawl's pid (it may be 1: a crawl run as a container's first process).
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent_pid:  # the crawl died before the request was made
        os._exit(1)


# ------------------------------------------------------------------ the parent's side

#: The child's program: argv is the crawl's package root, the socket's fd and the crawl's pid.
_CHILD_CODE = ("import sys; sys.path.insert(0, sys.argv[1]); from g60crawler.writer import child_main; "
               "child_main(int(sys.argv[2]), int(sys.argv[3]), sys.argv[1])")

class ArchiveWriter:
    """The crawl's side of the writer: send operations, get their results as Deferreds (or wait for them).

    :param path: the archive file.
    :param now: the run's ``G60_NOW`` setting (None: the system clock).
    """

    def __init__(self, path: str, now: str | None = None) -> None:
        self.path, self.now = str(path), now
        self.process = None
        self._conn = None
        self._outbox: queue.Queue = queue.Queue()
        self._waiting: dict[int, tuple] = {}  # id -> ("deferred", Deferred) or ("event", Event, box)
        self._lock = threading.Lock()
        self._ids = count(1)
        self._threads: list[threading.Thread] = []
        self._gone: str | None = None  # why the child cannot answer any more

    @property
    def gone(self) -> str | None:
        """Why the child cannot answer any more (killed, exited), or None while it can."""
        return self._gone

    def start(self) -> None:
        """Start the child and open the archive in it; raises :class:`WriterError` if it cannot be opened."""
        ours, theirs = socket.socketpair()
        package_root = str(Path(__file__).resolve().parent.parent)  # where this g60crawler is imported from
        # -P: no current directory (nor script directory) ahead of the crawl's package root on sys.path
        self.process = subprocess.Popen(
            [sys.executable, "-P", "-c", _CHILD_CODE, package_root, str(theirs.fileno()), str(os.getpid())],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
        theirs.close()
        self._conn = Connection(ours.detach())
        opened = self._waiting[0] = self._event_slot()
        self._conn.send((self.path, self.now, portal.current()))
        for target in (self._send_loop, self._read_loop):
            thread = threading.Thread(target=target, name=f"g60-writer-{target.__name__}", daemon=True)
            thread.start()
            self._threads.append(thread)
        self._wait(opened)

    def submit(self, name: str, *args, commit: bool = False):
        """Run an operation after those sent before; its Deferred fires on the reactor with the value.

        It fails with :class:`WriterError` (the write failed; the batch was rolled back) or
        :class:`Skipped` (an earlier write had failed).
        """
        from twisted.internet import defer  # the crawl's side only: the child does without Twisted

        d = defer.Deferred()
        self._send(name, args, commit, ("deferred", d))
        return d

    def call(self, name: str, *args, commit: bool = False):
        """Run an operation after those sent before and wait for its value (raises as :meth:`submit` fails)."""
        slot = self._event_slot()
        self._send(name, args, commit, slot)
        return self._wait(slot)

    def close(self) -> None:
        """Commit what is open (nothing, after a failed write), end the child and wait for it."""
        if self.process is None:
            return
        try:
            if self._gone is None:
                self.call("close")
        except (WriterError, Skipped):
            pass
        finally:
            self._outbox.put(None)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self._conn.close()
            self.process = None

    # ---------------------------------------------------------------- plumbing

    @staticmethod
    def _event_slot() -> tuple:
        return ("event", threading.Event(), [])

    def _send(self, name: str, args: tuple, commit: bool, slot: tuple) -> None:
        op_id = next(self._ids)
        with self._lock:
            gone = self._gone
            if gone is None:
                self._waiting[op_id] = slot
        if gone is not None:
            self._resolve(slot, "error", gone)
            return
        self._outbox.put((op_id, name, args, commit))

    @staticmethod
    def _wait(slot: tuple):
        slot[1].wait()
        return _value(*slot[2])

    def _send_loop(self) -> None:
        process = self.process
        while (message := self._outbox.get()) is not None:
            try:
                self._conn.send(message)
            except (OSError, ValueError):  # the child is gone: say why (its end, not the pipe's)
                self._lost(_ended(process))
                return

    def _read_loop(self) -> None:
        process = self.process
        while True:
            try:
                op_id, status, value = self._conn.recv()
            except (EOFError, OSError):
                self._lost(_ended(process))  # after a close, nothing waits: only marks the child gone
                return
            with self._lock:
                slot = self._waiting.pop(op_id, None)
            if slot is not None:
                self._resolve(slot, status, value)

    def _lost(self, why: str) -> None:
        with self._lock:
            self._gone = self._gone or why  # the first to see the child gone says why
            why = self._gone
            slots, self._waiting = list(self._waiting.values()), {}
        for slot in slots:
            self._resolve(slot, "error", why)

    @staticmethod
    def _resolve(slot: tuple, status: str, value) -> None:
        if slot[0] == "event":
            slot[2][:] = [status, value]
            slot[1].set()
            return
        from twisted.internet import reactor
        d = slot[1]
        if status == "ok":
            reactor.callFromThread(d.callback, value)
        else:
            reactor.callFromThread(d.errback, Skipped() if status == "skipped" else WriterError(value))


def _ended(process: subprocess.Popen) -> str:
    """Why the writer's child is gone, from its exit status (it is waited for a few seconds)."""
    try:
        code = process.wait(5)
    except subprocess.TimeoutExpired:
        return "the archive writer stopped answering"
    if code < 0:
        return f"the archive writer was killed by signal {-code}"
    return f"the archive writer exited with status {code}"


def _value(status: str, value):
    if status == "ok":
        return value
    if status == "skipped":
        raise Skipped()
    raise WriterError(value)
