"""Sources are configuration: `config/sources.yaml` says what to crawl and how to read it.

An analyst adds a market with a new layout by writing selectors here, not code. Everything is validated with
pydantic before the first request, and errors name the file, the source and the field. Secrets never live in
the file: a form field names an environment variable (or a key of a secrets file) to read its value from.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

if TYPE_CHECKING:
    from apscheduler.triggers.base import BaseTrigger

DEFAULT_CONFIG = Path("config/sources.yaml")
_ENV_REF = re.compile(r"\$\{([A-Z0-9_]+)(?::-([^}]*))?\}")


class ConfigError(ValueError):
    """Configuration that cannot be used; the message is meant for the analyst who wrote it."""


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from None
    return pattern


def _one_group(pattern: str) -> str:
    """Spiders take group 1 as the site's own id: a pattern without exactly one group cannot work."""
    if re.compile(_compiles(pattern)).groups != 1:
        raise ValueError("the id pattern needs exactly one (group) around the number or name it identifies")
    return pattern


Regex = Annotated[str, AfterValidator(_compiles)]
IdPattern = Annotated[str, AfterValidator(_one_group)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Selector(Strict):
    """Where a value is on a page. A bare string in YAML is a CSS selector; XPath starts with `/` or `(`.

    `attr` takes an attribute instead of text; `all` joins every match (with `join`) instead of the first;
    `re` keeps the first group of a regular expression applied to the result.
    """

    css: str | None = None
    xpath: str | None = None
    attr: str | None = None
    all: bool = False
    join: str = " "
    re: Regex | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"xpath": value} if value.startswith(("/", "(")) else {"css": value}
        return value

    @model_validator(mode="after")
    def _one_of(self) -> Selector:
        if bool(self.css) == bool(self.xpath):
            raise ValueError("give exactly one of css or xpath")
        return self


class Links(Strict):
    """Links to follow: anchors matched by `css`/`xpath`, kept if their URL matches `allow` and not `deny`."""

    css: str | None = None
    xpath: str | None = None
    allow: list[Regex] = Field(default_factory=list)
    deny: list[Regex] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"css": value} if isinstance(value, str) else value


class ListingFields(Strict):
    title: Selector
    description: Selector | None = None
    price: Selector | None = None
    vendor: Selector | None = None
    vendor_link: Selector | None = None
    ships_from: Selector | None = None
    ships_to: Selector | None = None
    category: Selector | None = None


class VendorFields(Strict):
    name: Selector
    pgp_key: Selector | None = None
    feedback: Selector | None = None
    contacts: Selector | None = None
    profile: Selector | None = None


class ListingPages(Strict):
    """How listings are found and read. `id` pulls the site's own listing number out of the URL, so the same
    listing on a mirror host (or with a different query string) is one listing."""

    links: Links
    id: IdPattern = Field(description="regular expression with one group, applied to the listing URL")
    fields: ListingFields
    currency: str | None = Field(None, description="currency when the price text has no symbol")


class VendorPages(Strict):
    links: Links
    id: IdPattern = Field(description="regular expression with one group, applied to the vendor URL")
    fields: VendorFields


class ForumPages(Strict):
    boards: Links
    threads: Links
    pagination: Links | None = None
    post: str = Field(description="CSS selector of one post's container")
    post_id: Selector
    author: Selector | None = None
    author_link: Selector | None = None
    date: Selector | None = None
    text: Selector
    thread_title: Selector | None = None
    thread_id: IdPattern = Field(description="regular expression with one group, applied to the thread URL")


class ChannelPages(Strict):
    """Telegram-style public previews (t.me/s/<channel>): newest first, older posts by `?before=<id>`."""

    channels: list[str] = Field(min_length=1)
    message: str = "div.tgme_widget_message[data-post]"
    post_id: Selector = Selector(css="::attr(data-post)", re=r"/(\d+)$")
    date: Selector = Selector(css="a.tgme_widget_message_date time::attr(datetime)")
    views: Selector = Selector(css="span.tgme_widget_message_views::text")
    forwarded_from: Selector = Selector(css=".tgme_widget_message_forwarded_from_name", all=True)
    author: Selector = Selector(css="a.tgme_widget_message_owner_name", all=True)
    channel_title: Selector = Selector(css="div.tgme_channel_info_header_title", all=True)
    text: Selector = Selector(css="div.tgme_widget_message_text", all=True, join="\n")
    links: Selector = Selector(css="div.tgme_widget_message_text a::attr(href)", all=True, join="\n")
    before_param: str = "before"


class Secret(Strict):
    """A value read at run time from the environment or from the secrets file, never written in config."""

    env: str


class Captcha(Strict):
    mode: Literal["none", "manual", "command"] = "none"
    image: Selector | None = Field(None, description="the CAPTCHA image (img src or inline svg) on the login page")
    field: str = "captcha"
    command: list[str] | None = Field(
        None, description="solver: run with the image bytes on stdin, prints the answer; {id} is the challenge id"
    )
    challenge_id: Selector | None = None
    attempts: int = Field(3, ge=1, le=20)

    @model_validator(mode="after")
    def _complete(self) -> Captcha:
        if self.mode == "command" and not self.command:
            raise ValueError("mode 'command' needs a command (a list: program and arguments)")
        if self.mode != "none" and self.image is None and self.challenge_id is None:
            raise ValueError(f"mode {self.mode!r} needs an image or challenge_id selector")
        return self


class Auth(Strict):
    login_url: str
    form: str = Field("form", description="CSS selector of the login form")
    fields: dict[str, Secret | str] = Field(description="form field name → secret (or a fixed value)")
    captcha: Captcha = Captcha()
    logged_in: Selector = Field(description="present on a page only when the session is logged in")
    expired: list[str] = Field(
        default_factory=list, description="regular expressions: a redirect to a URL matching one means re-login"
    )


class Rate(Strict):
    concurrency: int = Field(8, ge=1, le=256)
    delay: float = Field(0.0, ge=0)
    autothrottle: bool = True
    target_concurrency: float = Field(4.0, gt=0)


class Limits(Strict):
    """Crawl-trap bounds: how deep, how many pages in all, how many per URL pattern."""

    depth: int = Field(8, ge=1)
    pages: int = Field(200_000, ge=1)
    per_pattern: dict[str, int] = Field(default_factory=dict)
    max_size: int = Field(16 * 2**20, ge=1024)
    warn_size: int = Field(4 * 2**20, ge=1024)
    timeout: float = Field(30.0, gt=0)


class Browser(Strict):
    wait_for: str | None = Field(None, description="CSS selector to wait for before the page counts as rendered")
    scroll_until: str | None = Field(None, description="infinite scroll: stop when this selector appears")
    scroll_items: str | None = Field(None, description="infinite scroll: stop when the count of these stops growing")
    scroll_on: list[str] = Field(default_factory=list, description="scroll only pages whose URL matches one")
    max_scrolls: int = Field(200, ge=0)
    settle_ms: int = Field(150, ge=0)
    timeout_ms: int = Field(20_000, ge=1000)
    screenshot: bool = True


_DURATION_PART = re.compile(r"(\d+)\s*([dhms])")
_DURATION_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def parse_duration(text: str) -> timedelta:
    """"6h", "90s", "1d2h", "1h 30m": days, hours, minutes and seconds, in that notation only."""
    compact = text.strip().lower()
    if not compact or _DURATION_PART.sub("", compact).strip():
        raise ValueError(f"{text!r} is not a duration; write it like 6h, 30m, 90s or 1d2h")
    return timedelta(seconds=sum(int(n) * _DURATION_UNITS[u] for n, u in _DURATION_PART.findall(compact)))


def _weekday(token: str) -> int:
    if token.isdigit() and int(token) <= 7:
        return int(token)
    if token[:3] in _WEEKDAYS and len(token) == 3:
        return _WEEKDAYS.index(token)
    raise ValueError(f"{token!r} is not a weekday (0-7, 0 and 7 are Sunday, or sun, mon, …)")


def crontab_weekdays(field: str) -> str:
    """The crontab weekday field as APScheduler 3 reads it. APScheduler 3 numbers Monday 0 where crontab numbers
    Sunday 0, so "0 3 * * 1" would run on Tuesdays: every day is spelled out by name instead."""
    if field == "*":
        return field
    days: set[int] = set()
    for part in field.lower().split(","):
        span, _, step = part.partition("/")
        if (step and not step.isdigit()) or step == "0":
            raise ValueError(f"weekday step {step!r} must be a positive number")
        first, _, last = span.partition("-")
        lo, hi = (0, 6) if span == "*" else (_weekday(first), _weekday(last) if last else None)
        hi = hi if hi is not None else (6 if step else lo)
        if hi < lo:
            raise ValueError(f"weekday range {span!r} runs backwards")
        days.update(d % 7 for d in range(lo, hi + 1, int(step or 1)))
    return ",".join(_WEEKDAYS[d] for d in sorted(days))


class Schedule(Strict):
    """When `narcwatch schedule run` crawls the source: every `interval` ("6h", "30m", "1d2h") or at the times
    of a 5-field crontab `cron` ("0 3 * * *": 03:00 daily), in `timezone`. `jitter` delays each start by up to that
    long at random, so sources sharing a schedule do not all start at the same second."""

    interval: str | None = None
    cron: str | None = None
    timezone: str = "UTC"
    jitter: str | None = None

    @field_validator("interval", "jitter")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is not None and parse_duration(value) <= timedelta(0):
            raise ValueError(f"{value!r} must be longer than zero")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; use a name such as UTC or Europe/Berlin") from None
        return value

    @model_validator(mode="after")
    def _one_of(self) -> Schedule:
        if (self.interval is None) == (self.cron is None):
            raise ValueError("give exactly one of interval (e.g. 6h) or cron (e.g. '0 3 * * *')")
        if self.cron is not None:
            try:
                self.trigger()
            except ValueError as exc:
                raise ValueError(f"cron {self.cron!r} is not a crontab expression (minute hour day month weekday, "
                                 f"e.g. '0 3 * * *'): {exc}") from None
        return self

    def trigger(self) -> BaseTrigger:
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        jitter = int(parse_duration(self.jitter).total_seconds()) if self.jitter else None
        if self.interval is not None:
            return IntervalTrigger(seconds=parse_duration(self.interval).total_seconds(), timezone=self.timezone,
                                   jitter=jitter)
        fields = (self.cron or "").split()
        if len(fields) != 5:
            raise ValueError(f"it has {len(fields)} fields, not 5")
        minute, hour, day, month, weekday = fields
        return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=crontab_weekdays(weekday),
                           timezone=self.timezone, jitter=jitter)

    def describe(self) -> str:
        """What an analyst wrote, in one line: the job's name in the scheduler, and how a change is noticed."""
        when = f"every {self.interval}" if self.interval is not None else f"cron {self.cron}"
        return when + (f" {self.timezone}" if self.timezone != "UTC" else "") + \
            (f" jitter {self.jitter}" if self.jitter else "")


class Source(Strict):
    name: str
    kind: Literal["market", "shop", "forum", "channel"]
    title: str | None = None
    start_urls: list[str] = Field(min_length=1)
    mirrors: list[str] = Field(default_factory=list, description="other hosts serving the same site")
    proxy: str | None = None
    render: Literal["http", "browser"] = "http"
    browser: Browser = Browser()
    auth: Auth | None = None
    follow: list[Links] = Field(default_factory=list, description="category and list pages to walk")
    pagination: Links | None = None
    listings: ListingPages | None = None
    vendors: VendorPages | None = None
    forum: ForumPages | None = None
    channel: ChannelPages | None = None
    rate: Rate = Rate()
    limits: Limits = Limits()
    user_agent: str | None = None
    schedule: Schedule | None = Field(None, description="when `narcwatch schedule run` crawls it; never if unset")

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,40}", name):
            raise ValueError("use lowercase letters, digits and _ (starting with a letter, at most 41): it names files")
        return name

    @field_validator("proxy")
    @classmethod
    def _socks_only(cls, proxy: str | None) -> str | None:
        if proxy in (None, "", "none"):
            return None
        parts = urlsplit(proxy)
        if parts.scheme != "socks5h":
            raise ValueError("proxy must be a socks5h:// URL (names resolved by the proxy), or none")
        if not parts.hostname or not parts.port:
            raise ValueError("proxy needs a host and a port, e.g. socks5h://127.0.0.1:9050")
        return proxy

    @field_validator("start_urls", "mirrors", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        """A string (often from an environment variable) may hold several URLs separated by spaces."""
        return value.split() if isinstance(value, str) else value

    @field_validator("start_urls", "mirrors")
    @classmethod
    def _http_urls(cls, urls: list[str]) -> list[str]:
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"{url!r} is not an http(s) URL")
        return urls

    @model_validator(mode="after")
    def _consistent(self) -> Source:
        hosts = [urlsplit(u).hostname or "" for u in [*self.start_urls, *self.mirrors]]
        if self.proxy is None and any(h.endswith((".onion", ".i2p")) for h in hosts):
            raise ValueError("onion addresses need a proxy: set proxy to the Tor SOCKS port (socks5h://...)")
        needs = {"market": "listings", "shop": "listings", "forum": "forum", "channel": "channel"}[self.kind]
        if getattr(self, needs) is None:
            raise ValueError(f"a {self.kind} source needs a '{needs}' section")
        if self.auth and self.auth.captcha.mode == "manual" and self.render == "browser":
            raise ValueError("manual CAPTCHA is supported for http sources only")
        return self

    @property
    def hosts(self) -> list[str]:
        seen: dict[str, None] = {}
        for url in [*self.start_urls, *self.mirrors]:
            seen[(urlsplit(url).hostname or "").lower()] = None
        return list(seen)


class Defaults(Strict):
    secrets_file: str | None = Field(None, description="KEY=value lines; environment variables take precedence")
    env_file: str | None = Field(None, description="KEY=value lines for ${VAR} in this file (environment wins)")


class SourcesFile(Strict):
    defaults: Defaults = Defaults()
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> SourcesFile:
        names = [s.name for s in self.sources]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"source names must be unique; repeated: {', '.join(dupes)}")
        return self

    def select(self, names: list[str] | None) -> list[Source]:
        if not names:
            return list(self.sources)
        known = {s.name: s for s in self.sources}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ConfigError(f"unknown source(s) {', '.join(unknown)}; configured: {', '.join(known)}")
        return [known[n] for n in names]


def _expand(value: Any, path: str, file: Path, env: dict[str, str]) -> Any:
    """`${VAR}` / `${VAR:-default}` in strings, so ports and proxy addresses can come from the environment."""
    if isinstance(value, dict):
        return {k: _expand(v, f"{path}.{k}" if path else str(k), file, env) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, f"{path}[{i}]", file, env) for i, v in enumerate(value)]
    if isinstance(value, str):

        def sub(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            if name in env:
                return env[name]
            if default is not None:
                return default
            raise ConfigError(f"{file}: {path}: variable {name} is not set (environment or defaults.env_file)")

        return _ENV_REF.sub(sub, value)
    return value


def _location(loc: tuple[Any, ...], raw: dict[str, Any]) -> str:
    """Turn pydantic's ('sources', 2, 'auth', ...) into "source 'market_b': auth.…"."""
    if len(loc) >= 2 and loc[0] == "sources" and isinstance(loc[1], int):
        sources = raw.get("sources") or []
        name = sources[loc[1]].get("name") if loc[1] < len(sources) and isinstance(sources[loc[1]], dict) else None
        rest = ".".join(str(p) for p in loc[2:]) or "(source)"
        return f"source {name!r}: {rest}" if name else f"source #{loc[1] + 1}: {rest}"
    return ".".join(str(p) for p in loc) or "(top level)"


def load_sources(path: Path | str = DEFAULT_CONFIG) -> SourcesFile:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read sources config: {exc.strerror or exc}") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping with a 'sources' list")
    env = dict(os.environ)
    env_file = (raw.get("defaults") or {}).get("env_file") if isinstance(raw.get("defaults"), dict) else None
    if env_file:
        env_path = Path(_expand(env_file, "defaults.env_file", path, env))
        if not env_path.exists():
            raise ConfigError(f"{path}: defaults.env_file: {env_path} does not exist (is the test range running?)")
        env = {**_read_pairs(env_path), **env}
    raw = _expand(raw, "", path, env)
    try:
        return SourcesFile.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            msg = err["msg"].removeprefix("Value error, ")
            lines.append(f"{path}: {_location(err['loc'], raw)}: {msg}")
        raise ConfigError("\n".join(lines)) from None


def read_secrets_file(path: Path | None) -> dict[str, str]:
    if path is None or not path.exists():
        return {}
    if path.stat().st_mode & 0o077:
        raise ConfigError(f"{path}: secrets file is readable by other users; run chmod 600 {path}")
    return _read_pairs(path)


def _read_pairs(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip().strip("'\"")
    return values


class Secrets:
    """Resolves `Secret` references: environment first, then the secrets file. Values never reach logs."""

    def __init__(self, secrets_file: Path | None = None) -> None:
        self._file = read_secrets_file(secrets_file)

    def resolve(self, source: Source, field: str, ref: Secret | str) -> str:
        if isinstance(ref, str):
            return ref
        value = os.environ.get(ref.env, self._file.get(ref.env))
        if value is None:
            raise ConfigError(
                f"source {source.name!r}: auth.fields.{field}: set environment variable {ref.env} "
                "(or put it in the secrets file)"
            )
        return value

    def check(self, source: Source) -> None:
        """Fail before any request if a credential is missing."""
        if source.auth:
            problems = []
            for field, ref in source.auth.fields.items():
                try:
                    self.resolve(source, field, ref)
                except ConfigError as exc:
                    problems.append(str(exc))
            if problems:
                raise ConfigError("\n".join(problems))
