"""Extraction: pure functions of (URL, bytes, headers), importable without Scrapy."""
