"""Replies split at Discord's limits, and quoted mentions that never ping."""

from __future__ import annotations

from adapters.discord.inbound import space_key
from bot.context import Context
from bot.core import Bot
from bot.models import Command, Reply, TextReply
from bot.registry import CommandSpec
from bot.times import now_iso
from storage.importers.records import CommentRecord
from tests.discord.conftest import StartBot, World
from tests.discord.fake_discord import FakeDiscord

ESSAY = "\n\n".join(f"Paragraph {i}: " + " ".join(["words"] * 60) for i in range(20))  # ~7,500 characters


def add_essay(bot: Bot) -> None:
    async def essay(ctx: Context, command: Command) -> Reply:
        """Say something long."""
        return TextReply(text=ESSAY)

    bot.registry.add(CommandSpec(name="essay", handler=essay, help="Say something long."))


async def test_long_reply_is_split_into_messages_under_2000(
    fake: FakeDiscord, bot: Bot, start_bot: StartBot
) -> None:
    add_essay(bot)
    running = await start_bot()
    interaction = await fake.slash(running.world.general, running.world.alice, "essay")
    await fake.wait_for(lambda: len(interaction.sent) >= 4)
    assert [s.via for s in interaction.sent] == ["response", "followup", "followup", "followup"]
    assert all(len(s.content) <= 2000 for s in interaction.sent)
    assert " ".join(s.content for s in interaction.sent).split() == ESSAY.split()
    assert all(s.payload["allowed_mentions"] == {"parse": []} for s in interaction.sent)


async def test_long_reply_by_mention_is_split_too(fake: FakeDiscord, bot: Bot, start_bot: StartBot) -> None:
    add_essay(bot)
    running = await start_bot()
    await fake.user_message(running.world.general, running.world.alice, f"{fake.me.mention} essay")
    sent = await fake.wait_for(lambda: len(fake.sent) >= 4 and fake.sent)
    assert all(len(s.content) <= 2000 for s in sent)
    assert "message_reference" in sent[0].payload and "message_reference" not in sent[1].payload


async def test_long_quotes_are_clipped_to_one_embed_each(
    fake: FakeDiscord, world: World, bot: Bot, start_bot: StartBot
) -> None:
    """Quotes of 5,000 characters: each is one embed, clipped with a note of its length, one per message
    (two do not fit in 6,000 characters)."""
    long = [
        CommentRecord(
            source_id=f"l{i}", text=f"Long comment {i} about tokens. " + "Blah blah. " * 450, author=f"a{i}"
        )
        for i in range(3)
    ]
    await bot.context.stores.archives.import_records(
        space_key(world.alpha.id), "long", long, created_at=now_iso(bot.context)
    )
    running = await start_bot()
    interaction = await fake.slash(
        running.world.general, running.world.alice, "quote", query="tokens", archive="long"
    )
    await fake.wait_for(lambda: len(interaction.sent) >= 3)
    assert [len(s.embeds) for s in interaction.sent] == [1, 1, 1]
    for sent in interaction.sent:
        description = sent.embeds[0]["description"]
        assert len(description) <= 4096
        assert description.endswith(f"[cut: {len(long[0].text):,} characters in all]")


async def test_quoted_mentions_stay_inert(
    fake: FakeDiscord, world: World, bot: Bot, start_bot: StartBot
) -> None:
    """@everyone, @here, role and user mentions in quoted text are sent with `allowed_mentions: parse []`."""
    role = world.alpha.add_role("Everyone-ish")
    text = f"Ping @everyone and @here, <@&{role.id}> and <@{world.alice.id}> about tokens"
    await bot.context.stores.archives.import_records(
        space_key(world.alpha.id),
        "pings",
        [CommentRecord("p", text, author="x")],
        created_at=now_iso(bot.context),
    )
    await bot.context.stores.archives.import_records(
        space_key(world.alpha.id),
        "quiet",
        [CommentRecord("q", "Calm words.")],
        created_at=now_iso(bot.context),
    )
    running = await start_bot()
    await fake.slash(world.general, world.alice, "quote", query="tokens", archive="pings")
    await fake.slash(world.general, world.alice, "quote", query=f"@everyone <@&{role.id}>", archive="quiet")
    await fake.user_message(world.general, world.alice, f"{fake.me.mention} quote tokens --archive pings")
    await fake.wait_for(lambda: len(fake.sent) >= 3)
    contents = [s.text() for s in fake.sent]
    assert any("@everyone" in c and f"<@&{role.id}>" in c for c in contents)
    assert any("@everyone" in s.content for s in fake.sent)  # the no-match note echoes the query as content
    for sent in fake.sent:
        assert sent.payload["allowed_mentions"]["parse"] == []
        assert sent.payload["allowed_mentions"].get("replied_user", False) is False
    mentions = running.client.allowed_mentions
    assert mentions is not None and dict(mentions.to_dict()) == {"parse": []}
