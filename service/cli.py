"""`socialdesk …` / `python -m bot …`. The only place that reads a .env file.
Bad configuration ends the command with one line naming the variable."""
from __future__ import annotations

import argparse
import logging
import os

from adapters.base import CredentialsRejected
from bot.config import Settings, load_settings, log_level_problem
from bot.env import ConfigError
from bot.store.migrate import SetupError
from service import logs

COMMANDS = {
    "migrate": "upgrade the database to the newest schema (idempotent)",
    "web": "serve /slack/events and /healthz until SIGTERM",
    "worker": "run poll, deliver and sweep on their intervals until SIGTERM",
    "poll": "one pass: fetch new posts and thread them in Slack",
    "deliver": "one pass: send pending replies to their platforms",
    "sweep": "one pass: SLA warnings, overdue pings and escalations",
    "sandbox": "local emulators of Slack, X, Meta, Threads, Bluesky and review sites + the bot, with a page to play customer and staff",
}


class _Version(argparse.Action):
    """`socialdesk --version`: the release and the schema it migrates to (what an operator asks before an upgrade).
    Read only when asked: every process builds this parser."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest, nargs=0, default=default, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        from importlib.metadata import PackageNotFoundError, version
        from bot.store.migrate import newest_revision
        try:
            release = version("socialdesk")
        except PackageNotFoundError:  # run from a checkout that was never installed
            release = "(not installed)"
        print(f"socialdesk {release} (database schema {newest_revision() or 'unknown'})")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="socialdesk", description="Slack as a social-media customer-service desk.")
    parser.add_argument("--version", action=_Version, help="print the release and its database schema, and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")
    for name, help_text in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        if name == "web":
            command.add_argument("--port", type=int, help="port to listen on (default: $PORT or 3000)")
        if name == "sandbox":
            command.add_argument("--port", type=int, default=8000, help="port of the demo page (default 8000)")
            command.add_argument("--data", default="sandbox-data",
                                 help="folder for the sandbox database (emptied at every start)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command != "sandbox":
        from dotenv import load_dotenv
        load_dotenv(os.path.join(os.getcwd(), ".env"))
    # A bad LOG_LEVEL is reported with the other configuration errors below.
    logs.configure("INFO" if log_level_problem(os.environ) else (os.environ.get("LOG_LEVEL") or "INFO").upper())
    # Alembic's INFO lines ("Context impl SQLiteImpl", and every migration's
    # docstring as it runs) are no news: `migrate` says what it did in one line.
    if not logging.getLogger().isEnabledFor(logging.DEBUG):
        logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
    say = f"socialdesk {args.command}:"
    try:
        if args.command == "sandbox":
            from sandbox.runner import run_sandbox
            return run_sandbox(port=args.port, data_dir=args.data)
        settings = load_settings(os.environ, args.command)
        return _dispatch(args, settings)
    except ConfigError as exc:
        logs.say(f"{say} configuration error: {exc}", error=True)
        return 2
    except (SetupError, CredentialsRejected) as exc:
        logs.say(f"{say} {exc}", error=True)
        return 1
    except KeyboardInterrupt:
        return 0
    except Exception as exc:  # one line; the traceback only at LOG_LEVEL=DEBUG
        logging.getLogger("socialdesk").debug("%s failed", args.command, exc_info=True)
        logs.say(f"{say} {type(exc).__name__}: {exc} (LOG_LEVEL=DEBUG shows where)", error=True)
        return 1


def _dispatch(args, settings: Settings) -> int:
    if args.command == "migrate":
        from bot.store.migrate import upgrade_to_head
        before, after = upgrade_to_head(settings.database_url)
        logs.say(f"migrate: the database was already at the newest schema (revision {after}); nothing to do"
                 if before == after else f"migrate: migrated to revision {after}, the newest schema"
                 + (f" (was {before})" if before else ""))
        return 0
    from service.preflight import (SlackUnreachable, check_database, check_placeholders, check_platform_access,
                                   check_port, check_slack_token)
    long_running = args.command in ("web", "worker")
    check_placeholders(os.environ)
    check_database(settings)
    if args.command == "web":
        check_port(args.port or settings.port, settings.web_host)
    try:
        check_slack_token(settings, one_shot=not long_running)
    except SlackUnreachable as exc:
        logs.say(f"{args.command}: {exc}")
        return 0
    check_platform_access(settings)
    if long_running:  # said once at start; a one-shot pass's answer is its one line
        from adapters.registry import off_hints
        for hint in off_hints(settings.platforms):
            logging.getLogger("socialdesk").info("%s", hint)
    if not settings.slack_publishers and long_running:
        logging.getLogger("socialdesk").info(
            "SLACK_PUBLISHERS is unset: every full member of the workspace may reply as the brand "
            "(guests, Slack Connect users and bots never); set it to the people or user groups who may")
    if args.command == "web":
        return _serve_web(settings, args.port or settings.port)
    from service.wiring import build_deps
    deps = build_deps(settings)
    if args.command == "worker":
        from service.scheduler import run_worker
        from service.wiring import settle_heap
        settle_heap()
        run_worker(deps)
        return 0
    from handlers.jobs import ONE_SHOT
    report = ONE_SHOT[args.command](deps)
    logs.say(report.line)
    return report.exit_code


def _serve_web(settings: Settings, port: int) -> int:
    from service.server import serve

    def factory():
        from service.bolt_app import build_bolt_app
        from service.web import create_web_app
        from service.wiring import build_deps, settle_heap
        deps = build_deps(settings)
        bolt = build_bolt_app(deps)
        if settings.slack_app_token:
            # Slack spreads events over up to 10 Socket Mode connections: one per worker is fine.
            from slack_bolt.adapter.socket_mode import SocketModeHandler
            SocketModeHandler(bolt, settings.slack_app_token).connect()
        app = create_web_app(deps, bolt)
        settle_heap()
        return app

    serve(factory, port, settings.web_concurrency, host=settings.web_host, access_log=logging.getLogger().isEnabledFor(logging.DEBUG))
    return 0
