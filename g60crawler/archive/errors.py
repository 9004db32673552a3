"""The archive's error for problems the user can act on."""


class ArchiveError(Exception):
    """A problem with the archive file the user can act on (wrong path, not an archive)."""
