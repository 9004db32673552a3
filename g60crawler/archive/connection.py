"""Opening an archive file: for writing (created, upgraded) or for reading only (never changed).

A file is recognised before anything is written to it: another program's SQLite
file, a device or a text file is refused with an :class:`ArchiveError` and left as
it was; so is an archive of a newer schema than this code knows.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import tempfile
from pathlib import Path
from urllib.parse import quote

from .errors import ArchiveError
from .schema import LATEST_VERSION, archive_version, is_archive, migrate


SQLITE_CORRUPT = 11  # "database disk image is malformed" (the file is SQLite's, but damaged)


def open_connection(path: str | os.PathLike, *, create: bool = True, read_only: bool = False,
                    check: bool = False) -> tuple[sqlite3.Connection, bool]:
    """A connection to an archive, and whether it had to be opened immutable (read-only media).

    :param path: the database file, or ``:memory:``.
    :param create: False to refuse a path that does not exist yet (always False when ``read_only``).
    :param read_only: open with ``mode=ro``: no migration, no journal change, no file written.
    :param check: run ``PRAGMA quick_check`` first and refuse a damaged file.
    :raises ArchiveError: a missing path, a file that is not an archive, a newer or damaged archive.
    """
    path = str(path)
    if path == ":memory:":
        if read_only:
            raise ArchiveError("an in-memory archive cannot be opened read-only")
        return _writable(path, check), False
    check = recognise_file(path, create=create and not read_only, writable=not read_only, check=check,
                           beside_wal=read_only)
    if read_only:
        return _read_only(path, check)
    return _writable(path, check), False


def recognise_file(path: str | os.PathLike, *, create: bool, writable: bool, check: bool = False,
                   beside_wal: bool = True) -> bool:
    """Refuse a path that is not an archive of a schema this code knows, reading it without a change.

    :param path: the database file.
    :param create: True when a missing file may become a new archive (its folder is made).
    :param writable: True when an empty file may become a new archive and an older one upgraded.
    :param check: run ``PRAGMA quick_check``; returns whether that check is still to be done.
    :param beside_wal: also recognise a file whose -wal is beside it (a copy of both is read when the
        main file holds no schema yet); the crawl's own opens skip it (the writer is itself).
    :raises ArchiveError: as :func:`open_connection`.
    """
    path = str(path)
    read_only = not writable
    _check_path(Path(path), create)
    if os.path.isfile(path) and os.path.getsize(path) and not os.path.exists(path + "-wal"):
        # Recognise the file before a reader of a WAL database creates -wal and -shm beside it:
        # with no -wal, no one has it open for writing, and immutable reads touch nothing.
        try:
            probe = sqlite3.connect(_uri(path, mode="ro", immutable="1"), uri=True)
            _recognise(probe, path, check, writable=not read_only)
            probe.close()
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"{path} is not a usable archive: {exc}") from exc
        check = False  # done
    elif beside_wal and os.path.isfile(path) and os.path.exists(path + "-wal"):
        _recognise_beside_wal(path, writable=not read_only)
    return check


def _recognise_beside_wal(path: str, writable: bool) -> None:
    """Recognise a WAL database with its -wal beside it without touching either (no -shm, no checkpoint).

    The main file is read immutable; when it holds no schema yet (everything still in the
    -wal) or cannot be read alone (a checkpoint cut short by a kill), a copy of both in a
    temporary folder is read instead.

    :param path: the database file, whose ``-wal`` exists.
    :param writable: True when an empty database may become a new archive.
    """
    try:
        probe = sqlite3.connect(_uri(path, mode="ro", immutable="1"), uri=True)
        try:
            try:
                objects = probe.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
            except sqlite3.DatabaseError:
                objects = 0  # a checkpoint cut short (a kill): the main file is whole only with its -wal
            if objects:
                if not is_archive(probe):
                    raise ArchiveError(f"{path} is not a g60crawler archive (another program's SQLite database); "
                                       "nothing was changed")
                return  # an archive: its version is checked when it is opened
        finally:
            probe.close()
        with tempfile.TemporaryDirectory(prefix="g60-probe-") as folder:
            copy = os.path.join(folder, "probe.sqlite")
            shutil.copyfile(path, copy)
            shutil.copyfile(path + "-wal", copy + "-wal")
            conn = sqlite3.connect(_uri(copy, mode="ro"), uri=True)
            _recognise(conn, path, False, writable=writable)
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"{path} is not a usable archive: {exc}") from exc
    except OSError as exc:
        raise ArchiveError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _check_path(p: Path, create: bool) -> None:
    if p.is_dir():
        raise ArchiveError(f"{p} is a directory, not an archive file")
    try:
        mode = os.stat(p).st_mode
    except FileNotFoundError:
        if not create:
            raise ArchiveError(f"no archive at {p}") from None
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArchiveError(f"cannot create {p.parent}: {exc.strerror}") from exc
        return
    except OSError as exc:
        raise ArchiveError(f"cannot read {p}: {exc.strerror}") from exc
    if not stat.S_ISREG(mode):  # /dev/zero, a FIFO: SQLite would read them or write beside them
        raise ArchiveError(f"{p} is not an archive file (not a regular file)")
    if not os.access(p, os.R_OK):
        raise ArchiveError(f"cannot read {p}: Permission denied")


def _uri(path: str, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"file:{quote(os.path.abspath(path))}?{query}"


def _read_only(path: str, check: bool) -> tuple[sqlite3.Connection, bool]:
    """``mode=ro``; ``immutable=1`` where the WAL's index cannot be created (read-only media)."""
    immutable = False
    try:
        conn = sqlite3.connect(_uri(path, mode="ro"), uri=True, timeout=30)
        try:
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            conn.close()
            if os.access(os.path.dirname(os.path.abspath(path)), os.W_OK) and os.access(path, os.W_OK):
                raise  # a writable place: the error is not about read-only media
            conn = sqlite3.connect(_uri(path, mode="ro", immutable="1"), uri=True)
            immutable = True
        _recognise(conn, path, check, writable=False)
        conn.execute("PRAGMA query_only = ON")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"{path} is not a usable archive: {exc}") from exc
    return conn, immutable


def _writable(path: str, check: bool) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path, timeout=30)
        _recognise(conn, path, check, writable=True)
        if path != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn)
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"{path} is not a usable archive: {exc}") from exc
    return conn


def _recognise(conn: sqlite3.Connection, name: str, check: bool, writable: bool) -> None:
    """Refuse what is not an archive of this code's schema, before anything is written.

    :param writable: True when an empty file may become a new archive.
    """
    try:
        objects = conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        conn.close()
        if getattr(exc, "sqlite_errorcode", None) == SQLITE_CORRUPT:
            raise ArchiveError(f"{name} is damaged ({exc}): restore it from a backup") from exc
        raise ArchiveError(f"{name} is not a usable archive: {exc}") from exc
    if check:
        try:
            problem = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            problem = str(exc)
        if problem != "ok":
            problem = " ".join(problem.replace("*** in database main ***", "").split())  # one line
            conn.close()
            raise ArchiveError(f"{name} is damaged ({problem}): restore it from a backup")
    if not objects and writable:
        return  # a new archive
    try:
        archive, version = is_archive(conn), archive_version(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise ArchiveError(f"{name} is damaged ({exc}): restore it from a backup") from exc
    if not archive:
        conn.close()
        what = "an empty file" if not objects else "another program's SQLite database"
        raise ArchiveError(f"{name} is not a g60crawler archive ({what}); nothing was changed")
    if version > LATEST_VERSION:
        conn.close()
        raise ArchiveError(f"{name} has schema version {version}, newer than this g60crawler knows "
                           f"({LATEST_VERSION}): upgrade g60crawler to use it")
    if not writable and version < LATEST_VERSION:
        conn.close()
        raise ArchiveError(f"{name} has schema version {version}, older than this g60crawler's "
                           f"({LATEST_VERSION}): a crawl or `g60crawler reparse` upgrades it")
