"""What a notices page holds besides its notices: which tags make lines and which never count.

Shared by `monitor.notices` (BeautifulSoup, reading a region) and `monitor.regions` (lxml,
digesting one), which must agree on them; kept apart so that a digest loads no bs4.
"""

from __future__ import annotations

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
