"""The `amicable` command: serve, migrate, schema print, users create."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import sys
from collections.abc import Coroutine, Sequence
from typing import Any, TypeVar

from amicable.settings import Settings

log = logging.getLogger("amicable")

T = TypeVar("T")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    return int(args.run(args) or 0)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="amicable", description=__doc__)
    commands = parser.add_subparsers(title="commands")

    serve = commands.add_parser("serve", help="run the service (GraphQL at /graphql)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--demo", action="store_true", help="fill a demo data set first")
    serve.set_defaults(run=_serve)

    migrate = commands.add_parser("migrate", help="apply database migrations")
    migrate.set_defaults(run=_migrate)

    schema = commands.add_parser("schema", help="the GraphQL schema")
    schema_commands = schema.add_subparsers(title="schema commands", required=True)
    schema_print = schema_commands.add_parser("print", help="print the schema (SDL)")
    schema_print.set_defaults(run=_schema_print)

    users = commands.add_parser("users", help="manage accounts")
    users_commands = users.add_subparsers(title="users commands", required=True)
    create = users_commands.add_parser("create", help="create an account")
    create.add_argument(
        "--role", required=True, choices=["consumer", "agent", "moderator", "lawyer"]
    )
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True, help="full name")
    create.add_argument("--password", help="default: asked for, or read from standard input")
    create.add_argument("--company", help="the company's slug (agents)")
    create.add_argument("--member", action="store_true", help="a paying member (consumers)")
    create.add_argument("--language", choices=["nl", "fr", "en"], default="nl")
    create.set_defaults(run=_users_create)
    return parser


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from amicable.app import create_app

    settings = Settings()
    if args.demo:
        from amicable.demo import seed_demo

        asyncio.run(_with_db(settings, seed_demo(settings)))
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        lifespan="on",
        ws="websockets-sansio",
        proxy_headers=True,
    )
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from amicable.db import migrate

    asyncio.run(migrate(Settings()))
    log.info("database is up to date")
    return 0


def _schema_print(args: argparse.Namespace) -> int:
    from amicable.schema import print_schema

    sys.stdout.write(print_schema(Settings()))
    return 0


def _users_create(args: argparse.Namespace) -> int:
    from amicable.models import Company
    from amicable.models.enums import Language, Role
    from amicable.resolvers import accounts
    from amicable.resolvers.errors import OperationFailed

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
