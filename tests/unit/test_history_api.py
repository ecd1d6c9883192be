"""The history API's parameters (a bad one is a 400 with a one-line reason) and its OpenAPI description."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from streams.history import BadQuery
from streams.worker.history_api import (
    CLAIM_PARAMETERS,
    HISTORY_PARAMETERS,
    openapi_document,
    parse_claim_filters,
    parse_query,
)


def test_a_full_query_is_parsed():
    query = parse_query(
        {"since": "2022-02-14T00:00:00Z", "until": "2022-02-15T00:00:00+01:00", "limit": "40", "cursor": "abc"},
        HISTORY_PARAMETERS,
    )
    assert query.since == datetime(2022, 2, 14, tzinfo=UTC)
    assert query.until == datetime(2022, 2, 14, 23, tzinfo=UTC)
    assert (query.limit, query.cursor) == (40, "abc")
    assert parse_claim_filters({"situation": "russia-ukraine", "signal": "de-escalation"}) == {
        "situation": "russia-ukraine",
        "signal": "de-escalation",
    }


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"limit": "ten"}, "limit must be an integer, got 'ten'"),
        ({"limit": "5000"}, "limit must be between 1 and 1000"),
        ({"since": "yesterday"}, "since is not an ISO-8601 time: 'yesterday'"),
        ({"until": "2022-02-14T00:00:00"}, "until needs a timezone offset"),
        ({"situaton": "x"}, "unknown parameter 'situaton'"),
    ],
)
def test_bad_parameters_get_a_one_line_reason(params, reason):
    with pytest.raises(BadQuery, match=reason) as error:
        parse_query(params, HISTORY_PARAMETERS)
    assert "\n" not in str(error.value)


def test_an_unknown_signal_is_refused():
    with pytest.raises(BadQuery, match="signal must be one of escalation, de-escalation, neutral, got 'war'"):
        parse_claim_filters({"signal": "war"})
    assert "signal" in CLAIM_PARAMETERS and "signal" not in HISTORY_PARAMETERS


def test_the_openapi_document_describes_both_routes_and_resolves_every_reference():
    document = openapi_document()
    assert set(document["paths"]) == {"/situations/{situation_id}/history", "/claims"}
    claims = document["paths"]["/claims"]["get"]
    assert {p["name"] for p in claims["parameters"]} == {"situation", "signal", "since", "until", "limit", "cursor"}

    def references(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from references(value)
        elif isinstance(node, list):
            for value in node:
                yield from references(value)

    for reference in references(document):
        section, kind, name = reference.removeprefix("#/").split("/")
        assert name in document[section][kind], reference
    claim = document["components"]["schemas"]["ClaimRecord"]["properties"]
    assert {"article_id", "outlet", "published_at", "situations", "signal"} <= set(claim)
