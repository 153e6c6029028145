"""The pure parts of the adapter: slash commands from a registry, option mapping, splitting and rendering."""

from __future__ import annotations

import logging

import discord
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from adapters.discord.actors import is_moderator
from adapters.discord.appcommands import SUB_COMMAND, SUB_COMMAND_GROUP, SlashBuildError, build_tree
from adapters.discord.autocomplete import fitting
from adapters.discord.client import intents
from adapters.discord.config import DiscordConfigError, parse_guild_ids, parse_role_names
from adapters.discord.inbound import UnknownSlashCommand, mention_text, resolve
from adapters.discord.kit import fitted_markdown, quote_markdown
from adapters.discord.outbound import allowed_mentions
from adapters.discord.packing import Outgoing, pack, split_text
from adapters.discord.render import render
from bot.autocomplete import ranked
from bot.context import Context
from bot.features import build_registry
from bot.models import (
    Actor,
    Command,
    Place,
    PromptReply,
    PromptSide,
    PromptTally,
    Quote,
    QuotesReply,
    Reply,
    Span,
    TextReply,
)
from bot.registry import Handler, Option, Param, Registry
from bot.settings import Settings
from tests.discord.fake_limits import check_commands, check_message

ACTOR = Actor(user_id="1", display_name="a")
PLACE = Place(platform="discord", space="9", channel="8")


def _registry(*names: str, moderator: bool = False) -> Registry:
    registry = Registry()
    for name in names:
        registry.command(
            name,
            param=Param("claim", "a claim", required=True),
            options=[
                Option("archive", "which", takes_value=True, choices_from="archives"),
                Option("all", "every"),
            ],
            moderator_only=moderator,
        )(_doc(name))
    return registry


def _doc(name: str) -> Handler:
    async def handler(ctx: Context, command: Command) -> Reply:
        return TextReply(text=name)

    handler.__doc__ = f"Do {name}.\n\nLonger help."
    return handler


def test_the_real_registry_builds_valid_commands() -> None:
    tree = build_tree(build_registry(), autocomplete=frozenset({"archives"}))
    assert check_commands(tree.payload) == []
    for spec in build_registry().specs():
        assert tree.path_of(spec.name) is not None


def test_multi_word_names_become_subcommands_or_flattened_when_the_prefix_is_a_command() -> None:
    tree = build_tree(_registry("stance", "stance fix", "archive use", "archive drop", "a b c"))
    by_name = {c["name"]: c for c in tree.payload}
    assert set(by_name) == {"stance", "stance-fix", "archive", "a"}
    assert [o["name"] for o in by_name["archive"]["options"]] == ["drop", "use"]
    assert all(o["type"] == SUB_COMMAND for o in by_name["archive"]["options"])
    (group,) = by_name["a"]["options"]
    assert group["type"] == SUB_COMMAND_GROUP and group["options"][0]["name"] == "c"
    assert check_commands(tree.payload) == []


def test_options_map_back_to_the_command() -> None:
    tree = build_tree(_registry("archive use"), autocomplete=frozenset({"archives"}))
    data = {
        "name": "archive",
        "options": [
            {
                "type": 1,
                "name": "use",
                "options": [
                    {"name": "claim", "type": 3, "value": "  tokens   are  cheap "},
                    {"name": "archive", "type": 3, "value": "hn", "focused": True},
                    {"name": "all", "type": 5, "value": True},
                ],
            }
        ],
    }
    invocation = resolve(tree, data)
    assert invocation.focused == "archive" and invocation.route.sources == {"archive": "archives"}
    command = invocation.command(ACTOR, PLACE)
    assert command.name == "archive use" and command.text == "tokens are cheap"
    assert command.options == {"archive": "hn", "all": True}
    assert command.raw == "archive use tokens are cheap --archive hn --all"
    with pytest.raises(UnknownSlashCommand):
        resolve(tree, {"name": "gone"})


def test_required_options_come_first_and_moderator_commands_are_guild_only() -> None:
    tree = build_tree(_registry("judge", moderator=True))
    (command,) = tree.payload
    assert command["options"][0]["required"] is True
    assert command["contexts"] == [0]
    assert command["description"].endswith("(moderators)")


def test_two_specs_on_one_slash_name_are_refused() -> None:
    with pytest.raises(SlashBuildError):
        build_tree(_registry("a.b", "a-b"))


def test_mention_text() -> None:
    assert mention_text("<@42> quote tokens", 42, direct=False) == "quote tokens"
    assert mention_text("  <@!42>   help", 42, direct=False) == "help"
    assert mention_text("hey <@42> help", 42, direct=False) is None
    assert mention_text("<@43> help", 42, direct=False) is None
    assert mention_text("help", 42, direct=True) == "help"
    assert mention_text("help", 42, direct=False) is None


def test_moderator_rules() -> None:
    roles = frozenset({"archivists"})
    assert is_moderator(discord.Permissions(manage_guild=True), [], roles)
    assert is_moderator(discord.Permissions(manage_messages=True), [], roles)
    assert is_moderator(discord.Permissions(administrator=True), [], roles)
    assert is_moderator(discord.Permissions.none(), ["Archivists"], roles)
    assert not is_moderator(discord.Permissions(send_messages=True), ["Members"], roles)


def test_settings_parsing() -> None:
    assert parse_guild_ids(" 1, 2,2 ,") == (1, 2)
    assert parse_role_names("Mods, Archivists") == {"mods", "archivists"}
    with pytest.raises(DiscordConfigError, match="Developer Mode"):
        parse_guild_ids("my-server")


def best_choices(names: list[str], typed: str) -> list[str]:
    """The core's ranking, fitted to Discord's choices."""
    return fitting(ranked(names, typed))


def test_best_choices_prefers_prefixes_and_caps_at_25() -> None:
    names = [f"n{i}" for i in range(40)] + ["sample", "my-sample", "x" * 101]
    assert best_choices(names, "sam") == ["sample", "my-sample"]
    assert len(best_choices(names, "")) == 25


@given(st.text(alphabet=st.sampled_from("ab \n"), max_size=3000), st.integers(min_value=5, max_value=300))
def test_split_text_keeps_every_word_within_the_limit(text: str, limit: int) -> None:
    chunks = split_text(text, limit)
    assert all(0 < len(c) <= limit for c in chunks)
    assert "".join("".join(chunks).split()) == "".join(text.split())


def test_pack_respects_embed_count_and_total() -> None:
    embeds = [discord.Embed(description="x" * 1000) for _ in range(14)]
    messages = pack(["intro", *embeds, "outro"])
    assert messages[0].content == "intro"
    assert all(len(m.embeds) <= 10 and m.embed_chars() <= 6000 for m in messages)
    assert sum(len(m.embeds) for m in messages) == 14
    assert messages[-1].content == "outro" and not messages[-1].embeds
    for message in messages:
        data = {"content": message.content, "embeds": [e.to_dict() for e in message.embeds]}
        assert check_message(data) == []


def test_quote_markdown_escapes_and_highlights() -> None:
    quote = Quote(
        comment_id=1, source_id="s", text="a *b* token_x", archive="t", highlights=[Span(start=6, end=13)]
    )
    assert quote_markdown(quote) == r"a \*b\* **token\_x**"


def test_quote_embed_skips_non_web_urls() -> None:
    quote = Quote(comment_id=1, source_id="s", text="hi", archive="t", url="javascript:alert(1)")
    (message,) = render(QuotesReply(quotes=[quote]))
    assert message.embeds[0].url is None and message.embeds[0].title == "anonymous"


class StanceLikeReply(BaseModel):
    """A reply type this adapter has no renderer for yet."""

    type: str = "stance"
    claim: str = "tokens matter"


def test_unknown_reply_types_fall_back_to_plain_text() -> None:
    (message,) = render(StanceLikeReply())
    assert message.content and "tokens matter" in message.content


def _side(
    label: str, text: str, author: str | None = "ann", url: str | None = "https://t.example/1"
) -> PromptSide:
    return PromptSide(label=label, quote=Quote(comment_id=1, source_id="s", text=text, author=author, url=url,
                                               archive="debate"))  # fmt: skip


def _payload(message: Outgoing) -> dict[str, object]:
    return {"content": message.content, "embeds": [e.to_dict() for e in message.embeds]}


def test_a_prompt_is_one_message_even_with_very_long_sides_and_quotes_are_cut_with_a_link() -> None:
    long = "*Tokens* matter. " * 600  # ~10,000 characters, markdown that must stay escaped
    reply = PromptReply(kind="disagreement", question="Who is right? " * 100, suggested_by="ann_x",
                        note="Every prompt was posted; starting over.",
                        sides=[_side("Claim", long), _side("Pushback", long, author=None, url=None)])  # fmt: skip
    (message,) = render(reply)
    assert check_message(_payload(message)) == [] and message.mention_role_id is None
    header, claim, pushback = message.embeds
    assert header.footer.text == "Suggested by ann_x" and "starting over" in (header.description or "")
    assert (claim.description or "").startswith(r"\*Tokens\* matter.") and claim.url == "https://t.example/1"
    assert (claim.description or "").endswith(" \u2026") and len(claim.description or "") <= 1500
    assert pushback.title == "anonymous" and pushback.url is None and pushback.author.name == "Pushback"


def test_a_prompt_without_sides_or_a_server_names_its_role_as_inert_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    reply = PromptReply(kind="suggestion", question="What would **you** cut? @here", notify_role="debaters")
    with caplog.at_level(logging.WARNING):
        (message,) = render(reply)
    assert message.content == "@debaters" and message.mention_role_id is None
    assert allowed_mentions(message).to_dict() == {"parse": []}
    (header,) = message.embeds
    assert header.description == r"**What would \*\*you\*\* cut? @here**"
    assert "not posted in a server" in caplog.text


def test_allowed_mentions_name_the_one_user_or_role_only() -> None:
    assert allowed_mentions(Outgoing(content="x")).to_dict() == {"parse": []}
    assert allowed_mentions(Outgoing(content="x", mention_role_id=7)).to_dict() == {"parse": [], "roles": [7]}
    assert allowed_mentions(Outgoing(content="x", mention_user_id=5)).to_dict() == {"parse": [], "users": [5]}


def test_the_message_content_setting_reads_its_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().discord_message_content is False
    monkeypatch.setenv("THREADBOT_DISCORD_MESSAGE_CONTENT", "true")
    assert Settings().discord_message_content is True
    assert intents(message_content=True).message_content and not intents().message_content
    assert not intents().members and not intents().presences


@given(
    st.text(alphabet=st.sampled_from("ab *_~|`\\\n"), max_size=2000), st.integers(min_value=2, max_value=600)
)
def test_a_cut_quote_never_exceeds_its_room(text: str, limit: int) -> None:
    shown = fitted_markdown(Quote(comment_id=1, source_id="s", text=text, archive="t"), limit)
    assert len(shown) <= limit


def test_a_mined_disagreement_shows_its_claim_each_side_and_the_counts_pinging_nobody() -> None:
    """Claim, Agrees and Disagrees embeds under the question and the counts; mentions in quotes stay inert."""
    reply = PromptReply(kind="disagreement", question="Some agreed, some did not. Where do you land?",
                        tally=PromptTally(agree=7, disagree=5),
                        sides=[_side("Claim", "Tokens are @everyone's problem now."),
                               _side("Agrees", "Yes <@123> and <@&456>, tokens are the problem. " * 40),
                               _side("Disagrees", "No, outcomes matter more than @here token counts. " * 40)])  # fmt: skip
    (message,) = render(reply)
    assert check_message(_payload(message)) == [] and message.mention_role_id is None
    assert allowed_mentions(message).to_dict() == {"parse": []} and not message.content
    header, claim, agrees, disagrees = message.embeds
    assert header.description == "**Some agreed, some did not. Where do you land?**\n7 comments agree, 5 disagree"
    assert [e.author.name for e in (claim, agrees, disagrees)] == ["Claim", "Agrees", "Disagrees"]
    assert claim.description == "Tokens are @everyone's problem now."
