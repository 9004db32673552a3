"""Project commands for `scrapy`: `crawl` with meaningful exit statuses."""
