"""`prompt suggest|queue|approve|reject`: members suggest prompts; approved ones take their turn in the rotation."""

from __future__ import annotations

from bot.context import Context
from bot.errors import NotFoundError, UsageError
from bot.models import Command, Reply, TextReply
from bot.numbers import whole_number
from bot.registry import Param, Registry
from bot.times import iso, now_utc

commands = Registry()
GROUP = "prompts"
MIN_CHARS = 10
MAX_CHARS = 500
MAX_PENDING_PER_MEMBER = 5


@commands.command("prompt suggest", param=Param("text", "the question you would like the channel to discuss", True),
                  group=GROUP)  # fmt: skip
async def prompt_suggest(ctx: Context, command: Command) -> Reply:
    """Suggest a discussion prompt for this channel; a moderator reviews it (`prompt queue`)."""
    text = " ".join(command.text.split())
    if len(text) < MIN_CHARS:
        raise UsageError("That suggestion is too short to discuss.", hint="Write the question in full.")
    if len(text) > MAX_CHARS:
        raise UsageError(f"Suggestions are at most {MAX_CHARS} characters; that one has {len(text)}.",
                         hint="Shorten it to one question.")  # fmt: skip
    place, actor = command.place, command.actor
    store = ctx.stores.prompts
    if await store.same_suggestion(place.space_key, place.channel, text) is not None:
        raise UsageError("That prompt has been suggested here already.", hint="A moderator will review it.")
    if await store.pending_count(place.space_key, place.channel, actor.user_id) >= MAX_PENDING_PER_MEMBER:
        raise UsageError(f"You have {MAX_PENDING_PER_MEMBER} suggestions waiting for review here.",
                         hint="Wait until a moderator has looked at them.")  # fmt: skip
    number = await store.add_suggestion(
        place.space_key, place.channel, text, actor.user_id, actor.display_name, iso(now_utc(ctx))
    )
    return TextReply(
        title="Thanks for the suggestion",
        text=f"Suggestion #{number} is waiting for a moderator (`prompt queue`).",
        ephemeral=True,
    )


@commands.command("prompt queue", moderator_only=True, group=GROUP)
async def prompt_queue(ctx: Context, command: Command) -> Reply:
    """List this channel's suggested prompts waiting for review, and the approved ones still in rotation."""
    store = ctx.stores.prompts
    place = command.place
    pending = await store.suggestions(place.space_key, place.channel, "pending")
    approved = await store.suggestions(place.space_key, place.channel, "approved")
    lines = [f"#{s.id} from {s.author_name}: {s.text}" for s in pending]
    if not pending:
        text = "No suggestion is waiting for review."
    else:
        text = "Approve with `prompt approve ID`, reject with `prompt reject ID`."
    if approved:
        lines.append(f"{len(approved)} approved suggestion(s) take their turn in the rotation.")
    return TextReply(title="Suggested prompts", text=text, lines=lines, ephemeral=True)


async def _decide(ctx: Context, command: Command, state: str, verb: str) -> Reply:
    words = command.text.split()
    hint = f"Usage: `prompt {verb} ID`; `prompt queue` lists them."
    if not words:
        raise UsageError("Which suggestion? Give its number.", hint=hint)
    number = whole_number(words[0].lstrip("#"), what="a suggestion number", hint=hint)
    store = ctx.stores.prompts
    place = command.place
    if not await store.decide(
        place.space_key, place.channel, number, state, command.actor.user_id, iso(now_utc(ctx))
    ):
        found = await store.suggestion(place.space_key, place.channel, number)
        if found is None:
            raise NotFoundError(
                f"There is no suggestion #{number} in this channel.", hint="`prompt queue` lists them."
            )
        raise UsageError(
            f"Suggestion #{number} was already {found.state}.", hint="`prompt queue` lists the waiting ones."
        )
    if state == "approved":
        return TextReply(
            title=f"Suggestion #{number} approved", text="It takes its turn in this channel's rotation."
        )
    return TextReply(title=f"Suggestion #{number} rejected", text="It will not be posted.")


@commands.command("prompt approve", param=Param("id", "the suggestion's number from `prompt queue`", True),
                  moderator_only=True, group=GROUP)  # fmt: skip
async def prompt_approve(ctx: Context, command: Command) -> Reply:
    """Approve a suggested prompt: it joins this channel's rotation."""
    return await _decide(ctx, command, "approved", "approve")


@commands.command("prompt reject", param=Param("id", "the suggestion's number from `prompt queue`", True),
                  moderator_only=True, group=GROUP)  # fmt: skip
async def prompt_reject(ctx: Context, command: Command) -> Reply:
    """Reject a suggested prompt: it is never posted."""
    return await _decide(ctx, command, "rejected", "reject")
