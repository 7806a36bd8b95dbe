"""The public response cache, and anonymous reads over GET with persisted queries.

Anonymous visitors and partners' keys see the same answer to the same question: what they
may see depends only on their kind of viewer (the policy's capability table), never on who
they are. Their query answers are kept per process, keyed by the normalised document, the
operation name, the variables and the viewer's kind, with the generation number they were
computed at (`amicable.infra.cache_generation`). Every read checks the current generation
first (one primary-key read), so a write that changes public data, committed in any
process, retires every cached answer before the write's mutation returns.

Persisted queries follow the convention Apollo clients speak: a request may send
`extensions.persistedQuery.sha256Hash` instead of the document; an unknown hash answers
`PersistedQueryNotFound` and the client sends the document with its hash once. Anonymous
GET answers carry an `ETag` and `Cache-Control: public, max-age=...`, so a reverse proxy or
CDN can serve the public feed, and a conditional GET is answered 304 while the answer holds.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from graphql import GraphQLError, OperationType, parse, print_ast
from graphql.language import OperationDefinitionNode
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from strawberry.types.graphql import OperationType as StrawberryOperation

from amicable.infra import cache_generation
from amicable.infra.languages import negotiate
from amicable.infra.outage import is_database_outage
from amicable.policy import ViewerKind
from amicable.schema import http_edge
from amicable.settings import Settings

if TYPE_CHECKING:
    from amicable.schema.view import GraphQLView

# The viewer classes whose answers depend only on the kind of viewer (the policy gives them
# no personal visibility): the response cache and shared live subscriptions
# (`schema/shared_subscriptions.py`) hand one answer to all viewers of a class.
SHARED_KINDS = (ViewerKind.ANONYMOUS, ViewerKind.PARTNER)


@dataclass(frozen=True)
class _Entry:
    generation: int
    body: bytes
    etag: str
    computed_at: float = 0.0
    # Only answers without errors are kept, so anything else is only ever sent once.
    status: int = 200


@dataclass(frozen=True)
class _Document:
    normalised: str
    operation: OperationType | None


@lru_cache(maxsize=512)
def normalised_document(query: str, operation_name: str | None) -> _Document | None:
    """The document printed canonically (whitespace and commas do not split the cache) and
    the type of the operation asked for; None when it does not parse (Strawberry answers)."""
    try:
        document = parse(query)
    except GraphQLError:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [
        d
        for d in operations
        if operation_name is None or (d.name is not None and d.name.value == operation_name)
    ]
    operation = chosen[0].operation if len(chosen) == 1 else None
    return _Document(print_ast(document), operation)


def _error(message: str, code: str, status: int = 200) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status
    )


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class _Refused(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


class ResponseCache:
    def __init__(self, settings: Settings) -> None:
        self.max_entries = settings.response_cache_entries
        self.max_age = settings.response_cache_max_age
        self.settings = settings
        self.max_persisted = settings.persisted_queries_max
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._persisted: OrderedDict[str, str] = OrderedDict()
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._running: dict[tuple[str, int], asyncio.Future[_Entry | None]] = {}

    async def respond(self, view: GraphQLView, request: Request) -> Response | None:
        """The answer to a cacheable read, or None to let Strawberry handle the request
        (mutations, signed-in viewers, uploads, batches, documents that do not parse, and
        any request met by a database outage, which the view answers SERVICE_UNAVAILABLE
        like every other)."""
        try:
            return await self._respond(view, request)
        except Exception as error:
            if is_database_outage(error):
                return None
            raise

    async def _respond(self, view: GraphQLView, request: Request) -> Response | None:
        try:
            payload = await _payload(request)
            if payload is None or not isinstance(payload.get("extensions"), dict | None):
                return None  # the view refuses ill-typed members (http_edge.decode_body)
            query = self._resolve_persisted(payload)
        except _Refused as refused:
            return refused.response
        variables = payload.get("variables")
        operation_name = payload.get("operationName")
        if not isinstance(variables, dict | None) or not isinstance(operation_name, str | None):
            return None
        document = normalised_document(query, operation_name)
        kind = await _viewer_kind(view, request)
        if document is None or document.operation is not OperationType.QUERY or kind is None:
            if request.method == "POST" and "query" not in payload:
                # A persisted document Strawberry should run: hand it the text.
                request._body = json.dumps({**payload, "query": query}).encode()
            return None
        # The words a viewer reads (labels, messages) follow Accept-Language: one answer per
        # language the header negotiates to, not per header spelling.
        language = negotiate(request.headers.get("accept-language"))
        key = _sha256(
            "\0".join(
                (
                    kind.value,
                    language.value if language is not None else "",
                    document.normalised,
                    operation_name or "",
                    json.dumps(variables, sort_keys=True, separators=(",", ":")),
                )
            )
        )
        if key not in self._entries and not self._admit(key):
            # Asked for the first time: answered without the cache, so one-off questions
            # (a search text, an unusual page) neither pay the generation read nor evict
            # the answers that are asked over and over.
            entry = await self._execute(view, request, query, variables, operation_name)
            return self._response(request, kind, entry) if entry is not None else None
        generation = await cache_generation.current()
        entry = self._entries.get(key)
        now = time.monotonic()
        if (
            entry is None
            or entry.generation != generation
            or now - entry.computed_at > self.settings.response_cache_ttl_seconds
        ):
            # The generation read before executing: a write committed meanwhile makes this
            # answer stale at once rather than leaving it current.
            entry = await self._computed(
                (key, generation),
                lambda: self._execute(view, request, query, variables, operation_name),
            )
            if entry is None:
                return None
            entry = _Entry(generation, entry.body, entry.etag, now, entry.status)
            if entry.etag:
                self._store(key, entry)
        else:
            self._entries.move_to_end(key)
        return self._response(request, kind, entry)

    async def _computed(
        self, slot: tuple[str, int], compute: Callable[[], Awaitable[_Entry | None]]
    ) -> _Entry | None:
        """One computation per question and generation at a time: right after a write, the
        many readers who all miss wait for the first one's answer instead of each running
        the same query. Only an answer without errors is shared (an error may be the first
        reader's own, a rate limit say); otherwise each reader computes its own."""
        running = self._running.get(slot)
        if running is not None:
            # Shielded: one waiting reader going away must not cancel the others' answer.
            shared = await asyncio.shield(running)
            if shared is not None and shared.etag:
                return shared
            return await compute()
        future: asyncio.Future[_Entry | None] = asyncio.get_running_loop().create_future()
        self._running[slot] = future
        try:
            entry = await compute()
        except BaseException:
            future.set_result(None)
            raise
        else:
            future.set_result(entry)
            return entry
        finally:
            del self._running[slot]

    def _resolve_persisted(self, payload: dict[str, Any]) -> str:
        extensions = payload.get("extensions")
        persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
        query = payload.get("query")
        if not isinstance(persisted, dict):
            if not isinstance(query, str):
                raise _Refused(_error("No GraphQL query found in the request", "BAD_REQUEST", 400))
            return query
        digest = persisted.get("sha256Hash")
        if persisted.get("version") != 1 or not isinstance(digest, str):
            raise _Refused(
                _error("Unsupported persisted query version", "PERSISTED_QUERY_NOT_SUPPORTED")
            )
        if isinstance(query, str):
            if _sha256(query) != digest:
                raise _Refused(
                    _error(
                        "provided sha does not match query", "PERSISTED_QUERY_HASH_MISMATCH", 400
                    )
                )
            if self.max_persisted:
                self._persisted[digest] = query
                self._persisted.move_to_end(digest)
                while len(self._persisted) > self.max_persisted:
                    self._persisted.popitem(last=False)
            return query
        known = self._persisted.get(digest)
        if known is None:
            raise _Refused(_error("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND"))
        return known

    async def _execute(
        self,
        view: GraphQLView,
        request: Request,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
    ) -> _Entry | None:
        sub_response = await view.get_sub_response(request)
        context = await view.get_context(request, sub_response)
        # The same time budget and the same answer shapes (status codes for refusals and
        # outages) as the view's own execution (`http_edge`).
        budget = view.services.settings.request_timeout_seconds
        try:
            async with asyncio.timeout(budget):
                result = await view.schema.execute(
                    query,
                    variable_values=variables,
                    context_value=context,
                    operation_name=operation_name,
                    allowed_operation_types={StrawberryOperation.QUERY},
                )
        except TimeoutError:
            result = http_edge.timeout_result(budget)
        result, status = http_edge.shape(result)
        encoded = view.encode_json(await view.process_result(request, result))
        body = encoded.encode() if isinstance(encoded, str) else encoded
        # Answers with errors are not kept: an error may be passing (a limit, a failure).
        etag = "" if result.errors else f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        return _Entry(0, body, etag, status=status or 200)

    def _admit(self, key: str) -> bool:
        """Whether the key was asked before (a bounded memory of recent first askings)."""
        if key in self._seen:
            del self._seen[key]
            return True
        if self.max_entries:
            self._seen[key] = None
            while len(self._seen) > self.max_entries:
                self._seen.popitem(last=False)
        return False

    def _store(self, key: str, entry: _Entry) -> None:
        if not self.max_entries:
            return
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def _response(self, request: Request, kind: ViewerKind, entry: _Entry) -> Response:
        headers: dict[str, str] = {}
        public_get = request.method == "GET" and kind is ViewerKind.ANONYMOUS and entry.etag
        if public_get:
            headers = {
                "ETag": entry.etag,
                "Cache-Control": f"public, max-age={self.max_age}",
                "Vary": "Authorization, Accept-Language",
            }
            candidates = request.headers.get("if-none-match", "")
            if entry.etag in {c.strip() for c in candidates.split(",")}:
                return Response(status_code=304, headers=headers)
        return Response(
            entry.body, status_code=entry.status, media_type="application/json", headers=headers
        )


async def _payload(request: Request) -> dict[str, Any] | None:
    if request.method == "GET":
        params = request.query_params
        if "query" not in params and "extensions" not in params:
            return None
        payload: dict[str, Any] = {"query": params.get("query")} if "query" in params else {}
        for name in ("variables", "extensions"):
            if name in params:
                try:
                    payload[name] = json.loads(params[name])
                except (ValueError, RecursionError):
                    raise _Refused(
                        _error(f"Unable to parse {name} as JSON", "BAD_REQUEST", 400)
                    ) from None
        if "operationName" in params:
            payload["operationName"] = params["operationName"]
        return payload
    if request.method != "POST":
        return None
    if not request.headers.get("content-type", "").startswith("application/json"):
        return None
    try:
        payload = json.loads(await request.body())
    except (ValueError, RecursionError):
        return None  # the view answers a body that is not JSON (http_edge.decode_body)
    return payload if isinstance(payload, dict) else None


async def _viewer_kind(view: GraphQLView, request: Request) -> ViewerKind | None:
    """The viewer's kind when its answers may be shared; the viewer is kept on the request
    so the context does not authenticate twice."""
    header = request.headers.get("authorization")
    if header is None:
        return ViewerKind.ANONYMOUS
    viewer, failed = await view.authenticate(request)
    if failed or viewer.kind not in SHARED_KINDS:
        return None
    return viewer.kind
