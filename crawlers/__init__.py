"""Crawl stage: config-driven Scrapy spiders that collect listings, vendors and posts with evidence."""
