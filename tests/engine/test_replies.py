"""Replies read through the thread they answer, and quoted text read as context: the engine on the cases a thread has."""

from __future__ import annotations

from bot.engine.loader import Engine
from bot.engine.replies import (
    REPLY_WEIGHT,
    Ancestry,
    invites_challenge,
    is_short_reply,
    relation,
    through_thread,
)
from bot.engine.stance import StanceClassifier

from .conftest import needs_models

CLAIM = "Essential oils have real healing properties"
PARENT = "There's plenty of evidence that essential oils heal skin infections."
# A reply that never names oils or healing: alone it is off the claim; under PARENT it disputes it.
LONG_REPLY = (
    "Those studies were run by the companies that sell the product, on a dozen people each, with no control group. "
    "Anecdotes from a sales brochure are not evidence of anything, and people with a real infection need a doctor."
)


def test_only_short_replies_lean_on_their_parent_for_retrieval() -> None:
    """A few words of one's own are a short reply; a quoted parent does not make a reply long."""
    assert is_short_reply("No, there's really not.")
    assert is_short_reply("> " + " ".join(["quoted"] * 60) + "\n\nSo? It's still the number one killer.")
    assert not is_short_reply(" ".join(["word"] * 40))


def test_a_reply_opening_says_whether_it_agrees_with_what_it_answers() -> None:
    assert relation("No, there's really not.") == -1.0
    assert relation("So? It's still the number one killer.") == -1.0
    assert relation("I disagree: the trials were tiny.") == -1.0
    assert relation("I'd disagree with that, and I dispute the premise too.") == -1.0
    assert relation("I actually agree; the trials were well run.") == 1.0
    assert relation("Exactly, the studies are clear.") == 1.0
    assert relation("I agree, and it goes further than that.") == 1.0
    assert relation("&#8710; You changed my mind on this.") == 1.0
    assert relation(LONG_REPLY) is None  # says neither: the thread decides
    assert relation("True, but the studies are tiny.") is None  # a concession that turns is no agreement
    assert relation("> I agree with you\n\nNo, that is wrong.") == -1.0  # the quote is not the reply's opening


def test_the_chain_turns_at_each_dispute_in_a_thread_about_the_claim() -> None:
    """Under a "CMV:" title that states the claim: a top-level reply disputes it, a reply to that reply agrees
    again, and a reply that agrees with its parent keeps the parent's side."""
    top = 1.0  # the side of an opening statement that states the claim
    assert invites_challenge("CMV: school uniforms should be mandatory")
    assert not invites_challenge("School uniforms should be mandatory")
    assert through_thread(0.0, [None], [], top, challenged=True) < -2.0
    assert through_thread(0.0, [None, None], [0.0], top, challenged=True) > 2.0
    assert through_thread(0.0, [1.0, None], [0.0], top, challenged=True) < -2.0
    assert abs(through_thread(0.0, [None, None], [4.0], top)) <= REPLY_WEIGHT  # a side is bounded


def test_under_a_title_that_does_not_ask_for_challenge_top_level_comments_speak_for_themselves() -> None:
    """An essay titled with the claim: its top-level comments are read by their own words (many agree with an
    essay), and a reply to one of them, in a thread that argues the claim, disputes that comment."""
    assert through_thread(2.0, [None], [], 1.0) == 2.0
    assert through_thread(-2.0, [None], [], 1.0) == -2.0
    assert through_thread(0.0, [None, None], [2.0], 1.0) < -1.5
    assert through_thread(2.0, [-1.0], [], 1.0) < 0.0  # "No, ..." to the essay: the comment disputes it


def test_without_a_title_that_takes_a_side_only_cues_turn_a_reply() -> None:
    """In a thread that does not argue the claim (a supportive thread, a title that names a subject), a reply
    that says neither yes nor no is read by its own words; "No." still turns its parent's side."""
    assert through_thread(0.7, [None, None], [3.0], 0.0) == 0.7
    assert through_thread(0.7, [None, None, None], [3.0, -2.0], 0.0) == 0.7
    assert through_thread(0.0, [-1.0, None], [3.0], 0.0) < -2.0
    assert through_thread(0.0, [1.0, None], [3.0], 0.0) > 2.0


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
def test_a_long_reply_is_read_through_its_parent_in_a_thread_about_the_claim(engine: Engine) -> None:
    """A long reply that argues in other words with the poster's answer to a top-level objection disagrees where the
    thread's title states the claim, and is on topic through its parent; under a title that takes no side it keeps
    its own reading."""
    alone = engine.stance.classify(CLAIM, [LONG_REPLY]).results[0]
    top_level = "Oils are pleasant smells and nothing more; no trial has shown them healing anything."
    argued = Ancestry((PARENT, top_level), "CMV: essential oils have real healing properties")
    through = engine.stance.classify(CLAIM, [LONG_REPLY], parents=[argued]).results[0]
    assert through.stance == "disagree"
    assert through.relevance >= alone.relevance
    elsewhere = engine.stance.classify(CLAIM, [LONG_REPLY], parents=[Ancestry((PARENT,), "Our garden club")])
    assert abs(elsewhere.logits[0] - float(engine.stance.agree_logits(CLAIM, [LONG_REPLY])[0])) < 1e-9  # its own


@needs_models
def test_a_title_that_states_the_claim_sides_the_top_level_replies(engine: Engine) -> None:
    """On a thread titled with the claim, a top-level reply disputes it and a reply to that reply holds it; under
    a title that only names the subject, the same replies are read by their own words."""
    claim = "School uniforms should be mandatory"
    stating = "CMV: School uniforms should be mandatory in every public school."
    naming = "A discussion thread about school clothing"
    top_level = "Kids in my town wear what they like and nobody has ever had a problem with it."
    answer = "You are describing one small town; bullying over clothes is a daily thing in most schools."
    parents = [Ancestry((), stating), Ancestry((top_level,), stating)]
    first, second = engine.stance.classify(claim, [top_level, answer], parents=parents).results
    assert (first.stance, second.stance) == ("disagree", "agree")
    untitled = [Ancestry((), naming), Ancestry((top_level,), naming)]
    plain = engine.stance.classify(claim, [top_level, answer], parents=untitled)
    alone = engine.stance.classify(claim, [top_level, answer])
    assert plain.results[0].stance == alone.results[0].stance


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
