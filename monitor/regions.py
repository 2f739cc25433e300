"""The watched region of a fetch, cheaply: selected, read into text and structure, digested.

Most airline pages send no validators and change bytes outside the notices on every request
(CSRF tokens, nonces, timestamps, rotating banners). A digest of what the parser reads lets an
unchanged region skip the parse. HTML is read with lxml directly: libxml2 builds the tree in C
without a Python object per node, and cssselect (lxml's own, long-maintained CSS-to-XPath
translator) applies the config's selector on it; on a 30 KB page that is a fraction of a
millisecond where a BeautifulSoup tree of the whole page takes tens. BeautifulSoup still reads
a region that changed (`notices.sections`), from the region's markup alone.

The digest covers more than the parser keeps, never less: text is collected with the same noise
rules as `notices.sections` (scripts, navigation, cookie banners and hidden parts never count),
headings are marked with their tag, ids and text, the text between them is kept line by line
with its spaces collapsed, and the caller mixes in the options and the URL.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import threading
import unicodedata
from datetime import UTC
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from monitor.errors import ParseError
from monitor.page_noise import BLOCKS, CONTROL_BYTES, CONTROL_CHARS, NOISE_TAGS, noise_attributes
from monitor.sources.base import Fetched, Region

if TYPE_CHECKING:
    from lxml.etree import _Element

# Tags whose markup cannot be read alone in a document's body (table parts, document parts):
# such a region is read from the whole page instead.
NOT_ALONE = frozenset({"html", "head", "body", "title", "meta", "link", "base", "script",
                       "style", "noscript", "template", "tr", "td", "th", "thead", "tbody",
                       "tfoot", "caption", "col", "colgroup", "option", "optgroup", "frameset",
                       "frame"})

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)"""
                       rb"""|^\s*<\?xml[^>]+encoding\s*=\s*["']([-\w.:]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_SPACES = re.compile(r"\s+")
_BARE_ID = re.compile(r"#([A-Za-z_][A-Za-z0-9_-]*)")
HEADING = "\x00"     # starts a heading's line in the stream; control characters are dropped
                     # from every page, so no page text can forge one


def page_text(body: bytes) -> str:
    """The page as text: its byte-order mark, else its declared charset, else UTF-8 when it
    decodes, else Windows-1252 (what browsers assume); control characters dropped as
    `notices.soup` does."""
    declared = _DECLARED.search(body[:4096])
    named = [enc for bom, enc in _BOMS if body.startswith(bom)]
    if declared:
        named.append((declared.group(1) or declared.group(2)).decode("ascii"))
    # A named encoding wins, a stray bad byte replaced (as lxml and browsers read it).
    text = next((t for t in (_decode(body, e, "replace") for e in named) if t is not None),
                None)
    if text is None:
        text = _decode(body, "utf-8", "strict") or _mostly_utf8(body) or body.decode(
            "windows-1252", "replace")
    return CONTROL_CHARS.sub("", _XML_DECLARATION.sub("", text, count=1))


def _decode(body: bytes, encoding: str, errors: str) -> str | None:
    try:
        return body.decode(encoding, errors)
    except (LookupError, UnicodeDecodeError):
        return None


def _mostly_utf8(body: bytes) -> str | None:
    """UTF-8 with its stray bad bytes replaced, when its valid multi-byte characters
    outnumber them (a damaged UTF-8 page, not a Windows-1252 one)."""
    text = body.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    wide = sum(1 for ch in text if ord(ch) > 127) - bad
    return text if wide > bad else None


def html_tree(body: bytes | str) -> _Element | None:
    """The page's element tree (lxml, lenient); None for a page without any markup."""
    from lxml import etree

    if isinstance(body, bytes):
        utf8 = _utf8_bytes(body)
        if utf8 is not None:   # most pages: libxml2 reads the bytes, no str in between
            return etree.HTML(utf8, _utf8_parser()) if utf8 else None
    text = page_text(body) if isinstance(body, bytes) else CONTROL_CHARS.sub("", body)
    if not text.strip():
        return None
    return etree.HTML(text)


def _utf8_bytes(body: bytes) -> bytes | None:
    """The body as `page_text` would read it, still in UTF-8, when it is valid UTF-8 and
    names no other encoding (no byte-order mark, no other declared charset); else None.
    Control bytes never occur inside a UTF-8 sequence, so dropping them here drops the same
    characters as `page_text` does."""
    if body.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    declared = _DECLARED.search(body[:4096])
    if declared and (declared.group(1) or declared.group(2)).lower() not in (b"utf-8", b"utf8"):
        return None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if _XML_DECLARATION.match(text):
        return None          # rare (XHTML): `page_text` drops the declaration
    cleaned = body.translate(None, CONTROL_BYTES)
    return cleaned if cleaned.decode("utf-8").strip() else b""


_parsers = threading.local()


def _utf8_parser() -> Any:
    """This thread's HTML parser for UTF-8 bytes (an lxml parser is not shared by threads)."""
    parser = getattr(_parsers, "utf8", None)
    if parser is None:
        from lxml import etree

        parser = _parsers.utf8 = etree.HTMLParser(encoding="utf-8")
    return parser


@lru_cache(maxsize=256)
def selector_xpath(selector: str) -> Any | None:
    """The CSS selector as a compiled XPath over HTML; None when cssselect cannot express it
    (a soupsieve extension such as `:-soup-contains`), and the caller reads the whole page."""
    import cssselect
    from lxml import etree

    try:
        return etree.XPath(cssselect.HTMLTranslator().css_to_xpath(selector))
    except (cssselect.SelectorError, cssselect.ExpressionError, etree.XPathSyntaxError):
        return None


def select(tree: _Element | None, xpath: Any, selector: str = "") -> _Element | None:
    """The first element the selector matches, in document order. A bare `#id` selector is
    answered from the IDs libxml2 registered while parsing (the first element of that id),
    without walking the page."""
    if tree is None:
        return None
    by_id = _id_lookup(selector) if selector.startswith("#") else None
    if by_id is not None:
        named = by_id(tree)
        if named and named[0].get("id") == selector[1:]:
            return named[0]
    found = xpath(tree)
    return found[0] if found else None


@lru_cache(maxsize=256)
def _id_lookup(selector: str) -> Any | None:
    from lxml import etree

    bare = _BARE_ID.fullmatch(selector)
    return etree.XPath(f"id('{bare.group(1)}')") if bare else None


def title(tree: _Element | None) -> str:
    """The page's first <title>, spaces collapsed ("" when it has none)."""
    element = tree.find(".//title") if tree is not None else None
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def markup(region: _Element) -> str | None:
    """The region's own markup, to be read alone; None when it cannot stand alone."""
    from lxml import etree

    if not isinstance(region.tag, str) or region.tag.lower() in NOT_ALONE:
        return None
    return etree.tostring(region, method="html", encoding="unicode", with_tail=False)


def matched_nothing(selector: str, url: str) -> ParseError:
    return ParseError(f"layout changed: selector {selector!r} matched nothing"
                      + (f" ({url})" if url else ""), url=url)


def read(region: _Element, heading_selector: str) -> tuple[list[str], int]:
    """The region as `notices.sections` reads it: one line per heading (its tag, the ids in
    it and its text) and the normalised text between headings; and the text's length."""
    from lxml import etree

    xpath = selector_xpath(heading_selector)
    # The elements themselves (lxml keeps one proxy per live element, so they compare by
    # identity as long as this set holds them).
    headings = {h for h in xpath(region) if h is not region} if xpath is not None else set()
    skipped: set[Any] = set()
    parts: list[str] = []
    chars = 0
    run: list[str] = []          # text since the last heading
    heading: list[str] = []      # text of the heading being read
    marks: list[str] = []        # its tag and ids
    depth = 0                    # > 0 inside a heading
    walk = etree.iterwalk(region, events=("start", "end", "comment"))
    for event, element in walk:
        if event == "comment":
            _text(element.tail, run, heading, depth)
            continue
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if event == "start":
            is_heading = element in headings
            if not is_heading and element is not region and (
                    tag in NOISE_TAGS or _is_noise(element)):
                walk.skip_subtree()
                skipped.add(element)
                continue
            if is_heading and depth == 0:
                text = _lines("".join(run))
                parts.append(text)
                chars += len(text)
                run, heading, marks = [], [], [tag]
            if is_heading or depth:
                depth += is_heading
                if element.get("id"):
                    marks.append("#" + element.get("id", ""))
            elif tag in BLOCKS:
                run.append("\n")
            _text(element.text, run, heading, depth)
            continue
        if element is region:
            break
        if element in headings and depth:
            depth -= 1
            if depth == 0:
                # Strings joined by a space, as `notices.heading_text` reads them (a word
                # split by a tag or a comment is two words in an item's key).
                text = " ".join(unicodedata.normalize("NFKC", " ".join(heading)).split())
                parts.append(HEADING + " ".join(marks) + "\n" + text)
                chars += len(text)
        elif not depth and tag in BLOCKS and element not in skipped:
            run.append("\n")
        _text(element.tail, run, heading, depth)
    text = _lines("".join(run))
    parts.append(text)
    return parts, chars + len(text)


def _lines(text: str) -> str:
    """Text as lines, NFKC, spaces collapsed, empty lines dropped. Stamps and cookie lines
    stay (the parser drops them, but a stamp's day may date the notices): a region whose
    stamp moves is read again."""
    lines = (" ".join(line.split()) for line in unicodedata.normalize("NFKC", text).split("\n"))
    return "\n".join(line for line in lines if line)


def html_region(region: _Element, heading_selector: str, *salt: str) -> Region:
    """The Region of one selected element: the digest of what `read` finds, and its length."""
    parts, chars = read(region, heading_selector)
    return Region(digest=digest(*salt, *parts), chars=chars)


def fetch_day(fetched: Fetched) -> str:
    """The UTC day of the fetch: notices' days without a year are settled against it (only
    the day counts), so a region is read again once a day even when nothing else moved."""
    return fetched.fetched_at.astimezone(UTC).date().isoformat() if fetched.fetched_at else ""


def digest(*parts: str) -> str:
    """A digest of the parts, in order (a part's boundaries count)."""
    hashed = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        hashed.update(len(data).to_bytes(8, "big"))
        hashed.update(data)
    return hashed.hexdigest()


def digest_bytes(*parts: bytes | str) -> str:
    """`digest` for parts of which some are raw bytes (bodies, canonical JSON)."""
    hashed = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass")
        hashed.update(len(data).to_bytes(8, "big"))
        hashed.update(data)
    return hashed.hexdigest()


def _text(value: str | None, run: list[str], heading: list[str], depth: int) -> None:
    if value:
        if depth:
            heading.append(value)
        else:
            # Line breaks in the HTML source are spaces; only blocks make lines.
            run.append(_SPACES.sub(" ", value))


def _is_noise(element: _Element) -> bool:
    return noise_attributes(element.attrib)
