import json

from streams.live import Filters, LiveHub, read_events, sse_event, transition


def parse(message: bytes) -> tuple[str, dict]:
    lines = message.decode().strip().split("\n")
    fields = dict(line.split(": ", 1) for line in lines)
    return fields["event"], json.loads(fields["data"])


def test_filters_select_by_situation_signal_and_weight():
    claim = {"situations": ["russia-ukraine"], "signal": "escalation", "weight": -4.5}
    assert Filters().accepts(claim)
    assert Filters(situation="russia-ukraine", signal="escalation", min_weight=4).accepts(claim)
    assert not Filters(situation="taiwan").accepts(claim)
    assert not Filters(signal="de-escalation").accepts(claim)
    assert not Filters(min_weight=5).accepts(claim)
    snapshot = {"situation": "russia-ukraine", "alert_level": "red"}
    assert Filters(situation="russia-ukraine").accepts(snapshot)
    assert not Filters(situation="other").accepts(snapshot)


def test_filters_from_query_string():
    assert Filters.from_query({"situation": "s", "signal": "neutral", "min_weight": "2.5"}) == Filters(
        "s", "neutral", 2.5
    )
    assert Filters.from_query({}) == Filters()


def test_hub_delivers_to_matching_subscribers_only():
    hub = LiveHub()
    everyone = hub.subscribe("claims", Filters())
    escalation_only = hub.subscribe("claims", Filters(signal="escalation"))
    snapshots = hub.subscribe("situations", Filters())
    hub.publish("claims", "claim", {"signal": "de-escalation", "content": "talks go on"})
    assert everyone.queue.qsize() == 1 and escalation_only.queue.qsize() == 0 and snapshots.queue.qsize() == 0
    kind, data = parse(everyone.queue.get_nowait())
    assert kind == "claim" and data["content"] == "talks go on"
    hub.unsubscribe(everyone)
    hub.publish("claims", "claim", {"signal": "escalation"})
    assert escalation_only.queue.qsize() == 1 and everyone.queue.qsize() == 0


def test_slow_client_loses_oldest_events_not_newest():
    hub = LiveHub()
    slow = hub.subscribe("claims", Filters())
    for index in range(1005):
        hub.publish("claims", "claim", {"n": index})
    assert slow.queue.qsize() == 1000
    assert parse(slow.queue.get_nowait())[1]["n"] == 5


def test_event_format_and_transitions():
    assert sse_event("snapshot", {"a": 1}, 7) == b'id: 7\nevent: snapshot\ndata: {"a":1}\n\n'
    assert transition(None, "green") is None
    assert transition("green", "green") is None
    assert transition("green", "amber") == {"from": "green", "to": "amber"}


async def test_read_events_parses_what_the_hub_writes_and_skips_comments():
    snapshot = {"situation": "s", "transition": {"from": "green", "to": "amber"}}
    chunks = [b"retry: 3000\n: connected\n\n", sse_event("claim", {"n": 1}, 1), b": heartbeat\n\n"]
    chunks.append(sse_event("snapshot", snapshot, 2))

    async def stream():  # line by line, as aiohttp's response.content iterates
        for chunk in chunks:
            for line in chunk.splitlines(keepends=True):
                yield line

    events = [event async for event in read_events(stream())]
    assert events == [("claim", {"n": 1}), ("snapshot", snapshot)]


def test_close_ends_every_stream():
    hub = LiveHub()
    subscribers = [hub.subscribe("claims", Filters()), hub.subscribe("situations", Filters())]
    hub.close()
    assert [subscriber.queue.get_nowait() for subscriber in subscribers] == [None, None]
