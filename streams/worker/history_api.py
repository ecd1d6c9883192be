"""The query API over the history store: paged snapshots of a situation and paged claims, described at /openapi.json.

Parameter parsing is pure (a bad one is a BadQuery whose message is the 400's one-line reason); the views are thin.
With several workers on SQLite, each holds the snapshots of the situations it owns (the history route is forwarded to
that worker) and the claims of its own partitions; a shared PostgreSQL store (SITREP_HISTORY_URL) holds everything.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import get_args

from faust.web import Request, Response, View

from agents.records import Signal
from streams.history import MAX_PAGE, BadQuery, Query, parse_time
from streams.worker.context import WorkerContext
from streams.worker.web import authorised, unauthorised

DEFAULT_PAGE = 100
SIGNALS = get_args(Signal)
HISTORY_PARAMETERS = ("since", "until", "limit", "cursor", "token")
CLAIM_PARAMETERS = (*HISTORY_PARAMETERS, "situation", "signal")


def parse_query(params: Mapping[str, str], allowed: tuple[str, ...]) -> Query:
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise BadQuery(f"unknown parameter {unknown[0]!r}; allowed: {', '.join(allowed)}")
    try:
        limit = int(params.get("limit", DEFAULT_PAGE))
    except ValueError:
        raise BadQuery(f"limit must be an integer, got {params['limit']!r}") from None
    return Query(parse_time(params, "since"), parse_time(params, "until"), limit, params.get("cursor") or None)


def parse_claim_filters(params: Mapping[str, str]) -> dict[str, str | None]:
    signal = params.get("signal") or None
    if signal is not None and signal not in SIGNALS:
        raise BadQuery(f"signal must be one of {', '.join(SIGNALS)}, got {signal!r}")
    return {"situation": params.get("situation") or None, "signal": signal}


def page_schema(item: str) -> dict:
    return {
        "type": "object",
        "required": ["items", "next_cursor"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
            "next_cursor": {
                "type": ["string", "null"],
                "description": "pass as ?cursor= for the next page; null on the last page",
            },
        },
    }


def parameter(name: str, description: str, schema: dict, where: str = "query", required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required, "description": description, "schema": schema}


PAGE_PARAMETERS = [
    parameter("since", "first event time to include (ISO-8601 with offset)", {"type": "string", "format": "date-time"}),
    parameter("until", "event time to stop before (ISO-8601 with offset)", {"type": "string", "format": "date-time"}),
    parameter(
        "limit", "items per page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": DEFAULT_PAGE}
    ),
    parameter("cursor", "next_cursor of the previous page", {"type": "string"}),
]
ERRORS = {
    "400": {"description": "a bad parameter; `error` says which and why", "$ref": "#/components/responses/Error"},
    "401": {"description": "missing or wrong bearer token (when SITREP_FEED_TOKEN is set)"},
}


def openapi_document() -> dict:
    from agents.records import EnrichedArticle, SituationSnapshot

    claim = EnrichedArticle.model_json_schema(ref_template="#/components/schemas/{model}")["$defs"]["Claim"]
    claim["properties"].update(
        outlet={"type": ["string", "null"]},
        published_at={"type": "string", "format": "date-time"},
        situations={"type": "array", "items": {"type": "string"}},
        duplicate_of={"type": ["string", "null"], "description": "the first article with the same text"},
    )
    snapshot = SituationSnapshot.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas = {**snapshot.pop("$defs"), "SituationSnapshot": snapshot, "ClaimRecord": claim}
    schemas["SnapshotPage"], schemas["ClaimPage"] = page_schema("SituationSnapshot"), page_schema("ClaimRecord")
    return {
        "openapi": "3.1.0",
        "info": {"title": "sitrep history API", "version": "1", "description": __doc__.strip().splitlines()[0]},
        "paths": {
            "/situations/{situation_id}/history": {
                "get": {
                    "summary": "every snapshot of a situation, ordered by as_of, each exactly once across pages",
                    "parameters": [
                        parameter("situation_id", "situation id", {"type": "string"}, where="path", required=True),
                        *PAGE_PARAMETERS,
                    ],
                    "responses": {"200": json_response("SnapshotPage"), **ERRORS},
                }
            },
            "/claims": {
                "get": {
                    "summary": "claims with their article, ordered by published_at",
                    "parameters": [
                        parameter("situation", "only claims of articles in this situation", {"type": "string"}),
                        parameter("signal", "only this signal", {"type": "string", "enum": list(SIGNALS)}),
                        *PAGE_PARAMETERS,
                    ],
                    "responses": {"200": json_response("ClaimPage"), **ERRORS},
                }
            },
        },
        "components": {
            "schemas": schemas,
            "responses": {
                "Error": {
                    "description": "a one-line reason",
                    "content": {
                        "application/json": {"schema": {"type": "object", "properties": {"error": {"type": "string"}}}}
                    },
                }
            },
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}, {}],
    }


def json_response(schema: str) -> dict:
    return {
        "description": "a page",
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def bad_request(view: View, error: BadQuery) -> Response:
    return view.json({"error": str(error)}, status=400)


def openapi_view() -> type[View]:
    document = openapi_document()

    class OpenAPI(View):
        async def get(self, request: Request) -> Response:
            return self.json(document)

    return OpenAPI


def history_view(worker: WorkerContext) -> type[View]:
    token, store = worker.settings.feed_token, worker.history_store

    class SituationHistory(View):
        """Every stored snapshot of a situation: ?since=ISO&until=ISO&limit=N&cursor=C."""

        @worker.app.topic_route(topic=worker.topics.situation_updates, match_info="situation_id")
        async def get(self, request: Request, situation_id: str) -> Response:
            if not authorised(request, token):
                return unauthorised()
            try:
                query = parse_query(request.query, HISTORY_PARAMETERS)
                page = await asyncio.to_thread(store.snapshot_page, situation_id, query)
            except BadQuery as error:
                return bad_request(self, error)
            return self.bytes(page.to_json().encode(), content_type="application/json")

    return SituationHistory


def claims_view(worker: WorkerContext) -> type[View]:
    token, store = worker.settings.feed_token, worker.history_store

    class Claims(View):
        """Stored claims with their article: ?situation=ID&signal=escalation&since=&until=&limit=&cursor=."""

        async def get(self, request: Request) -> Response:
            if not authorised(request, token):
                return unauthorised()
            try:
                query = parse_query(request.query, CLAIM_PARAMETERS)
                filters = parse_claim_filters(request.query)
                page = await asyncio.to_thread(store.claim_page, query, **filters)
            except BadQuery as error:
                return bad_request(self, error)
            return self.bytes(page.to_json().encode(), content_type="application/json")

    return Claims
