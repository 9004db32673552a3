"""One crawl at a time per archive: an exclusive lock on ``<archive>.lock``.

The lock is an ``flock`` held by the crawl's process, so the kernel releases it
when the process ends, however it ends (SIGKILL included): no stale lock to
clean up after a crash. The lock is taken on the archive's real path, so two
paths to one file (a symlink, ``..``) are one archive; and, when the file
exists, on its device and inode (a lock file in the temporary folder), so a
hard link is the same archive too. Every writer takes it: the crawl,
``import-warc`` and ``reparse``.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from pathlib import Path


class Locked(Exception):
    """Another process holds the archive's lock."""


class ArchiveLock:
    """An exclusive, non-blocking lock beside an archive file.

    :param archive: the archive path; the lock file is ``<real path of archive>.lock``.
    """

    def __init__(self, archive: str | os.PathLike) -> None:
        self.archive = Path(os.path.realpath(archive))
        self.path = Path(f"{self.archive}.lock")
        self._fds: list[int] = []

    def _inode_path(self) -> Path | None:
        """The lock file named for the archive's device and inode, or None while there is no archive file."""
        try:
            st = os.stat(self.archive)
        except OSError:
            return None
        return Path(tempfile.gettempdir()) / f"g60crawler-{st.st_dev}-{st.st_ino}.lock"

    def acquire(self) -> None:
        """Take the lock or raise :class:`Locked` naming the holder's pid."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            for path in (self.path, self._inode_path()):
                if path is not None:
                    self._take(path)
        except Locked:
            self.release()
            raise

    def _take(self, path: Path) -> None:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise Locked(f"another crawl (pid {holder}) is writing {self.archive.name}") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fds.append(fd)

    def release(self) -> None:
        """Let the lock go (the kernel also does when the process ends)."""
        while self._fds:
            fd = self._fds.pop()
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
