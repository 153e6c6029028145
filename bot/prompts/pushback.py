"""Finding where the thread disagrees: a comment and a direct reply that pushes back on it.

`judge_pairs` takes the candidate pairs and asks the stance pipeline (`ctx.services.stance`) for the probability
that each reply disagrees with its parent; only when there is none (no model installed) or it fails do lexical
cues decide ("No,", "I disagree", "not really",
"Actually", a leading "But"). The cues are rough, so they only pick candidates; the quotes are always verbatim.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.context import Context
from storage.prompt_store import ReplyPair

log = logging.getLogger(__name__)

THRESHOLD = 0.5
MODEL_PAIRS = 32
"""How many reply pairs the stance model judges for one pool, likeliest first: a thread's clearest disputes
within 1-4 s of NLI on 2 cores (30-120 ms a pair; bench/pushback_eval.py)."""
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
# Words the archive's full-text index pre-selects candidate replies by (FTS5 query, every term quoted).
FTS_CUES = (
    "disagree", "actually", "wrong", "nope", "not really", "not true", "not necessarily", "doubt",
    "push back", "contrary", "misleading", "convinced", "skeptical", "don't think", "but", "no",
)  # fmt: skip
_SPACE = re.compile(r"\s+")


def fts_query() -> str:
    """The cue words as an FTS5 query: any of them, each quoted so none is read as an operator."""
    return " OR ".join(f'"{cue}"' for cue in FTS_CUES)


def _normal(text: str) -> str:
    return _SPACE.sub(" ", text.replace("\u2019", "'").casefold()).strip()


def cue_score(reply_text: str) -> float:
    """How strongly a reply's wording pushes back, 0 to 1 (an opening cue alone is 2/3)."""
    text = _normal(reply_text)
    opening = 2 if any(text.startswith(cue) for cue in OPENING_CUES) else 0
    anywhere = sum(cue in text for cue in ANYWHERE_CUES)
    return min(1.0, (opening + min(anywhere, 2)) / 3)


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A comment (the claim) and a reply that pushes back on it; `strength` 0-1; `rough` if by word cues."""

    pair: ReplyPair
    strength: float
    rough: bool

    @property
    def key(self) -> str:
        return f"d:{self.pair.parent.id}"


def eligible(pair: ReplyPair) -> bool:
    """A pair worth posting: a claim long enough to discuss, a real answer, two different people."""
    parent, reply = pair.parent, pair.reply
    if len(parent.text.strip()) < MIN_PARENT_CHARS or len(reply.text.strip()) < MIN_REPLY_CHARS:
        return False
    return not (parent.author and reply.author and parent.author == reply.author)


async def judge_pairs(ctx: Context, pairs: Sequence[ReplyPair]) -> list[Disagreement]:
    """The pairs where the reply disagrees with its parent, strongest first, one per parent comment."""
    candidates = [pair for pair in pairs if eligible(pair)]
    if not candidates:
        return []
    scores: list[float] | None = None
    pipeline = ctx.services.stance
    if pipeline is not None:
        # the model reads each pair once: the likeliest pushbacks first, at most MODEL_PAIRS
        ranked = sorted(enumerate(candidates), key=lambda item: (-cue_score(item[1].reply.text), item[0]))
        read = [pair for _, pair in ranked[:MODEL_PAIRS]]
        try:
            judged = await pipeline.pushback(read)
            if judged is not None and len(judged) != len(read):
                raise ValueError(f"{len(judged)} scores for {len(read)} pairs")
            if judged is not None:  # only the pairs the model read; without it the cues read them all
                candidates, scores = read, list(judged)
        except Exception:
            log.exception("the stance service failed on reply pairs; using word cues")
            scores = None
    rough = scores is None
    if scores is None:
        scores = [cue_score(pair.reply.text) for pair in candidates]
    best: dict[int, Disagreement] = {}
    for pair, score in zip(candidates, scores, strict=True):
        if score < THRESHOLD:
            continue
        found = Disagreement(pair=pair, strength=float(score), rough=rough)
        current = best.get(pair.parent.id)
        if current is None or (found.strength, -pair.reply.id) > (current.strength, -current.pair.reply.id):
            best[pair.parent.id] = found
    return sorted(best.values(), key=lambda d: (-d.strength, d.pair.parent.id))
