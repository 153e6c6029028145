"""HTML comment bodies (HN, Discourse, Disqus, WordPress) as the plain text a person would have typed.

Built on the stdlib `html.parser`, which never raises on malformed markup: a broken comment degrades to its
text instead of failing a whole import. Quotes keep their "> " prefix so a quoted reply stays readable.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SPACES = re.compile(r"\s+")
_INLINE_SPACES = re.compile(r"[^\S\n]+")
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "center", "dd", "details", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
        "main", "nav", "p", "section", "summary", "table", "tr",
    }
)  # fmt: skip
_DROPPED = frozenset({"script", "style", "template", "head", "noscript"})
_GENERIC_ALTS = frozenset({"", "image", "img", "photo", "picture"})
_ELLIPSES = ("...", "…")


class _Converter(HTMLParser):
    """Collects lines of text, each with the blockquote depth it was written at."""

    def __init__(self, keep_newlines: bool) -> None:
        super().__init__(convert_charrefs=True)
        self._keep_newlines = keep_newlines
        self._lines: list[tuple[int, str]] = []
        self._current: list[str] = []
        self._prefix = ""  # list bullet waiting for the item's first words
        self._indent = ""  # indentation of the current line (nested list items)
        self._quote = 0
        self._pre = 0
        self._skip: tuple[str, int] | None = None  # element whose content is dropped, and its nesting
        self._lists: list[int | None] = []  # None for <ul>, the last number used for <ol>
        self._links: list[tuple[str, int, int]] = []  # href, line count and piece count at <a>

    # output primitives
    def _emit(self, text: str) -> None:
        if not text:
            return
        if self._prefix and text.strip():
            bullet = self._prefix.lstrip(" ")
            self._indent = self._prefix[: len(self._prefix) - len(bullet)]
            self._current.append(bullet)
            self._prefix = ""
        self._current.append(text)

    def _end_line(self) -> None:
        line = "".join(self._current)
        self._current = []
        line = line.rstrip() if self._pre else _SPACES.sub(" ", line).strip()
        self._lines.append((self._quote, self._indent + line if line else line))
        self._indent = ""

    def _flush(self) -> None:
        if "".join(self._current).strip():
            self._end_line()
        else:
            self._current = []

    def _paragraph(self) -> None:
        self._flush()
        if self._lines and self._lines[-1][1]:
            self._lines.append((self._quote, ""))

    # parser callbacks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip is not None:
            if tag == self._skip[0]:
                self._skip = (tag, self._skip[1] + 1)
            return
        attributes = {key: value or "" for key, value in attrs}
        classes = attributes.get("class", "").split()
        if tag in _DROPPED or (tag == "div" and "meta" in classes):
            self._skip = (tag, 1)
        elif tag == "aside" and "onebox" in classes:
            self._paragraph()
            self._emit(attributes.get("data-onebox-src", ""))
            self._paragraph()
            self._skip = (tag, 1)
        elif tag == "br":
            self._end_line()
        elif tag == "blockquote":
            self._paragraph()
            self._quote += 1
        elif tag in ("ul", "ol"):
            self._end_block(nested=bool(self._lists))
            self._lists.append(0 if tag == "ol" else None)
        elif tag == "li":
            self._start_item()
        elif tag == "pre":
            self._paragraph()
            self._pre += 1
        elif tag == "img":
            self._emit(_image_text(attributes, classes))
        elif tag == "a":
            self._links.append((attributes.get("href", ""), len(self._lines), len(self._current)))
        elif tag in ("td", "th"):
            self._emit(" ")
        elif tag in _BLOCKS:
            self._paragraph()

    def handle_endtag(self, tag: str) -> None:
        if self._skip is not None:
            if tag == self._skip[0]:
                depth = self._skip[1] - 1
                self._skip = (tag, depth) if depth else None
            return
        if tag == "blockquote":
            self._flush()
            self._quote = max(0, self._quote - 1)
            self._paragraph()
        elif tag in ("ul", "ol"):
            if self._lists:
                self._lists.pop()
            self._end_block(nested=bool(self._lists))
        elif tag == "li":
            self._flush()
            self._prefix = ""
        elif tag == "pre":
            self._flush()
            self._pre = max(0, self._pre - 1)
            self._paragraph()
        elif tag == "a":
            self._close_link()
        elif tag in _BLOCKS:
            self._paragraph()

    def handle_data(self, data: str) -> None:
        if self._skip is not None:
            return
        if self._pre or self._keep_newlines:
            for index, part in enumerate(data.split("\n")):
                if index:
                    self._end_line()
                self._emit(part if self._pre else _INLINE_SPACES.sub(" ", part))
        else:
            self._emit(_SPACES.sub(" ", data))

    # element helpers
    def _end_block(self, nested: bool) -> None:
        """A nested list stays tight inside its item; a top-level one is its own paragraph."""
        if nested:
            self._flush()
        else:
            self._paragraph()

    def _start_item(self) -> None:
        self._flush()
        indent = "  " * max(0, len(self._lists) - 1)
        if self._lists and self._lists[-1] is not None:
            number = self._lists[-1] + 1
            self._lists[-1] = number
            self._prefix = f"{indent}{number}. "
        else:
            self._prefix = f"{indent}- "

    def _close_link(self) -> None:
        """A link reads as its text; as its address when it has no text or HN shortened the address."""
        if not self._links:
            return
        href, line_count, piece_count = self._links.pop()
        if len(self._lines) != line_count or not href or href.startswith(("#", "javascript:")):
            return
        shown = "".join(self._current[piece_count:]).strip()
        if not shown:
            self._emit(f" {href} ")
            return
        for ellipsis in _ELLIPSES:
            if shown.endswith(ellipsis) and href.startswith(shown[: -len(ellipsis)]):
                self._current[piece_count:] = [href]
                return

    def result(self) -> str:
        self._flush()
        kept: list[tuple[int, str]] = []
        for depth, line in self._lines:
            if line or (kept and kept[-1][1]):  # no leading or doubled blank lines
                kept.append((depth, line))
        while kept and not kept[-1][1]:
            kept.pop()
        out: list[str] = []
        for index, (depth, line) in enumerate(kept):
            if line:
                out.append("> " * depth + line)
            else:  # a blank line belongs to a quote only when the quote goes on after it
                inner = min(depth, kept[index - 1][0], kept[index + 1][0])
                out.append(("> " * inner).rstrip())
        return "\n".join(out)


def _image_text(attributes: dict[str, str], classes: list[str]) -> str:
    """Emoji read as their code, avatars vanish, other images leave a marker with their description."""
    alt = _SPACES.sub(" ", attributes.get("alt", "")).strip()
    if "emoji" in classes:
        return alt
    if "avatar" in classes:
        return ""
    return " [image] " if alt.casefold() in _GENERIC_ALTS else f" [image: {alt}] "


def html_to_text(markup: str, *, keep_newlines: bool = False) -> str:
    """Plain text of an HTML fragment: paragraphs become blank lines, entities are unescaped.

    `keep_newlines` is for sources such as WordPress, whose stored comments use bare line breaks as paragraphs.
    """
    converter = _Converter(keep_newlines)
    converter.feed(markup.replace("\r\n", "\n").replace("\r", "\n"))
    converter.close()
    return converter.result()
