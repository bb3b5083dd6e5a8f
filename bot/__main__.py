"""The `sereno` command: load .env, build Settings, start what is configured."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from dotenv import load_dotenv

from bot.settings import Settings, SettingsError
from playbooks.errors import PlaybookError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sereno", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="start every platform whose token is set (console if none)")
    console = sub.add_parser("console", help="a complaints channel in this terminal")
    console.add_argument("--db", type=Path, help="SQLite file (default: SERENO_DB)")
    console.add_argument("--agent", default=None, help="your agent name (default: agent)")
    console.add_argument("--customer", default="customer", help="who speaks first")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; bad settings or playbooks stop here with one line, no traceback."""
    args = _parser().parse_args(argv)
    load_dotenv(Path.cwd() / ".env", override=False)
    try:
        settings = Settings.from_env(os.environ)
        logging.basicConfig(level=settings.log_level, stream=sys.stderr,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        return _start(args, settings)
    except (SettingsError, PlaybookError) as exc:
        print(f"sereno: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _start(args: argparse.Namespace, settings: Settings) -> int:
    from handlers.console import run_console

    command = args.command or "run"
    if command == "console":
        if args.db:
            settings = Settings(**{**settings.__dict__, "db_path": args.db})
        return run_console(settings, agent=args.agent or "agent", customer=args.customer)
    return run_console(settings, agent="agent", customer="customer")


if __name__ == "__main__":
    sys.exit(main())
