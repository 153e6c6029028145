"""Which words of a thread can be a prompt's claim: verbatim sentences that take a position, from comments worth
quoting. No model here: simple, explainable rules, so a moderator can tell why a sentence was or was not taken.

- A comment is never quoted in a prompt if it is chatter: thanks or praise for the post, self-promotion, meta
  talk about the thread itself, a bare link, or too short to say anything (`worth_quoting`).
- A sentence can be a claim if it is of readable length, is not a question, and is not itself chatter
  (`claim_sentences`); `position` scores how much it takes a stand (evaluative and modal words up, an anecdote
  or a sentence that leans on the one before it down).
- A comment's claim is its central sentence: the one closest in meaning to the whole comment, among its
  sentences that take a position and stand on their own (`central`: "That's not to say ..." leans on the
  sentence before it and reads as a claim only when nothing else does); without vectors, the one sharing most
  words with the rest. Its next such sentences are its other claims (`claims_of`): a comment may make more than
  one point, and the central one is not always the one the thread argues about.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from bot.engine.evidence import own_text, sentences
from bot.engine.text import content_stems

CLAIM_CHARS = (40, 300)
CLAIM_WORDS = (6, 60)
QUOTE_CHARS = (40, 2500)
MIN_OWN_WORDS = 8
"""Words a comment needs besides links and quoted text to be quoted at all."""
MAX_SENTENCES = 12
"""Sentences of one comment considered as its claim (the first ones): a long essay is still one comment."""

_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_WORD = re.compile(r"[\w'’]+")
_THANKS = re.compile(
    r"\b(?:thanks?|thank you|thx|ty|cheers|kudos|bravo|congrat\w*|much appreciated|"
    r"great (?:post|piece|article|essay|read|write-?up|work|job)|(?:incredible|excellent|amazing|wonderful|"
    r"brilliant|fantastic|insightful|lovely|nice|fascinating|interesting) (?:piece|post|article|essay|read|"
    r"write-?up|work)|well (?:written|said|put)|love (?:this|it)|so worthwhile|wish i (?:had )?wrote it)\b",
    re.IGNORECASE,
)
_PROMO = re.compile(
    r"\b(?:self[- ]?promo\w*|shameless(?:ly)? plug\w*|check (?:it|me|this) out|subscribe|follow me|sign up|dm me|"
    r"link in (?:my )?bio|use (?:my )?code|discount code|affiliate)\b",
    re.IGNORECASE,
)
_OWN_THING = re.compile(
    r"\bmy (?:own )?(?:blog|newsletter|channel|podcast|book|course|practice|substack|website|site|startup|"
    r"company|product|app|youtube|video|paper|talk|post|work)\b",
    re.IGNORECASE,
)
"""With a link, "my blog", "my practice" ... is self-promotion; without one it may just be talk."""
_META = re.compile(
    r"\b(?:this (?:thread|comment section|subreddit|forum)|upvot\w*|downvot\w*|moderators?\b|mods?\b|"
    r"off[- ]topic|edit:|tl;?dr|first!|this comment|my comment|reply below|replying to|quote:|"
    r"(?:can|could) (?:someone|anyone) (?:explain|link|share))",
    re.IGNORECASE,
)
_LEANS_ON_BEFORE = re.compile(
    r"^\s*(?:it|this|that|these|those|they|he|she|yes|yeah|yep|no|nope|sure|also|and|so|then|which|here|there|"
    r"exactly|indeed|same|agreed|true|right|for example|e\.g\.|for instance|in fact|as (?:i|you) said)\b",
    re.IGNORECASE,
)
_ANECDOTE = re.compile(
    r"^\s*(?:i(?:'m| am| was| had| have| found| wonder| wish| remember| recall| saw| read| wrote| deleted| got| "
    r"went| tried| used| just)|my (?:own )?experience|when i|last (?:week|year|month))\b",
    re.IGNORECASE,
)
_STANCE_WORDS = re.compile(
    r"\b(?:should(?:n't)?|must|need(?:s|ed)? to|ought|cannot|can't|won't|will|never|always|only|no one|nobody|"
    r"better|worse|best|worst|wrong|right|true|false|mistake|myth|fail\w*|works?|doesn't|don't|isn't|aren't|"
    r"is not|are not|not|more|less|most|least|real(?:ly)?|clearly|obviously|simply|just|because|therefore|"
    r"means|proves?|shows?|matters?|important|dangerous|harm\w*|benefit\w*|good|bad|problem|point)\b",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s+")
_ROUGH_SENTENCES = re.compile(r"(?<=[.!?\u2026])\s+|\n+")
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


def normal(text: str) -> str:
    """A text as duplicates compare: case, spacing, curly quotes and edge punctuation ignored."""
    text = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return _EDGES.sub("", _SPACE.sub(" ", text.casefold())).strip()


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def is_chatter(text: str) -> bool:
    """Thanks or praise, self-promotion or talk about the thread itself: a sentence (or comment) that is no
    position on the topic."""
    return bool(_THANKS.search(text) or _PROMO.search(text) or _META.search(text))


def promotes(text: str) -> bool:
    """Self-promotion: a plug in so many words, or the author's own thing with a link to it."""
    return bool(_PROMO.search(text) or (_OWN_THING.search(text) and _URL.search(text)))


def worth_quoting(text: str) -> bool:
    """Whether a comment may be quoted in a prompt at all, as a claim or as a side: readable length, more than a
    link, no self-promotion, and not mostly thanks or talk about the thread."""
    stripped = text.strip()
    if not QUOTE_CHARS[0] <= len(stripped) <= QUOTE_CHARS[1]:
        return False
    if promotes(own_text(stripped)):
        return False
    own = _URL.sub(" ", own_text(stripped))
    if _words(own) < MIN_OWN_WORDS:
        return False
    said = [s for s in _ROUGH_SENTENCES.split(own) if _words(s) >= 3]  # rough and fast: a prompt reads this
    chatter = sum(is_chatter(s) for s in said)
    return bool(said) and chatter * 2 < len(said)


def claim_sentences(text: str) -> list[str]:
    """The sentences of a comment's own words (quotes left out) that could be a prompt's claim, verbatim."""
    out = []
    for sentence in sentences(own_text(text))[:MAX_SENTENCES]:
        if not CLAIM_CHARS[0] <= len(sentence) <= CLAIM_CHARS[1]:
            continue
        if not CLAIM_WORDS[0] <= _words(sentence) <= CLAIM_WORDS[1]:
            continue
        if sentence.rstrip().endswith("?") or _URL.search(sentence) or is_chatter(sentence):
            continue
        out.append(sentence)
    return out


def position(sentence: str) -> float:
    """How much a sentence takes a stand, about -1 to 1: stance words (should, never, better, wrong, not ...) count
    up to +1; an anecdote ("I was ...") or a sentence leaning on the one before ("It is.", "Yes, ...") count -1."""
    score = min(len(_STANCE_WORDS.findall(sentence)), 3) / 3
    if _ANECDOTE.match(sentence):
        score -= 1.0
    if _LEANS_ON_BEFORE.match(sentence):
        score -= 0.5
    return score


def leans_on_before(sentence: str) -> bool:
    """Whether a sentence needs the one before it to be understood ("That's not to say ...", "Yes, ...")."""
    return bool(_LEANS_ON_BEFORE.match(sentence))


def central(
    candidates: Sequence[str],
    vectors: npt.NDArray[np.float32] | None = None,
    whole: npt.NDArray[np.float32] | None = None,
) -> int | None:
    """Index of the comment's central claim among its `candidates` (claim sentences, in order); None when there is
    no candidate. The first of `claims_of`."""
    ranked = claims_of(candidates, vectors, whole)
    return ranked[0] if ranked else None


def claims_of(
    candidates: Sequence[str],
    vectors: npt.NDArray[np.float32] | None = None,
    whole: npt.NDArray[np.float32] | None = None,
) -> list[int]:
    """Indices of a comment's claims among its `candidates`, central first: those that take a position
    (`position` >= 0) and stand on their own, by closeness to the whole comment's vector (without vectors: content
    words shared with the other sentences). When none stands on its own, the central one is the best of those that
    take a position, else of all, and it is the only claim."""
    if not candidates:
        return []
    taking = [i for i, s in enumerate(candidates) if position(s) >= 0]
    alone = [i for i in taking if not leans_on_before(candidates[i])]
    pool = alone or taking or list(range(len(candidates)))
    if vectors is not None and whole is not None and len(vectors) == len(candidates):
        closeness = vectors @ whole
        ranked = sorted(pool, key=lambda i: (-float(closeness[i]), i))
    else:
        stems = [set(content_stems(s)) for s in candidates]

        def shared(i: int) -> int:
            return sum(len(stems[i] & stems[j]) for j in range(len(candidates)) if j != i)

        ranked = sorted(pool, key=lambda i: (-shared(i), -position(candidates[i]), i))
    return ranked if alone else ranked[:1]
