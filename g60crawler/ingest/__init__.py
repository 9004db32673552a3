"""Extract, then store: re-extraction of stored captures (reparse) and WARC import.

This layer sits above both extraction (``pages``, ``assemble``) and the
archive library, which only stores and reads; the archive never imports
extraction code.
"""
