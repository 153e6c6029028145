"""Archive names: short slugs that are easy to type in a chat command."""

from __future__ import annotations

import re

from storage.importers.records import ImportFormatError
from storage.sample import SAMPLE_ARCHIVE

_VALID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
_INVALID_CHARS = re.compile(r"[^a-z0-9_.-]+")


def check_archive_name(name: str) -> str:
    """`name` if an import may create or add to an archive of that name (never the bundled sample's)."""
    if not _VALID.match(name):
        raise ImportFormatError(
            f"archive name {name[:80]!r} is not allowed: use 1-64 lower-case letters, digits, '-', '_' or '.', "
            "starting with a letter or digit (e.g. --archive my-thread)."
        )
    if name == SAMPLE_ARCHIVE:
        raise ImportFormatError(
            f"archive name {name!r} is the bundled sample's: an archive of that name would hide it; "
            f"give another name with --archive (e.g. --archive my-{name})."
        )
    return name


def archive_name_from(stem: str) -> str:
    """A valid archive name derived from a file name."""
    slug = _INVALID_CHARS.sub("-", stem.lower()).strip("-._")[:64]
    return slug or "imported"
