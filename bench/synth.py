"""Realistic synthetic comment threads for benchmarks.

Vocabulary follows Zipf's law (as real comment text does), comment lengths are log-normal (most comments are
a few sentences, a few are essays), and replies form a tree where early comments draw most replies. Topic
words from the bundled sample thread are mixed in so queries hit realistic term frequencies.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
from collections.abc import Iterator
from pathlib import Path

from storage.importers.records import CommentRecord
from storage.sample import sample_bytes

FUNCTION_WORDS = (
    "the of and to a in is that it for on was with as i this be are not but have you they at or by from "
    "what so we if about all an more one just can there do their would like think has been my which some "
    "when people no them out than its only also because how even much other very really who any most"
).split()
SYLLABLES = "ka lo mi re su ta ne vo pi da lu ge ro ba fi te sa mo ni qu ze ra po li".split()


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    seed_words = sorted({w.lower() for w in re.findall(r"[A-Za-z]{4,}", sample_bytes().decode("utf-8"))})
    words = list(FUNCTION_WORDS) + seed_words
    while len(words) < size:
        words.append("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return words


def _zipf_sampler(rng: random.Random, vocabulary: list[str]) -> Iterator[str]:
    weights = [1.0 / (rank + 1) ** 1.07 for rank in range(len(vocabulary))]
    while True:
        yield from rng.choices(vocabulary, weights=weights, k=4096)


def comments(count: int, seed: int = 7, vocabulary_size: int = 50_000) -> Iterator[CommentRecord]:
    rng = random.Random(seed)
    words = _zipf_sampler(rng, _vocabulary(rng, vocabulary_size))
    authors = [f"user{n}" for n in range(max(10, count // 20))]
    for index in range(count):
        length = max(3, min(600, int(math.exp(rng.gauss(3.6, 0.9)))))
        sentences: list[str] = []
        sentence: list[str] = []
        for _ in range(length):
            sentence.append(next(words))
            if len(sentence) > 6 and rng.random() < 0.12:
                sentences.append(" ".join(sentence).capitalize() + rng.choice(".?!."))
                sentence = []
        if sentence:
            sentences.append(" ".join(sentence).capitalize() + ".")
        parent = None
        if index and rng.random() < 0.7:
            parent = f"s{int(index * rng.random() ** 2)}"
        yield CommentRecord(
            source_id=f"s{index}",
            parent_id=parent,
            author=rng.choice(authors),
            created_at=f"2026-01-{1 + index % 28:02d}T{index % 24:02d}:00:00+00:00",
            url=f"https://example.org/thread/1#c{index}",
            text=" ".join(sentences),
        )


def queries(count: int, seed: int = 11) -> list[str]:
    """Queries like users type: one to four words, mostly topic words, sometimes with filler."""
    rng = random.Random(seed)
    vocabulary = _vocabulary(rng, 50_000)
    topical = vocabulary[len(FUNCTION_WORDS) : len(FUNCTION_WORDS) + 2000]
    out = []
    for _ in range(count):
        picked = [rng.choice(topical) for _ in range(rng.randint(1, 4))]
        if rng.random() < 0.3:
            picked.insert(0, rng.choice(["what about", "the", "why", "is"]))
        out.append(" ".join(picked))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="write a synthetic thread as JSONL (generic importer format)")
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    with args.out.open("w", encoding="utf-8") as handle:
        for record in comments(args.count):
            row = {
                "id": record.source_id,
                "parent_id": record.parent_id,
                "author": record.author,
                "created_at": record.created_at,
                "url": record.url,
                "text": record.text,
            }
            handle.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
