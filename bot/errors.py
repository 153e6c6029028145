"""Exceptions that carry a message meant for the user; `bot.core` turns them into `ErrorReply`s."""

from __future__ import annotations


class UserFacingError(Exception):
    """A problem the user can fix. `hint` says how."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(UserFacingError):
    """The command was malformed: unknown name, missing argument, bad option."""


class NotFoundError(UserFacingError):
    """Something the command named does not exist in this space (an archive, a schedule...)."""


class PermissionDeniedError(UserFacingError):
    """A member tried a moderator-only command."""
