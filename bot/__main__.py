"""The `sereno` command: load .env, build Settings, start what is configured."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import stat
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from bot.lean_imports import import_sqlite_utils
from bot.settings import Settings, SettingsError
from playbooks.errors import PlaybookError

#: Loggers of the chat SDKs and HTTP libraries: at DEBUG they log request bodies
#: (customers' names and words), so they follow SERENO_LOG_SDK, not SERENO_LOG_LEVEL.
SDK_LOGGERS = ("slack_sdk", "slack_bolt", "discord", "aiohttp", "urllib3", "websockets")
#: slack_sdk's Web API clients ask their logger's own level, not the level it inherits, whether
#: to build each call's debug lines (the whole request and answer): left unset they build them
#: for every call, logged or not. Set like SDK_LOGGERS, they build them only at DEBUG.
SLACK_CLIENT_LOGGERS = ("slack_sdk.web.async_base_client", "slack_sdk.web.base_client")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
log = logging.getLogger("sereno")
NO_PLATFORM = (
    "no platform to serve: set SLACK_BOT_TOKEN or DISCORD_BOT_TOKEN (in .env or the "
    "environment; see .env.example), or run `sereno console` in a terminal"
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sereno", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="start every platform whose token is set (console if none)")
    run.add_argument(
        "--no-console",
        action="store_true",
        help="with no token set, stop with one line instead of opening the console (services)",
    )
    console = sub.add_parser("console", help="a complaints channel in this terminal")
    console.add_argument("--db", type=Path, help="SQLite file (default: SERENO_DB)")
    console.add_argument("--agent", default=None, help="your agent name (default: agent)")
    console.add_argument(
        "--customer", default=None, help="who speaks first (default: Sam; /as NAME switches)"
    )
    slack = sub.add_parser("slack", help="only the Slack adapter")
    slack.add_argument("--http", action="store_true", help="Events API over HTTP, not Socket Mode")
    slack.add_argument("--port", type=int, help="HTTP port (default: SERENO_SLACK_PORT)")
    slack.add_argument("--host", help="HTTP address (default: SERENO_SLACK_HOST)")
    sub.add_parser("discord", help="only the Discord adapter")
    forget = sub.add_parser("forget-customer", help="erase a customer's personal data")
    forget.add_argument("customer", help="platform:user, e.g. slack:U0123ABC")
    forget.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    export = sub.add_parser("export", help="a case report, or every case as CSV")
    export.add_argument("--case", type=int, help="the case number (default: every case)")
    export.add_argument("--format", default=None, choices=["md", "json", "csv"])
    export.add_argument("--out", type=Path, help="file to write (default: standard output)")
    export.add_argument(
        "--corrections",
        action="store_true",
        help="the cases whose reading agents corrected, as labelled examples (TOML)",
    )
    export.add_argument("--period", help="with --corrections: 7d, 30d, 2026-11 or from..to")
    report = sub.add_parser("report", help="the team report, with its chart saved as PNG")
    report.add_argument("--period", default="7d", help="7d, 30d or 2026-11-01..2026-11-15")
    report.add_argument("--out-dir", type=Path, default=Path("sereno-files"))
    backup = sub.add_parser("backup", help="a consistent copy of the database, even while running")
    backup.add_argument("file", type=Path, help="the backup file to write (created 0600)")
    backup.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    doctor = sub.add_parser("doctor", help="events received, waiting, set aside; undelivered")
    doctor.add_argument("--retry-parked", action="store_true", help="try set-aside events again")
    health = sub.add_parser(
        "health", help="is Sereno serving on SERENO_DB? exit 0, or 1 and why (from its heartbeat)"
    )
    health.add_argument(
        "--max-age",
        type=float,
        default=None,
        help="seconds after which the heartbeat counts as stale (default: 30)",
    )
    return parser


def configure_logging(settings: Settings) -> None:
    """Sereno's own logs at SERENO_LOG_LEVEL; the SDKs' at SERENO_LOG_SDK, to standard error."""
    logging.basicConfig(level=settings.log_level, stream=sys.stderr, format=LOG_FORMAT)
    for name in (*SDK_LOGGERS, *SLACK_CLIENT_LOGGERS):
        logging.getLogger(name).setLevel(settings.log_sdk)


def load_env_file(env_file: Path) -> None:
    """The .env file's settings, under those the environment already has. python-dotenv is
    imported only when there is one (~9 ms of a start configured by its environment)."""
    if env_file.is_file():
        from dotenv import load_dotenv

        load_dotenv(env_file, override=False)


def warn_if_exposed(env_file: Path) -> None:
    """One warning line when the .env file (tokens, secrets) can be read by other users."""
    try:
        mode = env_file.stat().st_mode
    except OSError:
        return
    if mode & (stat.S_IROTH | stat.S_IWOTH):
        log.warning(
            "%s can be read by other users (mode %s) and may hold tokens; run: chmod 600 %s",
            env_file,
            oct(stat.S_IMODE(mode))[2:].zfill(4),
            env_file,
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; bad settings or playbooks stop here with one line, no traceback."""
    args = _parser().parse_args(argv)
    # Start-up makes many objects and frees few: no collections while importing and wiring
    # (about a tenth of its CPU). Serving turns the collector back on once it is built
    # (bot.serve), everything else here before it runs.
    gc.disable()
    try:
        return _main(args)
    finally:
        gc.enable()


def _main(args: argparse.Namespace) -> int:
    import_sqlite_utils()  # before anything of storage: sqlite-utils without numpy
    from storage.db import DatabaseUnusable

    env_file = Path.cwd() / ".env"
    load_env_file(env_file)
    try:
        settings = Settings.from_env(os.environ)
        configure_logging(settings)
        warn_if_exposed(env_file)
        return _start(args, settings)
    except (SettingsError, PlaybookError) as exc:
        print(f"sereno: {exc}", file=sys.stderr)
        return 1 if args.command == "health" else 2  # health checks: 1 is unhealthy
    except DatabaseUnusable as exc:
        named = "--db" if getattr(args, "db", None) else "SERENO_DB"
        print(f"sereno: {named} {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _start(args: argparse.Namespace, settings: Settings) -> int:
    command = args.command or "run"
    if command not in ("slack", "discord") and not (command == "run" and settings.platforms):
        gc.enable()  # not serving: the collector runs as usual
    if command == "console":
        if args.db:
            settings = replace(settings, db_path=args.db)
        return _console(settings, args.agent or "agent", args.customer)
    if command == "slack":
        _require(settings.slack_bot_token, "SLACK_BOT_TOKEN")
        if args.port is not None:
            settings = replace(settings, slack_port=args.port)
        if args.host is not None:
            settings = replace(settings, slack_host=args.host)
        return _serve(settings, {"slack": {"http": args.http}})
    if command == "forget-customer":
        from bot.records_cli import forget

        return forget(settings, args.customer, args.yes)
    if command == "export":
        from bot.records_cli import export, export_corrections

        if args.corrections:
            return export_corrections(settings, args.period, args.out)
        if args.period:
            print("--period goes with --corrections (a case report has no period).")
            return 2
        fmt = args.format or ("md" if args.case is not None else "csv")
        return export(settings, args.case, fmt, args.out)
    if command == "report":
        from bot.records_cli import report

        return report(settings, args.period, args.out_dir)
    if command == "backup":
        from storage.backup import BackupRefused, backup_database  # only here: not serving's

        try:
            made = backup_database(settings.db_path, args.file, force=args.force)
        except BackupRefused as exc:
            print(f"sereno: {exc}", file=sys.stderr)
            return 2
        print(made.summary(settings.db_path))
        return 0
    if command == "doctor":
        from bot.doctor import doctor

        return doctor(settings, retry_parked=args.retry_parked)
    if command == "discord":
        _require(settings.discord_bot_token, "DISCORD_BOT_TOKEN")
        return _serve(settings, {"discord": {}})
    if command == "health":
        from bot.health import MAX_AGE, health

        return health(settings.db_path, MAX_AGE if args.max_age is None else args.max_age)
    if not settings.platforms and getattr(args, "no_console", False):
        raise SettingsError(NO_PLATFORM)
    if not settings.platforms:
        return _console(settings, "agent", None)
    return _serve(settings, {name: {} for name in settings.platforms})


def _console(settings: Settings, agent: str, customer: str | None) -> int:
    """The console; imported only here, so serving a platform does not load it."""
    from handlers.console import DEFAULT_CUSTOMER, run_console

    return run_console(settings, agent=agent, customer=customer or DEFAULT_CUSTOMER)


def _require(value: object, name: str) -> None:
    if not value:
        raise SettingsError(f"{name}: not set; put it in .env (see .env.example)")


def _serve(settings: Settings, platforms: dict[str, dict[str, object]]) -> int:
    """Run the given platforms in one process and one event loop."""
    import asyncio

    from bot.serve import serve_platforms

    return asyncio.run(serve_platforms(settings, platforms))


if __name__ == "__main__":
    sys.exit(main())
