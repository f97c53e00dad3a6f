"""Request fingerprints that treat a site's mirror hosts as one site, so a listing is fetched once."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.utils.request import RequestFingerprinter


class MirrorFingerprinter(RequestFingerprinter):
    """`NARCWATCH_HOST_ALIASES` maps each mirror host to the site's canonical host before fingerprinting."""

    def __init__(self, crawler: Crawler | None = None) -> None:
        super().__init__(crawler)
        aliases = crawler.settings.getdict("NARCWATCH_HOST_ALIASES") if crawler else {}
        self.aliases = {k.lower(): v.lower() for k, v in aliases.items()}

    def fingerprint(self, request: Request) -> bytes:
        parts = urlsplit(request.url)
        canonical = self.aliases.get((parts.hostname or "").lower())
        if canonical and parts.hostname:
            netloc = parts.netloc.replace(parts.hostname, canonical, 1)
            request = request.replace(url=urlunsplit(parts._replace(netloc=netloc)))
        return super().fingerprint(request)
