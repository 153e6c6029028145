"""Who speaks next: round-robin, fair to those who have spoken least.

Among people waiting, the one called fewest times this session goes first; ties go to whoever has written
fewest messages, then to whoever raised a hand first. Being called puts you behind everyone not yet called
as often, so nobody is called twice while another waits for a first turn."""

from __future__ import annotations

from collections.abc import Sequence

from storage.session_store import QueueRow


def fair_order(waiting: Sequence[QueueRow]) -> list[QueueRow]:
    return sorted(waiting, key=lambda row: (row.turns, row.messages, row.raised_at, row.user_id))
