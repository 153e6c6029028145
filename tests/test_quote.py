"""`quote`, `archives`, `archive use` and `help`, driven through the console adapter like a user would."""

from __future__ import annotations

from adapters.app import open_bot
from adapters.console import ConsoleAdapter
from bot.core import Bot
from bot.models import ErrorReply, QuotesReply, TextReply
from bot.settings import Settings
from bot.times import now_iso
from storage.importers.records import CommentRecord

TOKENS_THREAD = [
    CommentRecord(
        source_id=f"t{i}", text=f"Tokens are a poor measure of thinking, point {i}.", author=f"a{i}"
    )
    for i in range(5)
] + [CommentRecord(source_id="w", text="The weather was lovely.", author="w", url="https://x.example/w")]


async def test_fresh_database_has_the_bundled_sample(console: ConsoleAdapter) -> None:
    reply = await console.ask("archives")
    assert isinstance(reply, TextReply)
    assert any(line.startswith("`sample`") and "current" in line for line in reply.lines)


async def test_quote_finds_verbatim_comments_with_highlights(console: ConsoleAdapter) -> None:
    reply = await console.ask("quote tokens")
    assert isinstance(reply, QuotesReply) and reply.quotes
    for quote in reply.quotes:
        assert quote.archive == "sample"
        assert "token" in quote.text.lower()
        marked = [quote.text[s.start : s.end].lower() for s in quote.highlights]
        assert marked and all(m.startswith("token") for m in marked)


async def test_quote_does_not_repeat_in_a_channel_until_relevant_ones_run_out(bot: Bot) -> None:
    await bot.context.stores.archives.import_records(
        "console:local", "t", TOKENS_THREAD, created_at=now_iso(bot.context)
    )
    console = ConsoleAdapter(bot, channel="c1")
    seen: list[str] = []
    for _ in range(2):  # quotes_per_reply = 3: 3 + 2 of the 5 matching comments
        reply = await console.ask("quote tokens --archive t")
        assert isinstance(reply, QuotesReply) and reply.note is None
        seen += [q.source_id for q in reply.quotes]
    assert sorted(seen) == [f"t{i}" for i in range(5)]
    again = await console.ask("quote tokens --archive t")
    assert isinstance(again, QuotesReply) and "starting over" in (again.note or "")
    other_channel = await ConsoleAdapter(bot, channel="c2").ask("quote tokens --archive t")
    assert isinstance(other_channel, QuotesReply) and other_channel.note is None


async def test_quote_memory_survives_a_restart(settings: Settings) -> None:
    shown: set[str] = set()
    for _ in range(2):
        async with open_bot(settings) as bot:
            await bot.context.stores.archives.import_records(
                "console:local", "t", TOKENS_THREAD, created_at=now_iso(bot.context)
            )
            reply = await ConsoleAdapter(bot).ask("quote tokens --archive t")
            assert isinstance(reply, QuotesReply)
            ids = {q.source_id for q in reply.quotes}
            assert not ids & shown
            shown |= ids


async def test_nothing_matches_says_so(console: ConsoleAdapter) -> None:
    reply = await console.ask("quote xylophone zeppelin")
    assert isinstance(reply, QuotesReply) and not reply.quotes
    assert reply.note and "Nothing in the archive" in reply.note


async def test_random_quote_without_query_does_not_repeat(bot: Bot) -> None:
    await bot.context.stores.archives.import_records(
        "console:local", "t", TOKENS_THREAD, created_at=now_iso(bot.context)
    )
    console = ConsoleAdapter(bot)
    await console.ask("archive use t")
    seen = []
    for _ in range(len(TOKENS_THREAD)):
        reply = await console.ask("quote")
        assert isinstance(reply, QuotesReply) and len(reply.quotes) == 1
        seen.append(reply.quotes[0].source_id)
    assert sorted(seen) == sorted(r.source_id for r in TOKENS_THREAD)


async def test_citation_carries_author_and_link(bot: Bot) -> None:
    await bot.context.stores.archives.import_records(
        "console:local", "t", TOKENS_THREAD, created_at=now_iso(bot.context)
    )
    reply = await ConsoleAdapter(bot).ask("quote weather --archive t")
    assert isinstance(reply, QuotesReply)
    assert (reply.quotes[0].author, reply.quotes[0].url) == ("w", "https://x.example/w")


async def test_spaces_cannot_read_each_others_archives(bot: Bot) -> None:
    await bot.context.stores.archives.import_records(
        "discord:1", "secret", TOKENS_THREAD, created_at=now_iso(bot.context)
    )
    outsider = ConsoleAdapter(bot, space="2")
    outsider.place = outsider.place.model_copy(update={"platform": "discord"})
    reply = await outsider.ask("quote weather --archive secret")
    assert isinstance(reply, ErrorReply) and "no archive named `secret`" in reply.message
    listing = await outsider.ask("archives")
    assert isinstance(listing, TextReply) and not any("secret" in line for line in listing.lines)
    insider = ConsoleAdapter(bot, space="1")
    insider.place = insider.place.model_copy(update={"platform": "discord"})
    assert isinstance(await insider.ask("quote weather --archive secret"), QuotesReply)


async def test_members_cannot_use_moderator_commands(bot: Bot) -> None:
    reply = await ConsoleAdapter(bot, moderator=False).ask("archive use sample")
    assert isinstance(reply, ErrorReply) and "moderators only" in reply.message


async def test_help_lists_every_command(bot: Bot, console: ConsoleAdapter) -> None:
    reply = await console.ask("help")
    assert isinstance(reply, TextReply)
    text = "\n".join(reply.lines)
    for spec in bot.context.registry.specs():
        assert f"`{spec.name}" in text
    detail = await console.ask("help quote")
    assert isinstance(detail, TextReply) and "--archive" in "\n".join(detail.lines)


async def test_help_on_a_mistyped_or_partial_name_points_at_the_command(console: ConsoleAdapter) -> None:
    typo = await console.ask("help sesion")
    assert isinstance(typo, ErrorReply) and "Did you mean `session`?" in (typo.hint or "")
    group = await console.ask("help prompt")
    assert isinstance(group, ErrorReply) and "`prompt next`" in (group.hint or "") and "`prompt pool`" in (group.hint or "")


async def test_malformed_commands_never_crash(console: ConsoleAdapter) -> None:
    for raw in ["", "   ", "quote --archive", "\x00\x01", "quote " + "x" * 5000, "help nope", "🙂"]:
        reply = await console.ask(raw)
        assert isinstance(reply, ErrorReply), raw
        assert reply.message


async def test_a_groups_recorded_archive_never_becomes_the_default(bot: Bot) -> None:
    await bot.context.stores.archives.import_records(
        "console:local", "thread", TOKENS_THREAD, created_at=now_iso(bot.context)
    )
    await bot.context.stores.archives.import_records(
        "console:local",
        "group-c1",
        [CommentRecord(source_id="g", text="tokens")],
        created_at=now_iso(bot.context),
    )
    reply = await ConsoleAdapter(bot).ask("quote tokens")
    assert isinstance(reply, QuotesReply) and {q.archive for q in reply.quotes} == {"thread"}


async def test_console_lines_starting_with_a_quote_mark_are_chat_not_commands(bot: Bot) -> None:
    import io

    seen: list[str] = []

    async def observer(ctx: object, message: object) -> None:
        seen.append(getattr(message, "text", ""))

    bot.observers.append(observer)
    out = io.StringIO()
    code = await ConsoleAdapter(bot).run_script(io.StringIO("> hello all\nhelp\n"), out)
    assert code == 0 and seen == ["hello all"]
    assert out.getvalue().startswith("threadbot commands")
