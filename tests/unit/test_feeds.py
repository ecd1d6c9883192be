import io
import json
import random
from datetime import UTC, datetime

import feedparser
import pytest

from streams.feeds.config import FeedConfig, load_config
from streams.feeds.entries import article_id, entry_article, entry_key, html_to_text
from streams.feeds.poller import backoff_delay
from streams.feeds.state import CorruptState, FeedState, Validators

RSS = b"""<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Border Wire</title><language>en-gb</language>
<item><guid isPermaLink="false">4711</guid><title>Troops &amp; tanks</title><link>https://wire.example/a</link>
<pubDate>Mon, 14 Feb 2022 10:30:00 +0300</pubDate><description>short teaser</description>
<content:encoded><![CDATA[<p>First <b>paragraph</b> here.</p><script>track()</script><p>Second&nbsp;one.</p>]]>
</content:encoded></item>
<item><link>https://wire.example/b</link><title>No date, no guid</title>
<description>Only a summary.</description></item>
<item><title>Nothing to identify it</title><description>text</description></item>
<item><guid>https://wire.example/c</guid><title>Empty</title><description>  </description></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Desk</title>
<entry><id>tag:desk.example,2022:1</id><title>Updated only</title><updated>2022-02-15T08:00:00Z</updated>
<link href="https://desk.example/1"/><content type="text">Plain text body.
Second line.</content></entry>
</feed>"""


def parse(document: bytes):
    return feedparser.parse(io.BytesIO(document))


def feed_config(**fields) -> FeedConfig:
    return FeedConfig(**{"name": "wire", "url": "https://wire.example/rss", **fields})


SEEN = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def test_html_to_text_keeps_paragraphs_and_drops_scripts():
    assert html_to_text("<p>First <b>bold</b></p><script>x()</script><div>Second&amp;third</div>") == (
        "First bold\n\nSecond&third"
    )
    assert html_to_text("plain words") == "plain words"


def test_entry_keys_are_stable_and_scoped_to_the_feed_when_ids_are_local():
    rss = parse(RSS)
    keys = [entry_key(entry, "https://wire.example/rss") for entry in rss.entries]
    assert keys == ["https://wire.example/rss#4711", "https://wire.example/b", None, "https://wire.example/c"]
    assert entry_key(parse(ATOM).entries[0], "https://other.example/") == "tag:desk.example,2022:1"
    assert article_id(keys[0]) == article_id("https://wire.example/rss#4711") != article_id(keys[1])
    assert article_id(keys[0]).startswith("feed-")


def test_rss_entry_becomes_an_article_with_feed_time_in_utc_and_stripped_content():
    rss = parse(RSS)
    item = entry_article(rss.entries[0], "feed-x", feed_config(), rss.feed, SEEN, 1_000_000)
    article = item.article
    assert article.published_at == datetime(2022, 2, 14, 7, 30, tzinfo=UTC)
    assert item.published_at_source == "feed"
    assert article.text == "First paragraph here.\n\nSecond one."
    assert article.title == "Troops & tanks"
    assert (article.outlet, article.language, article.url) == ("Border Wire", "en", "https://wire.example/a")
    payload = json.loads(item.payload())
    assert payload["feed"] == "wire" and payload["published_at_source"] == "feed" and payload["id"] == "feed-x"


def test_missing_date_falls_back_to_first_seen_and_is_marked():
    rss = parse(RSS)
    item = entry_article(rss.entries[1], "feed-y", feed_config(outlet="Wire"), rss.feed, SEEN, 1_000_000)
    assert item.article.published_at == SEEN and item.published_at_source == "first_seen"
    assert item.article.text == "Only a summary." and item.article.outlet == "Wire"


def test_entries_without_text_are_refused_and_fetched_text_wins():
    rss = parse(RSS)
    assert entry_article(rss.entries[3], "feed-z", feed_config(), rss.feed, SEEN, 1_000_000) is None
    fetched = entry_article(rss.entries[3], "feed-z", feed_config(), rss.feed, SEEN, 1_000_000, "Full page text.")
    assert fetched.article.text == "Full page text."


def test_atom_updated_time_plain_text_content_and_text_cap():
    atom = parse(ATOM)
    item = entry_article(atom.entries[0], "feed-a", feed_config(language="de"), atom.feed, SEEN, 12)
    assert item.article.published_at == datetime(2022, 2, 15, 8, 0, tzinfo=UTC)
    assert item.article.text == "Plain text b" and item.article.language == "de"


def test_backoff_doubles_with_jitter_up_to_the_cap():
    rng = random.Random(7)
    for failures in range(1, 12):
        ceiling = min(3600, 60 * 2**failures)
        delays = [backoff_delay(60, failures, 3600, rng) for _ in range(50)]
        assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
        assert len(set(delays)) > 1


def test_config_validation(tmp_path):
    path = tmp_path / "feeds.yaml"
    path.write_text("feeds:\n  - {name: a, url: 'https://x.example/rss', interval_seconds: 60}\n")
    config = load_config(path)
    assert config.feeds[0].interval_seconds == 60 and config.per_host_concurrency == 2
    path.write_text("feeds:\n  - {name: a, url: 'https://x/1'}\n  - {name: a, url: 'ftp://x/2'}\n")
    with pytest.raises(ValueError, match="not an http"):
        load_config(path)
    path.write_text("feeds:\n  - {name: a, url: 'https://x/1'}\n  - {name: a, url: 'https://x/2'}\n")
    with pytest.raises(ValueError, match="unique"):
        load_config(path)
    path.write_text("feeds: [{name: 'bad name', url: 'https://x/1'}]\nbogus: 1\n")
    with pytest.raises(ValueError, match="bogus"):
        load_config(path)


def test_state_round_trip_forgets_oldest_and_drops_validators_of_a_changed_url(tmp_path):
    path = tmp_path / "state" / "feeds.json"
    state = FeedState(path, remember=100)
    state.mark_sent([f"id{n}" for n in range(105)])
    state.set_validators("wire", Validators("https://wire.example/rss", '"v1"', "Mon, 14 Feb 2022 10:00:00 GMT"))
    state.save()
    loaded = FeedState.load(path, remember=100)
    assert not loaded.was_sent("id4") and loaded.was_sent("id5") and loaded.was_sent("id104")
    assert loaded.validators_for("wire", "https://wire.example/rss").request_headers() == {
        "If-None-Match": '"v1"',
        "If-Modified-Since": "Mon, 14 Feb 2022 10:00:00 GMT",
    }
    assert loaded.validators_for("wire", "https://moved.example/rss").request_headers() == {}
    assert not list(path.parent.glob("*.tmp"))


def test_corrupt_state_is_refused_rather_than_resending_everything(tmp_path):
    path = tmp_path / "feeds.json"
    path.write_text('{"feeds": {}, "sent": [')
    with pytest.raises(CorruptState, match="fix or remove"):
        FeedState.load(path, remember=100)
