"""The web view: a Datasette plugin (Chinese search functions) and the archive's metadata."""
