"""Short replies read with their parent, and quoted text read as context: the engine on the cases a thread has."""

from __future__ import annotations

from bot.engine.loader import Engine
from bot.engine.replies import ParentReading, is_short_reply
from bot.engine.stance import StanceClassifier

from .conftest import needs_models

CLAIM = "Essential oils have real healing properties"
PARENT = "There's plenty of evidence that essential oils heal skin infections."


def test_only_short_replies_lean_on_their_parent() -> None:
    """A few words of one's own lean on the parent; a quoted parent does not make a reply long."""
    assert is_short_reply("No, there's really not.")
    assert is_short_reply("> " + " ".join(["quoted"] * 60) + "\n\nSo? It's still the number one killer.")
    assert not is_short_reply(" ".join(["word"] * 40))


def test_a_denial_turns_its_parents_side_and_agreement_keeps_it() -> None:
    """The link's sign decides the side taken through the parent; an unclear link leaves the reply's own reading."""
    assert ParentReading(own=0.0, parent=3.0, link=-3.0).z < -2.5
    assert ParentReading(own=0.0, parent=3.0, link=3.0).z > 2.5
    assert abs(ParentReading(own=-1.0, parent=3.0, link=0.0).z - -1.0) < 1e-9


@needs_models
def test_no_under_an_agreeing_parent_disagrees(engine: Engine) -> None:
    """"No, there's really not." answering a comment that agrees is counted disagree, and on topic."""
    assert engine.stance.read_parents
    report = engine.stance.classify(CLAIM, [PARENT, "No, there's really not."], parents=[None, PARENT])
    parent, reply = report.results
    assert parent.stance == "agree"
    assert reply.stance == "disagree"
    alone = engine.stance.classify(CLAIM, [PARENT, "No, there's really not."])
    assert alone.results[1].stance != "disagree"  # read alone it says nothing about oils


@needs_models
def test_agreeing_with_an_agreeing_parent_agrees(engine: Engine) -> None:
    report = engine.stance.classify(CLAIM, [PARENT, "Exactly, the studies are clear."], parents=[None, PARENT])
    assert report.results[1].stance == "agree"


@needs_models
def test_a_long_reply_is_read_on_its_own(engine: Engine) -> None:
    """Only short replies lean on the parent: a long one is judged by its own words, as before."""
    long_reply = (
        "I have read the trials people cite for this and they are tiny, unblinded and funded by the sellers. "
        "Essential oils smell nice, but they do not heal anything, and nobody should treat an infection with them."
    )
    with_parent = engine.stance.classify(CLAIM, [long_reply], parents=[PARENT])
    alone = engine.stance.classify(CLAIM, [long_reply])
    assert with_parent.results[0] == alone.results[0]
    assert with_parent.results[0].stance == "disagree"


@needs_models
def test_parent_reading_has_its_own_cache_identity(engine: Engine) -> None:
    """A short reply's z depends on its parent: z cached without parent reading is never reused with it."""
    alone = StanceClassifier(engine.nli, engine.embedder, head=engine.stance.head, evidence=engine.stance.evidence)
    assert alone.logit_identity() != engine.stance.logit_identity()
    assert alone.relevance_identity() != engine.stance.relevance_identity()


@needs_models
def test_a_quoted_claim_then_its_rebuttal_counts_with_the_rebuttal(engine: Engine) -> None:
    """A reply that quotes the claim (`>` lines) to rebut it disagrees; read whole, the quote pulls it to agree."""
    claim = "Remote work makes teams more productive"
    comment = (
        "> Remote work makes teams more productive.\n\n"
        "It does the opposite. Every team I have seen go remote got slower: meetings doubled, decisions waited "
        "days for someone to answer, and nothing shipped on time."
    )
    assert engine.stance.classify(claim, [comment]).results[0].stance == "disagree"
