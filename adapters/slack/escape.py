"""Slack's text markup, both ways: what users send becomes plain words, and what we send can never ping.

Slack marks mentions and links up as `<...>` and escapes `&`, `<` and `>` as entities. Outgoing user text (quotes,
authors, queries) is escaped so `<!everyone>` or `<@U123>` in an archived comment stays inert text; incoming
text is turned back into what the user saw, so `quote <!here>` searches for "@here".
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from adapters.text import clip, one_line

_MARKUP = re.compile(r"<([^<>]*)>")
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


def escape(text: str) -> str:
    """Escape the three characters Slack treats as control characters, making every `<...>` token inert."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_PLAIN_LOOKALIKES = str.maketrans({"<": "\u2039", ">": "\u203a"})
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
_BROADCAST = re.compile(r"@(?=(?:here|channel|everyone)\b)", re.IGNORECASE)


def inert_plain(text: str) -> str:
    """Member text for a `plain_text` object (a header) that cannot ping, link or decode into markup, on one
    line: `<` and `>` become the look-alikes `‹ ›`, an `&` that starts an entity becomes `＆`, and a word
    joiner follows the `@` of `@here`, `@channel` and `@everyone`."""
    text = one_line(text).translate(_PLAIN_LOOKALIKES)
    return _BROADCAST.sub("@\u2060", _ENTITY_LIKE.sub("\uff06", text))


def entity_start(text: str, cut: int) -> int:
    """The cut moved back to the `&` of an `&amp;`-style entity it would split; else where it was."""
    amp = text.rfind("&", max(0, cut - 5), cut)
    return amp if amp != -1 and ";" not in text[amp:cut] else cut


def clip_escaped(text: str, limit: int) -> str:
    """Escaped text clipped to `limit` characters with an ellipsis, never inside an entity."""
    return clip(text, limit, back_off=entity_start)


def unescape(text: str) -> str:
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    return text


def link(url: str | None, label: str) -> str:
    """A `<url|label>` link for http(s) URLs; anything else is shown as escaped text and never linked."""
    safe_label = escape(label).replace("|", "\u2223")
    if not url:
        return safe_label
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc or any(c.isspace() for c in url):
        return f"{safe_label} ({escape(url)})"
    return f"<{escape(url).replace('|', '%7C')}|{safe_label}>"


def _plain(token: str) -> str:
    """One `<...>` token as the user saw it: `@name`, `#channel`, `@here`, the link's label or URL."""
    target, _, label = token.partition("|")
    if target.startswith("@"):
        return f"@{label}" if label else target
    if target.startswith("#"):
        return f"#{label}" if label else target
    if target.startswith("!"):
        name = target[1:].split("^", 1)[0]
        if label:
            return label
        return f"@{name}"
    return label or target


def unformat(text: str) -> str:
    """Incoming message or slash-command text as plain words, with Slack's markup and entities undone."""
    return unescape(_MARKUP.sub(lambda m: _plain(m.group(1)), text))


def strip_mention(text: str, bot_user_id: str | None) -> str:
    """The command in `@threadbot quote tokens`: the text after the bot's own mention (or before it)."""
    if bot_user_id:
        found = re.search(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", text)
        if found:
            after = text[found.end() :].strip()
            return after or text[: found.start()].strip()
    return re.sub(r"^\s*<@[A-Z0-9]+(?:\|[^>]*)?>", "", text).strip()
