"""Small text helpers for the engine: words, stems, claim negation, near-duplicate detection. No models."""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor
    not of off on once only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves s t don isn
    aren wasn weren ll ve re d m""".split()
)

_SUFFIXES = ("ational", "ization", "fulness", "ousness", "iveness", "ations", "ation", "ments", "ment", "ness",
             "ings", "ing", "ies", "ied", "ers", "er", "ed", "ly", "es", "s")


def words(text: str) -> list[str]:
    """Lower-cased word tokens (apostrophes kept inside words: "don't")."""
    return [w.casefold() for w in _WORD.findall(text)]


def stem(word: str) -> str:
    """A crude suffix-stripping stem, enough to match "ban", "bans", "banned", "banning" in the lexical fallback."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if len(base) >= 4 and base[-1] == base[-2] and base[-1] not in "lsaeiou":
                base = base[:-1]  # "banned" -> "bann" -> "ban"
            return base
    return word


def content_stems(text: str) -> list[str]:
    """Stems of the words of `text` that are not stop words."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1]


_AUX = frozenset("is are was were am should must can could will would may might shall does do did".split())
_HAVE = {"has": "does", "have": "do", "had": "did"}
_CONTRACTED = {
    "isn't": "is", "aren't": "are", "wasn't": "was", "weren't": "were", "shouldn't": "should",
    "mustn't": "must", "can't": "can", "couldn't": "could", "won't": "will", "wouldn't": "would",
    "mightn't": "might", "doesn't": "does", "don't": "do", "didn't": "did", "hasn't": "has",
    "haven't": "have", "hadn't": "had", "cannot": "can",
}
_TOKEN = re.compile(r"\S+")


def negate_claim(claim: str) -> str:
    """The claim's negation by a rule: "X should be Y" -> "X should not be Y", "X is not Y" -> "X is Y".

    Used as a second NLI hypothesis: a comment that entails the negation disagrees with the claim. Claims with
    no auxiliary verb become "It is not true that ...".
    """
    text = claim.strip().rstrip(".!?")
    tokens = list(_TOKEN.finditer(text))
    for i, match in enumerate(tokens):
        word = match.group().casefold().replace("\u2019", "'")
        bare = word.strip(",;:\"()")
        if bare in _CONTRACTED:
            return _splice(text, match, _keep_case(match.group(), _CONTRACTED[bare]))
        if bare in _AUX or bare in _HAVE:
            nxt = tokens[i + 1].group().casefold() if i + 1 < len(tokens) else ""
            if nxt == "not":
                return text[: match.end()] + text[tokens[i + 1].end() :]
            if bare in _HAVE and not (nxt == "been" or nxt.endswith(("ed", "en"))):
                return _splice(text, match, _keep_case(match.group(), f"{_HAVE[bare]} not have"))
            return text[: match.end()] + " not" + text[match.end() :]
    if not tokens:
        return text
    first = tokens[0].group()
    lead = text if first.isupper() and len(first) > 1 else text[0].lower() + text[1:]
    return "It is not true that " + lead


def _splice(text: str, match: re.Match[str], replacement: str) -> str:
    return text[: match.start()] + replacement + text[match.end() :]


def _keep_case(original: str, replacement: str) -> str:
    return replacement[0].upper() + replacement[1:] if original[:1].isupper() else replacement


def shingles(text: str, n: int = 3) -> set[tuple[str, ...]]:
    """Word n-grams of `text` (its words if it has fewer than n)."""
    w = words(text)
    if len(w) < n:
        return {tuple(w)} if w else set()
    return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}


def containment(a: str, b: str, n: int = 3) -> float:
    """Share of `a`'s word n-grams that also occur in `b` (1.0: `a` is wholly quoted in `b`)."""
    sa = shingles(a, n)
    if not sa:
        return 0.0
    return len(sa & shingles(b, n)) / len(sa)
