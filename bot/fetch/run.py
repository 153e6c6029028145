"""One link import from start to end, the same for the chat command, `archive follow` and `threadbot import URL`:
fetch everything first, then write it as one import keyed by the source's ids (storage: `SyncScope`).

Nothing is written until every request has succeeded, and the write itself is staged and published at once, so
a failure at any point imports nothing.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from bot.fetch.client import Client, FetchError, Sleep
from bot.fetch.guard import AddressPolicy, AddressRefusedError
from bot.fetch.links import Link, LinkError
from bot.fetch.sites import SITES, Fetched
from bot.settings import Settings
from storage.interface import ArchiveInfo, Store, SyncScope

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LinkImport:
    """What one link import did, for the reply, the log and a follow's last result."""

    link: Link
    archive: ArchiveInfo
    added: int
    updated: int
    deleted: int
    unchanged: int
    requests: int
    bytes: int
    seconds: float
    complete: bool
    notes: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)

    def headline(self) -> str:
        """'Imported 3 new comments from <link> into `hn-17` (3 in all).'"""
        changes = [f"{n:,} {what}" for n, what in ((self.updated, "edited"), (self.deleted, "deleted")) if n]
        also = f"; {', '.join(changes)}" if changes else ""
        noun = "comment" if self.added == 1 else "comments"
        return (
            f"Imported {self.added:,} new {noun} from {self.link.url} into `{self.archive.name}`{also} "
            f"({self.archive.comment_count:,} in all)."
        )

    def details(self) -> list[str]:
        """The figures and anything the user should know (what was left out, what was skipped)."""
        lines = [f"{self.requests} requests, {self.bytes / 1024:,.0f} KB, {self.seconds:.1f} s."]
        if self.unchanged:
            lines.append(f"{self.unchanged:,} already in the archive.")
        skipped = {k: v for k, v in self.skipped.items() if k != "unreadable_date"}
        if skipped:
            lines.append("Skipped: " + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in sorted(skipped.items())))
        lines += self.notes
        if not self.complete:
            lines.append("Deletions are applied only for comments the site marks as deleted, as not all were fetched.")
        return lines

    def short(self) -> str:
        """One line for a follow's status: '+3 new, 1 edited, 0 deleted'."""
        return f"+{self.added} new, {self.updated} edited, {self.deleted} deleted"


def check_address(link: Link, settings: Settings) -> None:
    """Refuse at once a link written with an address the policy refuses (127.0.0.1, 10.0.0.5)."""
    try:
        AddressPolicy.from_setting(settings.fetch_allow_private).check_host(link.hostname)
    except AddressRefusedError as refused:
        raise LinkError(
            f"I don't fetch {link.url[:200]}: {refused}.",
            hint="threadbot fetches public addresses only; an operator can allow others with "
            "THREADBOT_FETCH_ALLOW_PRIVATE.",
        ) from None


async def fetch_thread(link: Link, settings: Settings, *, sleep: Sleep = asyncio.sleep) -> tuple[Fetched, Client]:
    """The whole thread behind `link`, within the import's time limit; the client holds the figures."""
    async with Client(settings, sleep=sleep) as client:
        try:
            async with asyncio.timeout(settings.fetch_total_seconds):
                return await SITES[link.site](client, link), client
        except TimeoutError:
            raise FetchError(
                f"Fetching {link.url[:200]} took longer than {settings.fetch_total_seconds:g} s "
                f"(THREADBOT_FETCH_TOTAL_SECONDS), after {client.requests} requests. Nothing was imported.",
                hint="Try again later, or export the thread to a file.",
            ) from None


async def import_link(
    store: Store,
    link: Link,
    *,
    space_key: str,
    archive_name: str,
    settings: Settings,
    created_at: str,
    sleep: Sleep = asyncio.sleep,
) -> LinkImport:
    """Fetch the thread behind `link` and bring the archive in step with it (new, edited, deleted comments)."""
    check_address(link, settings)
    fetched, client = await fetch_thread(link, settings, sleep=sleep)
    thread = fetched.thread
    scope = SyncScope(origin=fetched.origin, complete=fetched.complete, gone=frozenset(thread.gone))
    result = await store.import_records(
        space_key,
        archive_name,
        thread.records,
        created_at=created_at,
        title=thread.title,
        source=f"{link.site} link {link.url[:300]}",
        sync=scope,
    )
    done = LinkImport(
        link=link,
        archive=result.archive,
        added=result.added,
        updated=result.updated,
        deleted=result.deleted,
        unchanged=result.skipped_existing,
        requests=client.requests,
        bytes=client.bytes,
        seconds=client.seconds,
        complete=fetched.complete,
        notes=fetched.notes,
        skipped=dict(thread.skipped),
    )
    log.info("link import %s into %s/%s: %s, %d requests, %d bytes, %.1f s", link.key, space_key,
             result.archive.name, done.short(), done.requests, done.bytes, done.seconds)  # fmt: skip
    return done
