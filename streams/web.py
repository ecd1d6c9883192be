"""HTTP on the Faust web server (bound to 127.0.0.1 by default): Prometheus metrics and the situation views."""

from __future__ import annotations

from faust.web import Request, Response, View
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from streams import metrics
from streams.app import Pipeline


def register(pipeline: Pipeline) -> None:
    app = pipeline.app

    @app.page("/metrics")
    class Metrics(View):
        async def get(self, request: Request) -> Response:
            return self.bytes(generate_latest(metrics.REGISTRY), content_type=CONTENT_TYPE_LATEST.split(";")[0])

    @app.page("/health")
    class Health(View):
        """200 once the NLP model is loaded and the worker takes messages; 503 before (a readiness probe)."""

        async def get(self, request: Request) -> Response:
            ready = all(pipeline.health.values())
            return self.json(pipeline.health, status=200 if ready else 503)
