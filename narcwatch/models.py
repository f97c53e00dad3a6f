"""The one data model every stage shares: crawl → understand → index → act.

Crawlers yield these objects as Scrapy items (itemadapter understands pydantic models), later stages enrich
and store them. Keys are host-independent (`source:native_id`), so a listing seen on two mirrors is one
listing, and re-indexing the same object is idempotent.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


def utcnow() -> datetime:
    return datetime.now(UTC)


class Evidence(BaseModel):
    """Where the bytes behind an item are preserved, and the hashes that prove they were not changed."""

    model_config = ConfigDict(frozen=True)

    url: str
    warc_file: str  # file name inside the run's evidence folder
    record_id: str  # WARC-Record-ID of the response (or resource) record
    request_record_id: str | None = None
    offset: int  # byte offset of the record's gzip member in warc_file
    length: int  # compressed length of that member
    payload_sha256: str  # hex SHA-256 of the HTTP payload (what WARC-Payload-Digest states in base32)
    block_sha256: str  # hex SHA-256 of the record block (HTTP headers + payload)
    status: int | None = None
    fetched_at: datetime
    rendered: bool = False  # body is the DOM after JavaScript ran in a browser
    screenshot_record_id: str | None = None
    screenshot_sha256: str | None = None


class Money(BaseModel):
    amount: float
    currency: str | None = None  # ISO 4217 or a crypto ticker; None when the page did not say


class ChangeKind(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    REAPPEARED = "reappeared"
    VANISHED = "vanished"


class Crawled(BaseModel):
    """Fields every crawled object carries: provenance first."""

    source: str  # name of the configured source
    key: str  # stable id: "<source>:<native id>", the same on every mirror
    url: str  # where it was fetched this time
    fetched_at: datetime = Field(default_factory=utcnow)
    run_id: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    parse_warnings: list[str] = Field(default_factory=list)  # fields a selector did not find, malformed markup


class Listing(Crawled):
    kind: Literal["listing"] = "listing"
    native_id: str
    title: str | None = None
    description: str | None = None
    price_text: str | None = None
    price: Money | None = None
    vendor: str | None = None
    vendor_url: str | None = None
    ships_from: str | None = None
    ships_to: str | None = None
    category: str | None = None  # the site's own category label
    change: ChangeKind | None = None  # set by the history pipeline
    changed_fields: list[str] = Field(default_factory=list)


class Vendor(Crawled):
    kind: Literal["vendor"] = "vendor"
    name: str
    pgp_key: str | None = None  # ASCII-armoured public key block as published
    feedback: str | None = None
    contacts: list[str] = Field(default_factory=list)  # contact lines as written; NLP extracts identifiers
    profile_text: str | None = None


class Post(Crawled):
    """A forum post or a channel message."""

    kind: Literal["post"] = "post"
    channel: str | None = None  # channel handle or forum board
    native_id: str
    thread: str | None = None
    title: str | None = None  # thread title for forum posts
    author: str | None = None
    author_url: str | None = None
    posted_at: datetime | None = None
    views: int | None = None
    forwarded_from: str | None = None
    text: str = ""
    links: list[str] = Field(default_factory=list)


Item = Listing | Vendor | Post
