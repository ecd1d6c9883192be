"""HTTP on the Faust web server (bound to 127.0.0.1 by default): metrics, health and the situation views."""

from __future__ import annotations

import asyncio
import hmac
from pathlib import Path

from aiohttp import web
from faust.web import Request, Response, View
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from streams import metrics
from streams.history import Query, parse_time
from streams.live import Filters, LiveHub
from streams.worker.context import WorkerContext

LIVE_PAGE = Path(__file__).resolve().parent / "static" / "live.html"


def authorised(request: Request, token: str | None) -> bool:
    """Bearer token in the Authorization header, or ?token= (EventSource cannot set headers)."""
    if not token:
        return True
    header = request.headers.get("Authorization", "")
    given = header[7:] if header.startswith("Bearer ") else request.query.get("token", "")
    return hmac.compare_digest(given.encode(), token.encode())


SSE_HEADERS = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
RECONNECT_MS = 3000  # what EventSource waits before reconnecting after a dropped stream


async def stream_events(request: web.Request, hub: LiveHub, stream: str, heartbeat: float) -> web.StreamResponse:
    """Server-sent events until the client goes away (noticed at the next write, heartbeats included) or the server
    shuts down. Plain aiohttp: Faust hands its views the aiohttp request and returns their response as is."""
    try:
        filters = Filters.from_query(request.query)
    except ValueError:
        return web.json_response({"error": "min_weight must be a number"}, status=400)
    response = web.StreamResponse(headers=SSE_HEADERS)
    await response.prepare(request)
    subscriber = hub.subscribe(stream, filters)
    try:
        await response.write(f"retry: {RECONNECT_MS}\n: connected\n\n".encode())
        while True:
            try:
                message = await asyncio.wait_for(subscriber.queue.get(), timeout=heartbeat)
            except TimeoutError:
                message = b": heartbeat\n\n"
            if message is None:
                break
            await response.write(message)
    except ConnectionResetError:
        pass  # the client went away: a clean close, nothing to report
    finally:
        hub.unsubscribe(subscriber)
    return response


def unauthorised() -> web.Response:
    return web.json_response(
        {"error": "missing or wrong bearer token"}, status=401, headers={"WWW-Authenticate": "Bearer"}
    )


def metrics_view() -> type[View]:
    class Metrics(View):
        async def get(self, request: Request) -> Response:
            return self.bytes(generate_latest(metrics.REGISTRY), content_type=CONTENT_TYPE_LATEST.split(";")[0])

    return Metrics


def health_view(worker: WorkerContext) -> type[View]:
    class Health(View):
        """200 once the NLP model is loaded and the worker takes messages; 503 before (a readiness probe)."""

        async def get(self, request: Request) -> Response:
            ready = all(worker.health.values())
            return self.json(worker.health, status=200 if ready else 503)

    return Health


def situations_view(worker: WorkerContext) -> type[View]:
    latest = worker.tables.situation_latest

    class Situations(View):
        """The latest snapshot of every situation (a global table: any worker answers for all)."""

        async def get(self, request: Request) -> Response:
            snapshots = {key: value for key, value in latest.items()}
            return self.json({"situations": [snapshots[key] for key in sorted(snapshots)]})

    return Situations


def situation_view(worker: WorkerContext) -> type[View]:
    latest_table = worker.tables.situation_latest

    class Situation(View):
        """Latest snapshot plus recent history, filterable by event time: ?since=ISO&until=ISO&limit=N."""

        @worker.app.topic_route(topic=worker.topics.situation_input, match_info="situation_id")
        async def get(self, request: Request, situation_id: str) -> Response:
            latest = latest_table.get(situation_id)
            if latest is None:
                return self.json({"error": f"unknown situation {situation_id!r}"}, status=404)
            try:
                query = Query(parse_time(request.query, "since"), parse_time(request.query, "until"))
                limit = int(request.query.get("limit", "100"))
            except ValueError as error:
                return self.json({"error": str(error)}, status=400)
            history = [
                snapshot.model_dump(mode="json")
                for snapshot in worker.history.recent(situation_id)
                if (query.since is None or snapshot.as_of >= query.since)
                and (query.until is None or snapshot.as_of < query.until)
            ]
            return self.json({"latest": latest, "history": history[-limit:] if limit > 0 else []})

    return Situation


def end_streams(worker: WorkerContext):
    async def end_streams(_web_app: web.Application) -> None:
        worker.live.close()

    return end_streams


def live_stream_view(worker: WorkerContext, stream: str) -> type[View]:
    """Server-sent events: new claims (?situation=ID&signal=escalation&min_weight=2), or snapshot changes with
    alert-level transitions flagged (?situation=ID)."""
    token, heartbeat = worker.settings.feed_token, worker.settings.sse_heartbeat_seconds

    class LiveStream(View):
        async def get(self, request: Request) -> Response:
            if not authorised(request, token):
                return unauthorised()
            return await stream_events(request, worker.live, stream, heartbeat)

    return LiveStream


def live_view() -> type[View]:
    live_page = LIVE_PAGE.read_text(encoding="utf-8")  # read once, not per request

    class LivePage(View):
        """The live page: latest snapshot per situation and incoming claims (pass ?token= when feeds need one)."""

        async def get(self, request: Request) -> Response:
            return self.html(live_page)

    return LivePage
