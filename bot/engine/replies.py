"""Replies read through the thread they answer: a reply's side is its own reading plus what it does to its parent.

"No, there's really not." means nothing alone and, under a comment that agrees, the opposite of its parent; in
an argument about the claim, a long reply that argues about bullies or IQ tests takes the other side of the
comment it answers whether or not it repeats the claim's words. So a reply whose ancestry is given is read as

    z = own z + REPLY_WEIGHT x relation x side of its parent,

where the side of the parent is tanh(z / 2) of the parent read the same way (its own parent above it, and so on
up to the thread's opening statement). The relation is +1 when the reply opens by agreeing ("I agree",
"Exactly", a CMV delta), -1 when it opens by denying ("No,", "I disagree", "That's not true"), and otherwise
depends on the thread. Where the opening statement (a Reddit post's title, a topic's title) clearly states the
claim or its negation (|z| >= ROOT_MARGIN), the thread argues about the claim and a reply disputes the comment it
answers (-1); the top-level comments dispute the opening itself only where it asks to be challenged ("CMV: ...",
"Change my view"): under an essay's or a post's title they are read by their own words. Elsewhere (a supportive
thread, a title that only names a subject) a reply without a cue is read by its own words (0).
Measured on bench/cmv_dev.py (8 r/changemyview threads, hand-labelled): bench/README_engine.md.
No models here: the classifier passes its own scorer in.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.engine.evidence import own_text, sentences

SHORT_REPLY_WORDS = 20
REPLY_WEIGHT = 3.0  # how far a reply's relation to its parent moves its z (chosen on bench/cmv_dev.py: 1, 2, 3)
ROOT_MARGIN = 1.5  # |z| an opening statement needs to count as taking a side on the claim
# A reply that opens by agreeing with what it answers (or gives a CMV delta: the answer changed the poster's view).
_AGREEING_OPENING = re.compile(
    r"^\W*(?:i (?:(?:completely|totally|fully|strongly|actually|really|do|definitely|absolutely|mostly|"
    r"kind of|sort of) )?agree\b|agreed\b|exactly\b|yes\b|yep\b|yeah\b|true\b|"
    r"this\.|good point|great point|well said|fair point|you'?re right|that'?s right|&#8710;|\u2206|!delta|thanks?\b|"
    r"thank you\b)",
    re.IGNORECASE,
)
# An opening that asks to be argued with: r/changemyview's "CMV:" and the like.
_CHALLENGE = re.compile(r"^\W*(?:cmv\b|change my view\b|changemyview\b)", re.IGNORECASE)
_TURN = re.compile(r"\b(?:but|however|though|yet)\b", re.IGNORECASE)
# A reply that opens by denying what it answers.
_DENYING_OPENING = re.compile(
    r"^\W*(?:no\b|nope\b|nah\b|wrong\b|not really\b|not true\b|not at all\b|that'?s (?:just )?not\b|"
    r"that is not\b|i (?:strongly |completely |have to |would )?disagree\b|i don'?t agree\b|i do not agree\b|"
    r"i'?d (?:have to )?disagree\b|i dispute\b|not quite\b|actually\b|"
    r"incorrect\b|false\b|nonsense\b|so\?|you'?re wrong\b|you are wrong\b|except\b)",
    re.IGNORECASE,
)


def is_short_reply(text: str) -> bool:
    """Whether a reply is short enough that it speaks to a claim only through what it answers."""
    return len(own_text(text).split()) <= SHORT_REPLY_WORDS


def relation(reply: str) -> float | None:
    """+1 when a reply opens by agreeing with what it answers ("Exactly.", "I agree, ..."), -1 when it opens by
    denying it ("No, ...", "I disagree"), None when it says neither: then the thread decides (`through_thread`).
    "True, but ..." is no agreement."""
    own = own_text(reply)
    first = (sentences(own) or [own])[0]
    if _DENYING_OPENING.match(first):
        return -1.0
    if _AGREEING_OPENING.match(first) and not _TURN.search(first):
        return 1.0
    return None


@dataclass(frozen=True)
class Ancestry:
    """What a comment answers: the texts of its parent, its parent's parent, ... (nearest first), and, when the
    chain reaches the top of the thread, the thread's opening statement (None: the archive has none, or the chain
    was cut short)."""

    parents: tuple[str, ...]
    root: str | None = None


def invites_challenge(title: str) -> bool:
    """Whether an opening statement asks to be argued with ("CMV: ...", "Change my view: ..."): then its top-level
    replies are challenges by the thread's own rule."""
    return bool(_CHALLENGE.match(title))


def side(z: float) -> float:
    """A reading's side in [-1, 1]: what a reply agrees with or disputes."""
    return math.tanh(z / 2.0)


def root_side(z: float) -> float:
    """The opening statement's side: none unless it clearly states the claim or its negation."""
    return side(z) if abs(z) >= ROOT_MARGIN else 0.0


def through_thread(
    own: float, relations: Sequence[float | None], above: Sequence[float], top: float, challenged: bool = False
) -> float:
    """z of a comment read through its chain. `own` is its own z; `relations[0]` its relation to its parent and
    `relations[k]` the k-th ancestor's to the one above it (None: no cue); `above[k]` the k-th ancestor's own z
    (nearest first); `top` the opening statement's side (0: none), `challenged` whether it asks to be challenged.
    A reply without a cue disputes the comment it answers in a thread whose opening takes a side on the claim, and
    a top-level comment disputes the opening only when it asks for it; elsewhere a comment is read by its words."""
    reply_default = -1.0 if top else 0.0  # to the comment it answers
    top_default = -1.0 if top and challenged else 0.0  # a top-level comment's, to the opening
    chain = [own, *above]
    if len(relations) != len(chain):
        raise ValueError(f"{len(chain)} comments in the chain but {len(relations)} relations")
    s = top
    z = own
    for depth in range(len(chain) - 1, -1, -1):
        rel = relations[depth]
        default = top_default if depth == len(chain) - 1 else reply_default
        z = chain[depth] + REPLY_WEIGHT * (default if rel is None else rel) * s
        s = side(z)
    return z


def read_through_threads(
    comments: Sequence[str], ancestries: Sequence[Ancestry], claim_z: Callable[[list[str]], list[float]]
) -> list[float]:
    """z of each comment read through its ancestry. `claim_z(texts)` is z of texts toward the claim, each text
    read once however many chains share it."""
    texts: dict[str, float] = {}
    wanted = list(dict.fromkeys([*comments, *(p for a in ancestries for p in a.parents)]))
    roots = list(dict.fromkeys(a.root for a in ancestries if a.root))
    for text, z in zip(wanted + roots, claim_z(wanted + roots), strict=True):
        texts[text] = z
    out: list[float] = []
    for comment, ancestry in zip(comments, ancestries, strict=True):
        top = root_side(texts[ancestry.root]) if ancestry.root else 0.0
        challenged = bool(ancestry.root) and invites_challenge(ancestry.root or "")
        relations = [relation(t) for t in (comment, *ancestry.parents)]
        out.append(through_thread(texts[comment], relations, [texts[p] for p in ancestry.parents], top, challenged))
    return out
