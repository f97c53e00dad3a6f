"""Crawl stage: a Scrapy project whose spiders are driven by config/sources.yaml.

Scrapy's cookie middleware asks tldextract for the public suffix list, which by default downloads it from
publicsuffix.org on first use. A monitoring crawler must not make requests its operator did not configure
(and on an isolated analysis host it cannot), so the copy bundled with tldextract is used instead.
"""

from scrapy.downloadermiddlewares import cookies as _cookies
from tldextract import TLDExtract

_cookies._split_domain = TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)
