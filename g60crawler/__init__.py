"""g60crawler: crawl and archive the G60 channel of 中国发展网."""

__version__ = "0.1.0"
