"""Short replies read with their parent: "No, there's really not." means nothing alone, and the opposite of its parent.

A reply of at most `SHORT_REPLY_WORDS` words of its own (quotes dropped) that answers a comment in the archive is
read in two steps: how its parent stands on the claim (z of the parent), and whether the reply agrees with its
parent's point (z of the reply toward the parent sentence most about the claim, read by the same NLI model and
head). The reply's z is then the parent's, kept or turned by that link, plus its own reading, which still
decides when the link is unclear. Choices measured in bench/cmv_dev.py (short replies of 8 r/changemyview
threads) and tests/stance/test_replies.py. No models here: the classifier passes its own scorers in.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.engine.evidence import own_text

SHORT_REPLY_WORDS = 20
LINK_SCALE = 0.5  # |z| of the link at which it counts as a firm yes or no (tanh(1) = 0.76); chosen on bench/cmv_dev.py
OWN_WEIGHT = 1.0  # the weight of the reply's own reading of the claim beside what it says through its parent


def is_short_reply(text: str) -> bool:
    """Whether a reply is short enough that its meaning rests on what it answers."""
    return len(own_text(text).split()) <= SHORT_REPLY_WORDS


@dataclass(frozen=True)
class ParentReading:
    """What the reading of a short reply is made of, for a caller that explains or tests it."""

    own: float  # the reply's z toward the claim, read alone
    parent: float  # the parent's z toward the claim
    link: float  # the reply's z toward its parent's point: > 0 it agrees with the parent, < 0 it denies it

    @property
    def z(self) -> float:
        return self.parent * math.tanh(self.link / LINK_SCALE) + OWN_WEIGHT * self.own


def read_with_parents(
    replies: Sequence[str],
    parents: Sequence[str],
    anchors: Sequence[str],
    claim_z: Callable[[list[str]], list[float]],
    link_z: Callable[[str, str], float],
) -> list[ParentReading]:
    """Each reply's reading through its parent. `anchors[i]` is the sentence of `parents[i]` most about the
    claim; `claim_z(texts)` is z of texts toward the claim; `link_z(anchor, reply)` is z of the reply toward the
    anchor (the anchor taken as the claim)."""
    own = claim_z([own_text(r) for r in replies])
    parent = claim_z(list(parents))
    links = [link_z(anchor, own_text(reply)) for anchor, reply in zip(anchors, replies, strict=True)]
    return [ParentReading(o, p, k) for o, p, k in zip(own, parent, links, strict=True)]
