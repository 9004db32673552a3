"""Attachment files, stored once by content hash under the archive's folder (a part of Archive)."""

from __future__ import annotations

import hashlib
import json
import os
import re
from urllib.parse import urlsplit

from ..items import AttachmentFile
from .errors import ArchiveError


class AttachmentStore:
    """``attachment_files`` and ``article_attachments``: a base of :class:`g60crawler.archive.Archive`."""

    def store_attachment(self, version_id: int, attachment: AttachmentFile) -> None:
        """Keep an attachment: its file once per content under ``attachments/``, a row per version.

        The file is written (atomically) before its row, so a crash leaves at
        worst an unreferenced file, never a row pointing at nothing. A file that
        cannot be written raises :class:`ArchiveError`, as a failed database write
        does: the caller rolls the batch back.
        """
        digest = None
        if attachment.status == "stored" and attachment.body is not None:
            digest = hashlib.sha256(attachment.body).hexdigest()
            if not self.conn.execute("SELECT 1 FROM attachment_files WHERE sha256 = ?", (digest,)).fetchone():
                relative = self._write_file(digest, attachment.url, attachment.body)
                self.conn.execute(
                    "INSERT INTO attachment_files (sha256, size, mime, path, first_stored) VALUES (?, ?, ?, ?, ?)",
                    (digest, len(attachment.body), attachment.mime, relative, self.now()))
        self.conn.execute(
            "INSERT INTO article_attachments (version_id, url, name, status, sha256, size, mime, reason, headers, "
            "fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(version_id, url) DO UPDATE SET "
            "name = excluded.name, status = excluded.status, sha256 = excluded.sha256, size = excluded.size, "
            "mime = excluded.mime, reason = excluded.reason, headers = excluded.headers, fetched_at = excluded.fetched_at",
            (version_id, attachment.url, attachment.name, attachment.status, digest, attachment.size, attachment.mime,
             attachment.reason, json.dumps(attachment.headers, ensure_ascii=False), attachment.fetched_at))

    def _write_file(self, digest: str, url: str, body: bytes) -> str:
        """Write a content-addressed file; returns its path relative to the archive's folder.

        The name is the hash (plus the URL's extension, for people opening the folder):
        nothing of the URL's path reaches the file system.
        """
        if self.files_dir is None:
            raise ArchiveError("an in-memory archive cannot store attachment files")
        ext = os.path.splitext(urlsplit(url).path)[1].lower()
        ext = ext if re.fullmatch(r"\.[a-z0-9]{1,5}", ext) else ""
        target = self.files_dir / digest[:2] / f"{digest}{ext}"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
                try:
                    tmp.write_bytes(body)
                    os.replace(tmp, target)
                except OSError:  # a full disk: no half-written file left behind
                    tmp.unlink(missing_ok=True)
                    raise
        except OSError as exc:  # disk full, permissions, a file where a folder should be
            raise ArchiveError(f"cannot write attachment file {target}: {exc.strerror or exc}") from exc
        return str(target.relative_to(self.files_dir.parent))

    def attachments(self, version_id: int) -> list[dict]:
        """The attachments of an article version, with where their files are."""
        return list(self.db.query(
            "SELECT t.url, t.name, t.status, t.sha256, t.size, t.mime, t.reason, f.path FROM article_attachments t "
            "LEFT JOIN attachment_files f ON f.sha256 = t.sha256 WHERE t.version_id = ? ORDER BY t.id", (version_id,)))
