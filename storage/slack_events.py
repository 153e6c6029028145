"""Which Slack events have been taken on, so an event Slack delivers again (a retry with `X-Slack-Retry-Num`,
the same `event_id`) is handled once, whichever worker process it reaches and even after a restart.

The first claim of an event id inserts its row and wins; every later claim finds the row and loses. Rows older
than `KEEP_SECONDS` are pruned: Slack stops retrying an event after a few minutes.
"""

from __future__ import annotations

from storage.sql import SqlDatabase

KEEP_SECONDS = 3600.0
"""How long a handled event id is remembered; Slack's last retry comes about five minutes after the event."""
PRUNE_EVERY_SECONDS = 60.0

CLAIM = (
    "INSERT INTO slack_events (event_id, claimed_at) VALUES (?, ?) "
    "ON CONFLICT (event_id) DO NOTHING RETURNING event_id"
)
PRUNE = "DELETE FROM slack_events WHERE claimed_at < ?"
COUNT = "SELECT count(*) FROM slack_events"


class SlackEventStore:
    def __init__(self, db: SqlDatabase) -> None:
        self.db = db
        self._next_prune = 0.0

    async def claim(self, event_id: str, *, now: float) -> bool:
        """True for the first claim of `event_id` (handle it), False for a repeat (acknowledge, do nothing).

        At most once a minute per process, the same transaction forgets ids older than `KEEP_SECONDS`."""
        async with self.db.transaction() as conn:
            if now >= self._next_prune:
                await conn.execute(PRUNE, (now - KEEP_SECONDS,))
                self._next_prune = now + PRUNE_EVERY_SECONDS
            async with conn.execute(CLAIM, (event_id, now)) as cursor:
                return await cursor.fetchone() is not None

    async def count(self) -> int:
        """How many event ids are remembered (for tests and maintenance)."""
        row = await self.db.fetchone(COUNT)
        return int(row[0]) if row is not None else 0
