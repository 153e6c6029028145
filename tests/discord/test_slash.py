"""Every slash command answered with the right content; moderators, autocomplete and per-guild spaces."""

from __future__ import annotations

from adapters.discord.inbound import space_key
from bot.times import now_iso
from storage.importers.records import CommentRecord
from tests.discord.conftest import Running
from tests.discord.fake_discord import Sent

ALPHA_NOTES = [
    CommentRecord(
        source_id="n1", text="Alpha thinks tokens are cheap.", author="ann", url="https://alpha.example/n1"
    ),
    CommentRecord(source_id="n2", text="Alpha also likes gardening.", author="ben"),
]


async def answer(running: Running, count: int = 1) -> list[Sent]:
    """The first `count` messages the bot sent in answer to interactions, once there are that many."""
    fake = running.fake

    def answered() -> list[Sent]:
        sent = [s for s in fake.sent if s.interaction is not None]
        return sent[:count] if len(sent) >= count else []

    return list(await fake.wait_for(answered))


async def test_quote_answers_with_cited_embeds(running: Running) -> None:
    fake, world = running.fake, running.world
    interaction = await fake.slash(world.general, world.alice, "quote", query="tokens")
    (response,) = await answer(running)
    assert response.via == "response" and not response.ephemeral
    assert response.payload["allowed_mentions"] == {"parse": []}
    assert 1 <= len(response.embeds) <= running.bot.context.settings.quotes_per_reply
    for embed in response.embeds:
        assert "**token" in embed["description"].lower()
        assert embed["footer"]["text"].startswith("archive sample")
        assert embed["title"]
    assert interaction.response_type == 4


async def test_quote_with_archive_option_reads_that_archive(running: Running) -> None:
    fake, world = running.fake, running.world
    await running.bot.context.stores.archives.import_records(
        space_key(world.alpha.id), "alpha-notes", ALPHA_NOTES, created_at=now_iso(running.bot.context)
    )
    await fake.slash(world.general, world.alice, "quote", query="tokens", archive="alpha-notes")
    (response,) = await answer(running)
    (embed,) = response.embeds
    assert embed["title"] == "ann" and embed["url"] == "https://alpha.example/n1"
    assert embed["description"] == "Alpha thinks **tokens** are cheap."


async def test_help_lists_every_command_and_explains_one(running: Running) -> None:
    fake, world = running.fake, running.world
    await fake.slash(world.general, world.alice, "help")
    (listing,) = await answer(running)
    assert listing.embeds[0]["title"] == "threadbot commands"
    for name in running.bot.registry.names():  # a long list continues in a second embed
        assert f"`{name}" in listing.text()
    await fake.slash(world.general, world.alice, "help", command="quote")
    _, detail = await answer(running, 2)
    assert detail.embeds[0]["title"] == "quote" and "Usage: `quote" in detail.embeds[0]["description"]


async def test_archives_lists_the_sample(running: Running) -> None:
    fake, world = running.fake, running.world
    await fake.slash(world.general, world.alice, "archives")
    (response,) = await answer(running)
    assert "`sample`" in response.embeds[0]["description"]


async def test_member_is_refused_a_moderator_command_ephemerally(running: Running) -> None:
    fake, world = running.fake, running.world
    await fake.slash(world.general, world.alice, "archive use", name="sample")
    (response,) = await answer(running)
    assert response.ephemeral and "moderators only" in response.content
    assert (
        await running.bot.context.stores.archives.get_channel_setting(
            space_key(world.alpha.id), str(world.general.id), "archive"
        )
        is None
    )


async def test_manage_messages_and_a_configured_role_make_a_moderator(running: Running) -> None:
    fake, world = running.fake, running.world
    await running.bot.context.stores.archives.import_records(
        space_key(world.alpha.id), "alpha-notes", ALPHA_NOTES, created_at=now_iso(running.bot.context)
    )
    by_mod = await fake.slash(world.general, world.moderator, "archive use", name="alpha-notes")
    by_archivist = await fake.slash(world.general, world.archivist, "archive use", name="sample")
    await fake.wait_for(lambda: by_mod.sent and by_archivist.sent)
    assert "now reads `alpha-notes`" in by_mod.sent[0].content and not by_mod.sent[0].ephemeral
    assert "now reads `sample`" in by_archivist.sent[0].content


async def test_errors_are_ephemeral(running: Running) -> None:
    fake, world = running.fake, running.world
    await fake.slash(world.general, world.alice, "quote", query="tokens", archive="nope")
    (response,) = await answer(running)
    assert response.ephemeral and "no archive named `nope`" in response.content


async def test_autocomplete_offers_only_this_guilds_archives(running: Running) -> None:
    fake, world = running.fake, running.world
    await running.bot.context.stores.archives.import_records(
        space_key(world.alpha.id), "alpha-notes", ALPHA_NOTES, created_at=now_iso(running.bot.context)
    )
    in_alpha = await fake.autocomplete(world.general, world.alice, "quote", "archive", archive="")
    in_beta = await fake.autocomplete(world.beta_general, world.bob, "quote", "archive", archive="")
    typed = await fake.autocomplete(world.general, world.alice, "quote", "archive", archive="sam")
    await fake.wait_for(lambda: all(i.choices is not None for i in (in_alpha, in_beta, typed)))
    assert {c["value"] for c in in_alpha.choices or []} == {"alpha-notes", "sample"}
    assert {c["value"] for c in in_beta.choices or []} == {"sample"}
    assert [c["value"] for c in typed.choices or []] == ["sample"]


async def test_two_guilds_cannot_see_each_others_archives(running: Running) -> None:
    fake, world = running.fake, running.world
    await running.bot.context.stores.archives.import_records(
        space_key(world.alpha.id), "alpha-notes", ALPHA_NOTES, created_at=now_iso(running.bot.context)
    )
    listing = await fake.slash(world.beta_general, world.bob, "archives")
    refused = await fake.slash(
        world.beta_general, world.bob, "quote", query="gardening", archive="alpha-notes"
    )
    found = await fake.slash(world.general, world.alice, "quote", query="gardening", archive="alpha-notes")
    await fake.wait_for(lambda: listing.sent and refused.sent and found.sent)
    assert "alpha-notes" not in listing.sent[0].text()
    assert refused.sent[0].ephemeral and "no archive named `alpha-notes`" in refused.sent[0].content
    assert "**gardening**" in found.sent[0].embeds[0]["description"]


async def test_a_command_from_an_older_sync_gets_a_clear_error(running: Running) -> None:
    fake, world = running.fake, running.world
    await fake.slash(world.general, world.alice, "vanished")
    (response,) = await answer(running)
    assert response.ephemeral and "discord-sync" in response.content
