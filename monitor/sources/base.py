"""The source contract: a kind declares its options, how to fetch, and a pure parser."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict

from monitor.countries import derived
from monitor.errors import ParseError
from monitor.types import Item, iso, parse_iso

if TYPE_CHECKING:
    from datetime import datetime


# The extra under which `parse_fetched` hands the time of the fetch (ISO UTC) to `parse`, for
# parsers that need a reference time (a notice's "until 31 December" needs its year).
FETCHED_AT = "fetched_at"


class SourceOptions(BaseModel):
    """Kind-specific options; they sit inline in the `[[sources]]` table."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True, slots=True)
class Response:
    """One HTTP response as the sources see it (httpx stays inside monitor.http)."""

    url: str
    status: int
    body: bytes
    headers: Mapping[str, str]
    not_modified: bool = False

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


class Http(Protocol):
    """What a source may ask of the shared HTTP client."""

    def get(self, url: str, *, headers: Mapping[str, str] | None = None,
            params: Mapping[str, str] | None = None, etag: str | None = None,
            last_modified: str | None = None,
            expect: Sequence[str] = ()) -> Response: ...

    def post(self, url: str, *, data: Mapping[str, str] | None = None,
             headers: Mapping[str, str] | None = None,
             expect: Sequence[str] = ()) -> Response: ...


@dataclass(frozen=True, slots=True)
class Validators:
    """Conditional-GET validators remembered from the previous successful fetch."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class Fetched:
    """What one fetch produced: the bodies to parse and the validators for next time."""

    url: str
    pages: tuple[bytes, ...] = ()
    extra: Mapping[str, bytes] = field(default_factory=dict)
    validators: Validators = Validators()
    not_modified: bool = False
    fetched_at: datetime | None = None   # `parse` gets it as extra[FETCHED_AT]
    dropped: int = 0                     # bytes read whose bodies were let go (`lightened`)

    @property
    def size(self) -> int:
        """Bytes read, the bodies let go included."""
        return (self.dropped + sum(len(p) for p in self.pages)
                + sum(len(b) for b in self.extra.values()))

    def lightened(self, *, keep_extra: bool = False) -> Fetched:
        """This fetch without its pages (and extras unless `keep_extra`), its size and
        validators kept: what a run needs of bodies it has parsed or will not parse, so that
        a batch does not hold them all."""
        extra = self.extra if keep_extra else {}
        return replace(self, pages=(), extra=extra,
                       dropped=self.size - sum(len(b) for b in extra.values()))


@dataclass(frozen=True, slots=True)
class Region:
    """The part of a fetch the parser reads, reduced to what decides its items: a digest of
    its normalised text (equal digests: equal items, so nothing needs parsing) and the text's
    length (a region that shrank to a fifth of its last good read has lost its content)."""

    digest: str
    chars: int


class Source:
    """Base of every source kind. Subclasses set `kind`, `Options`, `default_url`, `parse`.

    `fetch` does network I/O only through the `Http` it is given; `parse` is pure:
    bytes in, items out, ParseError when the body lost its expected shape.
    """

    kind: ClassVar[str]
    Options: ClassVar[type[SourceOptions]] = SourceOptions
    default_url: ClassVar[str | None] = None
    # Content types the primary body may have; anything else is "blocked / not what we asked".
    expect: ClassVar[tuple[str, ...]] = ()
    # Extras (`Fetched.extra` names) the store keeps and hands back through `restore` when a
    # process starts, for a source that falls back on the last good one when it is missing.
    remembers: ClassVar[tuple[str, ...]] = ()

    def __init__(self, name: str, url: str | None = None,
                 options: SourceOptions | None = None) -> None:
        self.name = name
        resolved = url or self.default_url
        if not resolved:
            raise ValueError(f"source kind {self.kind} needs a url")
        self.url: str = resolved
        self.options = options if options is not None else self.Options()

    def disabled_reason(self) -> str | None:
        """Why this source cannot run as configured (e.g. empty credentials), else None."""
        return None

    def restore(self, kept: Mapping[str, bytes]) -> None:
        """The last kept bodies of the extras in `remembers`, given once at start."""

    def fetch(self, http: Http, validators: Validators, *, now: datetime) -> Fetched:
        """Default: one conditional GET of `self.url`."""
        response = http.get(self.url, etag=validators.etag,
                            last_modified=validators.last_modified, expect=self.expect)
        if response.not_modified:
            return Fetched(url=response.url, not_modified=True, validators=validators)
        return Fetched(
            url=response.url, pages=(response.body,),
            validators=Validators(etag=response.headers.get("etag"),
                                  last_modified=response.headers.get("last-modified")),
            fetched_at=now,
        )

    def region(self, fetched: Fetched) -> Region | None:
        """The watched region of a fetch, cheaply (no full parse). None: this kind has no
        cheap path and every changed body is parsed. Raises ParseError when the region is
        gone (the same verdict `parse` would give)."""
        return None

    def parse(self, body: bytes, *, url: str,
              extra: Mapping[str, bytes] | None = None) -> list[Item]:
        raise NotImplementedError

    def parse_fetched(self, fetched: Fetched) -> list[Item]:
        """Parse every page of a fetch; the same key twice keeps the first. The fetch's time
        goes along as extra[FETCHED_AT] (the parser stays pure: the time is an input)."""
        items: dict[str, Item] = {}
        extra = fetched.extra
        if fetched.fetched_at is not None:
            extra = {**extra, FETCHED_AT: (iso(fetched.fetched_at) or "").encode()}
        for page in fetched.pages:
            for item in self.parse(page, url=fetched.url, extra=extra):
                if item.key not in items:  # with its derived fields, as the store keeps it
                    items[item.key] = derived(item)
        return list(items.values())


def fetched_time(extra: Mapping[str, bytes] | None) -> datetime | None:
    """The fetch time `parse_fetched` passes in extra[FETCHED_AT]; None when absent or bad
    (`monitor parse` of a saved body, unless given `--extra fetched_at=FILE`)."""
    raw = (extra or {}).get(FETCHED_AT)
    try:
        return parse_iso(raw.decode("ascii").strip()) if raw else None
    except (UnicodeDecodeError, ValueError):
        return None


def require(condition: object, message: str, *, url: str = "") -> None:
    """Raise ParseError with an operator-readable message when an anchor is missing."""
    if not condition:
        raise ParseError(f"layout changed: {message}" + (f" ({url})" if url else ""), url=url)
