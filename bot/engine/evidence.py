"""Where a comment's stance lives: its own words split into sentences and small windows, quotes set apart.

A long comment often states its side in one sentence; a reply quotes (`> ...`) the text it rebuts; a concession
("Sure, X. But Y") comes before the point. This module turns a comment into windows of one or two sentences of
the author's own text, each with a weight for how much it speaks for the comment's side, so that relevance can be
the best window's and NLI can read short premises. Sentences come from syntok (pure Python; it keeps "Mr.",
"e.g.", "D.C." inside a sentence; see bench/README_engine.md for the comparison with pysbd and blingfire).
No models here.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

import syntok.segmenter as segmenter

# A quoted line as people type it (`>`) or as Reddit's JSON serves it (`&gt;`).
_QUOTE_LINE = re.compile(r"^\s*(?:>|&gt;)")
# A comment opening with a quotation in double quotes, followed by the author's own words.
_LEADING_QUOTE = re.compile(r'^\s*["\u201c]([^"\u201d]{12,})["\u201d]\s*(?=\S)')
_CONTRAST = re.compile(
    r"^\s*(?:but|however|yet|still|nevertheless|nonetheless|that said|having said that|on the other hand|"
    r"regardless|even so|instead|rather|the problem is|the thing is|my point is)\b",
    re.IGNORECASE,
)
_CONCESSION = re.compile(
    r"^\s*(?:sure|granted|admittedly|of course|obviously|true|yes|yeah|ok|okay|i agree|i understand|"
    r"i see|i get|i know|it'?s true|it is true|while|although|though|even though|i can see)\b",
    re.IGNORECASE,
)
_URL = re.compile(r"\(?https?://\S+\)?")
_WORD = re.compile(r"\w+")

WINDOWING = "syntok-v1"  # names how comments are cut into windows, for vectors stored by it; change with the rules
MAX_WINDOW_WORDS = 80
MIN_OWN_WORDS = 6  # words after a leading quotation for it to count as quoted context


@dataclass(frozen=True)
class Window:
    """One or two consecutive sentences of the author's text; `weight` says how much they speak for the side."""

    text: str
    first: int  # index of its first sentence
    weight: float


def own_text(comment: str) -> str:
    """The comment without the text it quotes (`>` lines, a leading quotation); the whole comment if only quotes."""
    lines = [line for line in html.unescape(comment).splitlines() if not _QUOTE_LINE.match(line)]
    kept = "\n".join(lines).strip()
    unquoted = _LEADING_QUOTE.sub("", kept, count=1).strip()
    if len(_WORD.findall(unquoted)) >= MIN_OWN_WORDS:  # not a quotation signed "~ Ben Franklin"
        kept = unquoted
    return kept if _WORD.search(kept) else html.unescape(comment).strip()


def sentences(text: str) -> list[str]:
    """Sentences of `text`, exactly as written (paragraphs and list items never join)."""
    out: list[str] = []
    for paragraph in segmenter.analyze(text):
        for sentence in paragraph:
            if not sentence:
                continue
            start = sentence[0].offset
            end = sentence[-1].offset + len(sentence[-1].value)
            piece = text[start:end].strip()
            if _WORD.search(_URL.sub("", piece)):
                out.append(piece)
    return out


def _sentence_weight(sentence: str, previous_contrasts: bool) -> float:
    weight = 1.0
    if _CONTRAST.match(sentence):
        weight *= 1.5  # "However, Y": the point after a concession
    elif _CONCESSION.match(sentence) and not previous_contrasts:
        weight *= 0.6  # "Sure, X": said before the point
    if sentence.rstrip().endswith("?"):
        weight *= 0.5  # a question often argues the other way round ("Why would anyone ...?")
    return weight


def windows(comment: str, size: int = 2) -> list[Window]:
    """Windows of up to `size` consecutive sentences of the author's own text (at most MAX_WINDOW_WORDS words).

    A comment of at most `size` sentences is one window (short comments are read whole, as before), unless a
    sentence after the first turns against it ("But ...", "However ..."): then each sentence is a window."""
    own = own_text(comment)
    sents = sentences(own)
    turns = any(_CONTRAST.match(s) for s in sents[1:])
    if len(sents) <= size and not turns:
        return [Window(own, 0, 1.0)]
    if len(sents) <= size:
        size = 1  # "Sure, X. But Y": each part on its own, so the point can outweigh the concession
    weights = [_sentence_weight(s, i > 0 and bool(_CONTRAST.match(sents[i - 1]))) for i, s in enumerate(sents)]
    out: list[Window] = []
    for i in range(len(sents) - size + 1):
        chunk = sents[i : i + size]
        while len(chunk) > 1 and len(" ".join(chunk).split()) > MAX_WINDOW_WORDS:
            chunk = chunk[:-1]
        out.append(Window(" ".join(chunk), i, max(weights[i : i + len(chunk)])))
    return out


@lru_cache(maxsize=20_000)
def cached_windows(comment: str, size: int = 2) -> tuple[Window, ...]:
    """`windows`, remembered per comment text (segmenting is the cost of a repeated claim over the same thread)."""
    return tuple(windows(comment, size))
