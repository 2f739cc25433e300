"""Which strings are secret, and masking them: whole values, and the credential parts of URLs.

A whole value (an environment value, an API key option, a channel URL) is masked wherever it
occurs. A URL also hides credentials inside it that a message may quote on their own (a password,
a webhook token in the path, a bot token in the host). A user name, host, path part or query
value counts only when it is shaped like a token, so the word `desk` in
`json://desk:...@host/hook/desk` does not vanish from the watchlist `latam-desk`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

MASK = "***"
# Shorter strings are words or numbers; masking them everywhere would hide names.
MIN_LENGTH = 6
# A URL part other than the password is a credential only when it is shaped like a token.
_TOKEN_LENGTH = 8
_LONG_TOKEN_LENGTH = 20


def whole_values(values: Iterable[str]) -> set[str]:
    """The values worth masking as they are (and as the config reads them, stripped)."""
    found: set[str] = set()
    for value in values:
        found.update(v for v in (value, value.strip()) if len(v) >= MIN_LENGTH)
    return found


def url_credentials(url: str) -> set[str]:
    """The parts of `url` that may be credentials: the password, plus any user name, host,
    path segment, query value or fragment shaped like a token. Apprise URLs keep tokens in all
    of those places (`tgram://bot:token/chat`, `slack://A/B/C`, `pover://user@token`,
    `...?apikey=`)."""
    try:
        split = urlsplit(url)
    except ValueError:
        return set()
    userinfo, _, hostport = split.netloc.rpartition("@")
    user = userinfo.partition(":")[0]
    found = url_password(url)
    parts = [user, hostport, *hostport.split(":"), *split.path.split("/"), split.fragment]
    parts += [pair.partition("=")[2] for pair in split.query.split("&")]
    for part in parts:
        found.update(s for s in _spellings(part) if _token_shaped(s))
    return found


def url_password(url: str) -> set[str]:
    """The password of a URL with `user:password@` (a database URL's only credential)."""
    try:
        netloc = urlsplit(url).netloc
    except ValueError:
        return set()
    userinfo = netloc.rpartition("@")[0]
    password = userinfo.partition(":")[2]
    return whole_values(_spellings(password))


def mask(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret replaced by MASK, longest first (a URL goes as one)."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret and secret in text:
            text = text.replace(secret, MASK)
    return text


def _spellings(part: str) -> set[str]:
    """A URL part as written and percent-decoded (a message may quote either)."""
    return {part, unquote(part)} if part else set()


def _token_shaped(part: str) -> bool:
    """Random-looking: letters mixed with digits, or very long; never an IP address."""
    if len(part) < _TOKEN_LENGTH or _is_ip_address(part):
        return False
    has_digit = any(c.isdigit() for c in part)
    has_letter = any(c.isalpha() for c in part)
    return (has_digit and has_letter) or len(part) >= _LONG_TOKEN_LENGTH


def _is_ip_address(part: str) -> bool:
    try:
        ipaddress.ip_address(part.strip("[]"))
    except ValueError:
        return False
    return True
