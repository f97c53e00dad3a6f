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


# ---------------------------------------------------------------------------------------------------- act: resources


class ResourceKind(StrEnum):
    """What can be taken down or referred: a whole site, a channel, one listing, one vendor account, one wallet."""

    SITE = "site"
    CHANNEL = "channel"
    LISTING = "listing"
    VENDOR = "vendor"
    WALLET = "wallet"


class ResourceState(StrEnum):
    """The lifecycle of a resource, in order; the last two are outcomes of offline verification."""

    IDENTIFIED = "identified"
    EVIDENCE_COMPLETE = "evidence_complete"
    REFERRED = "referred"
    TAKEDOWN_REQUESTED = "takedown_requested"
    OFFLINE_VERIFIED = "offline_verified"
    STILL_ONLINE = "still_online"


class Transition(BaseModel):
    """One step of a resource's history: who moved it where, when and why."""

    at: datetime = Field(default_factory=utcnow)
    state: ResourceState
    by: str | None = None
    note: str | None = None


class Check(BaseModel):
    """One offline-verification check of one URL: what answered (or why nothing did), kept as evidence."""

    at: datetime = Field(default_factory=utcnow)
    url: str
    outcome: Literal["online", "removed", "unreachable", "inconclusive"]
    status: int | None = None
    detail: str  # in an analyst's words: "HTTP 404", "connection refused", "the proxy could not reach the host"
    evidence: Evidence | None = None  # the WARC record of the answer, when there was one
    run_id: str | None = None


class Resource(BaseModel):
    """A site, channel, listing, vendor account or wallet under a case, with its lifecycle, owner and notes.

    The id is `<kind>:<ref>` (`listing:market_a:1234567`, `wallet:bc1q…`), so making the same thing a resource
    twice finds the one that exists."""

    id: str
    kind: ResourceKind
    ref: str  # listing or vendor key, source name (site, channel), normalised wallet address
    title: str | None = None
    site: str | None = None
    case: str | None = None  # case number or name: resources of one case travel together in exports
    state: ResourceState = ResourceState.IDENTIFIED
    owner: str | None = None
    notes: list[str] = Field(default_factory=list)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    urls: list[str] = Field(default_factory=list)  # where it is reachable: what takedown notices name and checks fetch
    item_ids: list[str] = Field(default_factory=list)  # the listings, posts and vendor profiles it covers
    history: list[Transition] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)  # comebacks: "came back at <url>", "same vendor as <account>"
