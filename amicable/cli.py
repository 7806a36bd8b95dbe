"""The `amicable` command: serve, worker, smtpd, inbound, migrate, schema print, users create."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import getpass
import logging
import sys
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar

from amicable.models.enums import Role
from amicable.settings import Settings

log = logging.getLogger("amicable")

T = TypeVar("T")


def main(argv: Sequence[str] | None = None) -> int:
    from amicable import logs

    parser = _parser()
    args = parser.parse_args(argv)
    logs.configure()
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except _Refused as refused:
        for line in refused.lines:
            sys.stderr.write(f"amicable: {line}\n")
        return 2


class _Refused(Exception):
    """The command cannot start; `lines` say why, one problem each."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("; ".join(lines))
        self.lines = lines


def _checked_settings() -> Settings:
    """The settings, checked: every problem is one line and the command does not start;
    warnings are logged. Logging takes the settings' format and level from here on."""
    from amicable import checks, logs

    try:
        settings = checks.load()
    except checks.SettingsInvalid as invalid:
        raise _Refused(invalid.lines) from None
    report = checks.check(settings)
    if not report.ok:
        raise _Refused(report.errors)
    logs.configure(settings.log_format, settings.log_level)
    for warning in report.warnings:
        log.warning("%s", warning)
    return settings


def _ports_free(*listeners: tuple[str, str, int]) -> None:
    """Refuse to start when a listener's port is taken, before anything else starts (a
    migration, a worker sending mail) and fails later."""
    from amicable.checks import port_in_use

    taken = [
        f"{what}: {host}:{port} is already in use by another process"
        for what, host, port in listeners
        if port_in_use(host, port)
    ]
    if taken:
        raise _Refused(taken)


def _parser() -> argparse.ArgumentParser:
    from amicable import __version__

    parser = argparse.ArgumentParser(prog="amicable", description=__doc__)
    parser.add_argument("--version", action="version", version=f"amicable {__version__}")
    commands = parser.add_subparsers(title="commands")

    serve = commands.add_parser("serve", help="run the service (GraphQL at /graphql)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--demo", action="store_true", help="fill a demo data set first")
    serve.add_argument(
        "--no-worker",
        action="store_true",
        help="do not send the outbox or nudges (run `amicable worker`)",
    )
    serve.set_defaults(run=_serve)

    worker = commands.add_parser("worker", help="send the outbox's mail and the due nudges")
    worker.set_defaults(run=_worker)

    smtpd = commands.add_parser("smtpd", help="run the inbound SMTP listener alone")
    smtpd.add_argument("--bind", help="host:port (default: AMICABLE_SMTPD_BIND)")
    smtpd.set_defaults(run=_smtpd)

    inbound = commands.add_parser(
        "inbound", help="take one mail on standard input (an MTA's pipe transport)"
    )
    inbound.add_argument("--sender", default="", help="the envelope sender")
    inbound.add_argument(
        "--recipient", action="append", default=[], help="an envelope recipient (repeatable)"
    )
    inbound.add_argument(
        "--env-file", help="read the settings from this file (the environment still wins)"
    )
    inbound.add_argument(
        "--allow-defaults",
        action="store_true",
        help="run without a configured database (SQLite under ./var); refused otherwise",
    )
    inbound.set_defaults(run=_inbound)

    migrate = commands.add_parser("migrate", help="apply database migrations")
    migrate.set_defaults(run=_migrate)

    history = commands.add_parser(
        "import", help="load companies, complaints and messages from JSON Lines (docs/scores.md)"
    )
    history.add_argument("file", help="a .jsonl file, one object per line")
    history.set_defaults(run=_import)

    scores = commands.add_parser("scores", help="company scores")
    scores_commands = scores.add_subparsers(title="scores commands", required=True)
    recompute = scores_commands.add_parser(
        "recompute", help="rebuild every company's score aggregates from the complaints"
    )
    recompute.set_defaults(run=_scores_recompute)

    schema = commands.add_parser("schema", help="the GraphQL schema")
    schema_commands = schema.add_subparsers(title="schema commands", required=True)
    schema_print = schema_commands.add_parser("print", help="print the schema (SDL)")
    schema_print.set_defaults(run=_schema_print)

    users = commands.add_parser("users", help="manage accounts")
    users_commands = users.add_subparsers(title="users commands", required=True)
    create = users_commands.add_parser("create", help="create an account")
    create.add_argument("--role", required=True, choices=[role.value for role in Role])
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True, help="full name")
    create.add_argument("--password", help="default: asked for, or read from standard input")
    create.add_argument("--company", help="the company's slug (agents)")
    create.add_argument("--member", action="store_true", help="a paying member (consumers)")
    create.add_argument("--language", choices=["nl", "fr", "en"], default="nl")
    create.set_defaults(run=_users_create)

    members = commands.add_parser("members", help="memberships")
    members_commands = members.add_subparsers(title="members commands", required=True)
    sync = members_commands.add_parser(
        "sync", help="reconcile memberships with the member list (CSV: email,member_number,expiry)"
    )
    sync.add_argument("file", type=Path)
    sync.add_argument("--dry-run", action="store_true", help="report only; change nothing")
    sync.set_defaults(run=_members_sync)
    return parser


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from amicable import logs
    from amicable.app import create_app
    from amicable.mail.inbound.smtpd import parse_bind

    settings = _checked_settings()
    listeners = [("HTTP listener", args.host, args.port)]
    bind = parse_bind(settings.smtpd_bind)
    if bind:
        listeners.append(("inbound SMTP listener (AMICABLE_SMTPD_BIND)", *bind))
    _ports_free(*listeners)
    if args.demo:
        from amicable.demo import seed_demo

        asyncio.run(_with_db(settings, seed_demo(settings)))
    uvicorn.run(
        create_app(settings, mail_worker=not args.no_worker),
        host=args.host,
        port=args.port,
        lifespan="on",
        ws="websockets-sansio",
        # permessage-deflate keeps a zlib window per connection (~50 KB each, measured):
        # the cost of an idle subscription doubles for little gain on small JSON events.
        ws_per_message_deflate=settings.websocket_compression,
        # Client addresses come from AMICABLE_TRUSTED_PROXIES (amicable.proxies), and
        # uvicorn's loggers write through ours (amicable.logs).
        proxy_headers=False,
        log_config=logs.uvicorn_log_config(),
        log_level=logs.uvicorn_log_level(settings.log_level),
        # Without it uvicorn waits for ever on a request whose body never finishes arriving.
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
    )
    return 0


def _services(settings: Settings) -> Any:
    from amicable.services import Services
    from amicable.subscriptions.bus import EventBus

    return Services(settings=settings, events=EventBus(settings.broadcast_url))


def _worker(args: argparse.Namespace) -> int:
    from amicable.mail.outbound.outbox import OutboxWorker
    from amicable.mail.outbound.sender import transport_for
    from amicable.resolvers import bounces
    from amicable.resolvers.nudge_worker import NudgeWorker

    settings = _checked_settings()

    async def run() -> None:
        services = _services(settings)
        await services.events.connect()
        try:
            on_gave_up = functools.partial(bounces.outbound_failed, services)
            # The nudges (reminders, prompts, digests) only queue mail: they run beside it.
            await asyncio.gather(
                OutboxWorker(settings, transport_for(settings), on_gave_up=on_gave_up).run(),
                NudgeWorker(services).run(),
            )
        finally:
            await services.events.disconnect()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_with_db(settings, run()))
    return 0


def _smtpd(args: argparse.Namespace) -> int:
    from amicable.checks import smtpd_bind_problem
    from amicable.mail.inbound.smtpd import parse_bind, start_smtpd

    settings = _checked_settings()
    if args.bind and smtpd_bind_problem(args.bind):
        raise _Refused([f"--bind: {smtpd_bind_problem(args.bind)}"])
    bind = parse_bind(args.bind or settings.smtpd_bind)
    if bind is None:
        sys.stderr.write("the listener is off (AMICABLE_SMTPD_BIND=off); give --bind\n")
        return 2
    _ports_free(("inbound SMTP listener", *bind))

    async def run() -> None:
        services = _services(settings)
        await services.events.connect()
        try:
            server = await start_smtpd(services, *bind)
            async with server:
                await server.serve_forever()
        finally:
            await services.events.disconnect()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_with_db(settings, run()))
    return 0


def _inbound(args: argparse.Namespace) -> int:
    from amicable.inbound_command import run

    return run(
        env_file=args.env_file,
        allow_defaults=args.allow_defaults,
        sender=args.sender,
        recipients=args.recipient,
    )


def _import(args: argparse.Namespace) -> int:
    from amicable.resolvers.history_import import ImportFailed, import_history

    settings = Settings()
    try:
        with open(args.file, encoding="utf-8") as file:
            lines = file.read().splitlines()
    except (OSError, UnicodeDecodeError) as error:
        sys.stderr.write(f"{args.file}: {error}\n")
        return 1

    async def run() -> int:
        services = _services(settings)
        await services.events.connect()
        try:
            report = await import_history(services, lines)
        except ImportFailed as failure:
            sys.stderr.write(f"{args.file}: {failure}; nothing was imported\n")
            return 1
        finally:
            await services.events.disconnect()
        sys.stdout.write(
            f"imported {report.companies} companies, {report.complaints} complaints, "
            f"{report.messages} messages, {report.closings} closings, "
            f"{report.consumers} new consumer accounts\n"
        )
        return 0

    return asyncio.run(_with_db(settings, run()))


def _scores_recompute(args: argparse.Namespace) -> int:
    from amicable.resolvers.scores import recompute_all

    settings = Settings()

    async def run() -> int:
        services = _services(settings)
        await services.events.connect()
        try:
            return await recompute_all(services)
        finally:
            await services.events.disconnect()

    count = asyncio.run(_with_db(settings, run()))
    sys.stdout.write(f"recomputed the scores of {count} companies\n")
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from amicable.db import migrate

    asyncio.run(migrate(_checked_settings()))
    log.info("database is up to date")
    return 0


def _schema_print(args: argparse.Namespace) -> int:
    from amicable.schema import print_schema

    sys.stdout.write(print_schema(Settings()))
    return 0


def _users_create(args: argparse.Namespace) -> int:
    from amicable.infra.errors import OperationFailed
    from amicable.models import Company
    from amicable.models.enums import Language
    from amicable.resolvers import accounts

    password = args.password or _read_password()

    async def create() -> int:
        company = None
        if args.company:
            company = await Company.get_or_none(slug=args.company)
            if company is None:
                sys.stderr.write(f"no company with slug {args.company!r}\n")
                return 1
        try:
            user = await accounts.create_user(
                email=args.email,
                password=password,
                full_name=args.name,
                role=Role(args.role),
                company=company,
                is_member=args.member,
                language=Language(args.language),
            )
        except OperationFailed as failure:
            for error in failure.errors:
                sys.stderr.write(f"{error.field or 'error'}: {error.message}\n")
            return 1
        sys.stdout.write(f"created {user.role.value} {user.email}\n")
        return 0

    return asyncio.run(_with_db(Settings(), create()))


def _members_sync(args: argparse.Namespace) -> int:
    from amicable.resolvers import member_sync

    try:
        text = args.file.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        sys.stderr.write(f"cannot read {args.file}: {error}\n")
        return 1
    settings = Settings()
    report = asyncio.run(
        _with_db(settings, member_sync.sync(_services(settings), text, dry_run=args.dry_run))
    )
    out = sys.stderr if report.errors else sys.stdout
    out.write("\n".join(report.lines()) + "\n")
    return 1 if report.errors else 0


def _read_password() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("Password: ")
    return sys.stdin.readline().rstrip("\n")


async def _with_db(settings: Settings, work: Coroutine[Any, Any, T]) -> T:
    from amicable.db import close_db, open_db

    await open_db(settings)
    try:
        return await work
    finally:
        await close_db()


if __name__ == "__main__":
    sys.exit(main())
