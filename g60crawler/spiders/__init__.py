"""Spiders: crawl policy only (what to fetch, in what order, when to stop)."""
