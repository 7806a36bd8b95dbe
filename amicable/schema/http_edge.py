"""The HTTP edge of the GraphQL endpoint: what a broken request body answers, and which
status a whole-request failure gets.

Every answer here is JSON in the GraphQL error shape with an `extensions.code`, so a client
never has to tell a plain-text proxy page from our refusal:

    400 BAD_REQUEST            the body is not UTF-8 JSON holding one operation object
    400 GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, QUERY_TOO_DEEP, TOO_MANY_ALIASES,
        QUERY_TOO_COSTLY, INVALID_INPUT    refused before execution
    503 SERVICE_UNAVAILABLE    the database cannot be reached; the same for every viewer
    503 TIMEOUT                execution ran past the request's time budget
"""

from __future__ import annotations

import json

from cross_web import HTTPException
from graphql import GraphQLError
from starlette.responses import JSONResponse
from strawberry.types import ExecutionResult

# Codes of errors that refuse the whole request before anything ran.
REFUSED_BEFORE_EXECUTION = frozenset(
    {
        "GRAPHQL_PARSE_FAILED",
        "GRAPHQL_VALIDATION_FAILED",
        "QUERY_TOO_DEEP",
        "TOO_MANY_ALIASES",
        "QUERY_TOO_COSTLY",
        "INVALID_INPUT",
    }
)
SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
TIMEOUT = "TIMEOUT"
UNAVAILABLE_MESSAGE = "The service is temporarily unavailable; try again shortly."

_FIELDS = {
    "query": (str, "a string"),
    "operationName": (str, "a string"),
    "variables": (dict, "an object"),
    "extensions": (dict, "an object"),
}


def decode_body(data: str | bytes) -> object:
    """The request body as a JSON object with well-typed members, or HTTPException(400).

    A list passes through: Strawberry refuses batches itself with a 400."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise HTTPException(400, "The request body is not valid UTF-8.") from error
    try:
        body = json.loads(data)
    except (json.JSONDecodeError, RecursionError) as error:
        raise HTTPException(400, "The request body is not valid JSON.") from error
    if isinstance(body, list):
        return body
    if not isinstance(body, dict):
        raise HTTPException(400, "The request body must be a JSON object with a `query` member.")
    problem = operation_problem(body)
    if problem is not None:
        raise HTTPException(400, problem)
    return body


def operation_problem(payload: object) -> str | None:
    """What is wrong with the members of one operation (an HTTP body, a websocket
    `subscribe`/`start` payload), or None."""
    if not isinstance(payload, dict):
        return "The operation must be a JSON object with a `query` member."
    for name, (kind, label) in _FIELDS.items():
        value = payload.get(name)
        if value is not None and not isinstance(value, kind):
            return f"`{name}` must be {label} or null."
    return None


def websocket_refusal(payload: object) -> dict[str, object] | None:
    """The error a websocket operation gets for a malformed payload, or None."""
    problem = operation_problem(payload)
    if problem is None and isinstance(payload, dict) and not payload.get("query"):
        problem = "The operation has no `query`."
    if problem is None:
        return None
    return {"message": problem, "extensions": {"code": "BAD_REQUEST"}}


def error_response(status: int, message: str, code: str) -> JSONResponse:
    return JSONResponse(
        {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]},
        status_code=status,
    )


_HTTP_CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


def bad_request(error: HTTPException) -> JSONResponse:
    code = _HTTP_CODES.get(error.status_code, f"HTTP_{error.status_code}")
    return error_response(error.status_code, error.reason, code)


def _code(error: GraphQLError) -> str | None:
    code = (error.extensions or {}).get("code")
    return code if isinstance(code, str) else None


def shape(result: ExecutionResult) -> tuple[ExecutionResult, int | None]:
    """The result to send and its HTTP status (None: Strawberry's default, 200).

    An outage anywhere in the result fails the whole request with one error, the same
    whatever the viewer asked or who they are; a request refused before execution is a
    400, and each of its errors gets a code if it has none (parse errors)."""
    errors = result.errors or []
    codes = {_code(error) for error in errors}
    if SERVICE_UNAVAILABLE in codes:
        # One error without path or location: nothing tells what was asked or by whom.
        return ExecutionResult(data=None, errors=[unavailable_error()]), 503
    if TIMEOUT in codes:
        return ExecutionResult(data=None, errors=[e for e in errors if _code(e) == TIMEOUT]), 503
    if errors and result.data is None and all(error.path is None for error in errors):
        for error in errors:
            if _code(error) is None:
                code = (
                    "GRAPHQL_PARSE_FAILED"
                    if error.message.startswith("Syntax Error")
                    else "GRAPHQL_VALIDATION_FAILED"
                )
                error.extensions = {**(error.extensions or {}), "code": code}
        if all(_code(error) in REFUSED_BEFORE_EXECUTION for error in errors):
            return result, 400
    return result, None


def timeout_result(seconds: float) -> ExecutionResult:
    return ExecutionResult(
        data=None,
        errors=[
            GraphQLError(
                f"The request took longer than its {seconds:g} s budget and was stopped.",
                extensions={"code": TIMEOUT, "limitSeconds": seconds},
            )
        ],
    )


def unavailable_error() -> GraphQLError:
    return GraphQLError(UNAVAILABLE_MESSAGE, extensions={"code": SERVICE_UNAVAILABLE})
