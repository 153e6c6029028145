"""A comment and a direct reply that pushes back on it: which pairs are worth a prompt, and the word cues that
judge a reply only when no stance model is installed.

The miner (mining.py) asks the stance pipeline (`ctx.services.stance.pushback`) for the probability that each
reply disagrees with its parent; only without a model do these cues decide ("No,", "I disagree", "not really",
"Actually", a leading "But"), and the prompt then says it is rough. The quotes are always verbatim.
"""

from __future__ import annotations

import re

from storage.prompt_store import ReplyPair

THRESHOLD = 0.5
MIN_PARENT_CHARS = 40
MIN_REPLY_CHARS = 15

# A reply that *opens* with one of these is pushing back; they weigh most.
OPENING_CUES = (
    "no,", "no.", "no!", "nope", "not really", "not quite", "not true", "not necessarily", "not so",
    "but ", "actually", "i disagree", "disagree", "i don't think", "i don't agree", "i do not agree",
    "i'm not sure", "i am not sure", "i doubt", "wrong", "that's not", "that is not", "that isn't",
    "this is not", "this isn't", "that's wrong", "on the contrary", "i'd push back", "i would push back",
    "respectfully", "counterpoint", "i beg to differ", "that's a stretch", "hmm, ", "sorry, but", "except ",
    "strongly disagree", "not at all", "nah",
)  # fmt: skip
# Anywhere in a reply these still lean against the parent.
ANYWHERE_CUES = (
    "i disagree", "i don't agree", "i do not agree", "not really", "not true", "i don't think so",
    "that's wrong", "you're wrong", "you are wrong", "push back", "beg to differ", "on the contrary",
    "not necessarily", "doesn't follow", "does not follow", "i doubt", "misleading", "not convinced",
    "unconvincing", "that's not how", "overstated", "i'm skeptical", "i am skeptical",
)  # fmt: skip
_SPACE = re.compile(r"\s+")


def _normal(text: str) -> str:
    return _SPACE.sub(" ", text.replace("\u2019", "'").casefold()).strip()


def cue_score(reply_text: str) -> float:
    """How strongly a reply's wording pushes back, 0 to 1 (an opening cue alone is 2/3)."""
    text = _normal(reply_text)
    opening = 2 if any(text.startswith(cue) for cue in OPENING_CUES) else 0
    anywhere = sum(cue in text for cue in ANYWHERE_CUES)
    return min(1.0, (opening + min(anywhere, 2)) / 3)


def eligible(pair: ReplyPair) -> bool:
    """A pair worth posting: a claim long enough to discuss, a real answer, two different people."""
    parent, reply = pair.parent, pair.reply
    if len(parent.text.strip()) < MIN_PARENT_CHARS or len(reply.text.strip()) < MIN_REPLY_CHARS:
        return False
    return not (parent.author and reply.author and parent.author == reply.author)
