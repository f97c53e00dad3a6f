"""Spiders, one per kind of source; each is configured by a `Source` from config/sources.yaml."""

from crawlers.spiders.base import SourceSpider
from crawlers.spiders.channel import ChannelSpider
from crawlers.spiders.forum import ForumSpider
from crawlers.spiders.listings import ListingSpider

SPIDERS: dict[str, type[SourceSpider]] = {
    "market": ListingSpider, "shop": ListingSpider, "forum": ForumSpider, "channel": ChannelSpider,
}


def spider_for(kind: str) -> type[SourceSpider]:
    return SPIDERS[kind]
