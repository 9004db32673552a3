"""The archive as a library: schema and migrations, store (dedup, versions, captures)."""

from .store import Archive, ArchiveError

__all__ = ["Archive", "ArchiveError"]
