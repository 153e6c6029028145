"""What an archive says on a claim, in the shape other features (sessions, prompts) take it from the stance
pipeline: how many comments lean each way and the clearest quote on each side."""

from __future__ import annotations

from dataclasses import dataclass

from storage.interface import StoredComment


@dataclass(frozen=True, slots=True)
class ArchiveSides:
    """What the archive says on a claim. `rough` means word cues, not a stance model, chose the sides."""

    archive: str
    matching: int  # comments considered (the best matches, at most CANDIDATES for the fallback)
    agree: StoredComment | None
    disagree: StoredComment | None
    agree_count: int
    disagree_count: int
    rough: bool

    @property
    def unclear_count(self) -> int:
        return max(0, self.matching - self.agree_count - self.disagree_count)

    def summary(self) -> str:
        """`Archive `sample`: 12 for, 8 against, 30 unclear (of 50 best matches; rough: word cues)`."""
        if self.matching == 0:
            return f"Archive `{self.archive}`: no comment matches the claim."
        counts = f"{self.agree_count} for, {self.disagree_count} against, {self.unclear_count} unclear"
        if self.rough:
            how = f"of the {self.matching} best matches; rough: sorted by word cues, not a stance model"
        else:
            how = f"of {self.matching} comments on the claim"
        return f"Archive `{self.archive}`: {counts} ({how})."


@dataclass(frozen=True, slots=True)
class Reading:
    """How one comment stands on a claim, as the stance pipeline read it (`label`: agree, disagree, neutral or
    unrelated; `confidence` 0.5-1; `relevance` the cosine, or word coverage without models)."""

    comment_id: int
    label: str
    confidence: float
    relevance: float


@dataclass(frozen=True, slots=True)
class Weighing:
    """A claim read against chosen comments: one reading each. `rough` means word cues, not a stance model."""

    readings: tuple[Reading, ...]
    rough: bool
