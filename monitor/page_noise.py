"""What a notices page holds besides its notices: which tags make lines and which never count.

Shared by `monitor.notices` (BeautifulSoup, reading a region) and `monitor.regions` (lxml,
digesting one), which must agree on them; kept apart so that a digest loads no bs4.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# One line per block element; everything else flows into the line around it.
BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
    "main", "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul",
})
# Never content: code, media, forms and navigation.
NOISE_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "canvas", "nav",
              "button", "form", "input", "select", "textarea", "object", "embed", "video",
              "audio", "picture", "img", "link", "meta")
# Class or id fragments of cookie banners, consent walls, breadcrumbs and share bars.
NOISE_MARKERS = ("cookie", "consent", "gdpr", "onetrust", "didomi", "cookiebot", "truste",
                 "breadcrumb", "skip-link", "share", "social", "newsletter")

# lxml refuses NUL and other C0 control characters; no page means them, so both readers drop
# them (tab, line feed and carriage return stay).
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
CONTROL_BYTES = bytes([*range(0x09), 0x0b, 0x0c, *range(0x0e, 0x20)])


def noise_attributes(attrs: Mapping[str, object]) -> bool:
    """An element whose attributes mark it as no content: hidden, navigation or search, or
    a banner by class or id. `class` may be a list (BeautifulSoup) or a string (lxml)."""
    if not attrs:
        return False
    if "hidden" in attrs or str(attrs.get("aria-hidden", "")).lower() == "true":
        return True
    if str(attrs.get("role", "")).lower() in ("navigation", "search"):
        return True
    style = str(attrs.get("style", "")).replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    classes = attrs.get("class") or ""
    names = " ".join([*(classes if isinstance(classes, list) else [str(classes)]),
                      str(attrs.get("id", ""))]).lower()
    return any(marker in names for marker in NOISE_MARKERS)
