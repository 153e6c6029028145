"""`help`: every command with its help text, from the one shared registry."""

from __future__ import annotations

from bot.context import Context
from bot.errors import NotFoundError
from bot.feature import Feature
from bot.models import Command, Reply, TextReply
from bot.parsing import command_hint
from bot.registry import Param, Registry

commands = Registry()


@commands.command("help", param=Param("command", "a command to explain", choices_from="commands"), aliases=["commands"])
async def help_command(ctx: Context, command: Command) -> Reply:
    """List what I can do, or explain one command (`help quote`)."""
    if command.text:
        spec = ctx.registry.get(command.text)
        if spec is None:
            raise NotFoundError(
                f"There is no command `{command.text[:40]}`.", hint=command_hint(command.text.split(), ctx.registry)
            )
        lines = [f"Usage: `{spec.usage}`"]
        lines += [f"`--{opt.name}`: {opt.help}" for opt in spec.options]
        if spec.aliases:
            lines.append("Also: " + ", ".join(f"`{a}`" for a in spec.aliases))
        if spec.moderator_only:
            lines.append("Moderators only.")
        return TextReply(title=spec.name, text=spec.help, lines=lines)
    lines = []
    for spec in ctx.registry.specs():
        marker = " (moderators)" if spec.moderator_only else ""
        lines.append(f"`{spec.usage}`: {spec.summary}{marker}")
    return TextReply(
        title="threadbot commands",
        text="I answer with real comments from the archived thread, cited, never generated text.",
        lines=lines,
    )


feature = Feature(name="help", commands=commands)
