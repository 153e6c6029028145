"""The pure parts of the adapter: slash commands from a registry, option mapping, splitting and rendering."""

from __future__ import annotations

import discord
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from adapters.discord.appcommands import SUB_COMMAND, SUB_COMMAND_GROUP, SlashBuildError, build_tree
from adapters.discord.autocomplete import best_choices
from adapters.discord.config import DiscordConfigError, parse_guild_ids, parse_role_names
from adapters.discord.invocation import UnknownSlashCommand, mention_text, resolve
from adapters.discord.packing import pack, split_text
from adapters.discord.people import is_moderator
from adapters.discord.render import quote_markdown, render
from bot.context import Context
from bot.features import build_registry
from bot.models import Actor, Command, Place, Quote, QuotesReply, Reply, Span, TextReply
from bot.registry import Handler, Option, Param, Registry
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
