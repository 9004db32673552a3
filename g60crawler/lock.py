"""One crawl at a time per archive: an exclusive lock on ``<archive>.lock``.

The lock is an ``flock`` held by the crawl's process, so the kernel releases it
when the process ends, however it ends (SIGKILL included): no stale lock to
clean up after a crash. The lock is taken on the archive's real path, so two
paths to one file (a symlink, ``..``) are one archive. Every writer takes it:
the crawl, ``import-warc`` and ``reparse``.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class Locked(Exception):
    """Another process holds the archive's lock."""


class ArchiveLock:
    """An exclusive, non-blocking lock beside an archive file.

    :param archive: the archive path; the lock file is ``<real path of archive>.lock``.
    """

    def __init__(self, archive: str | os.PathLike) -> None:
        self.path = Path(f"{os.path.realpath(archive)}.lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise :class:`Locked` naming the holder's pid."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise Locked(f"another crawl (pid {holder}) is writing {self.path.name.removesuffix('.lock')}") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd

    def release(self) -> None:
        """Let the lock go (the kernel also does when the process ends)."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
