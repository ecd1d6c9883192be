"""What the feed poller has sent and the HTTP validators of each feed, kept in a small JSON file across restarts.

The file is replaced atomically (write a sibling, fsync, rename), so a crash leaves either the old or the new state.
"""

from __future__ import annotations

import json
import os
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

STATE_VERSION = 1


@dataclass(frozen=True)
class Validators:
    """ETag / Last-Modified of the last feed document whose new entries all reached the broker."""

    url: str
    etag: str | None = None
    last_modified: str | None = None

    def request_headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


class CorruptState(ValueError):
    pass


class FeedState:
    """Sent article ids (oldest first, the oldest forgotten beyond `remember`) and validators per feed name."""

    def __init__(self, path: Path, remember: int):
        self.path = path
        self.remember = remember
        self.validators: dict[str, Validators] = {}
        self.sent: OrderedDict[str, str] = OrderedDict()  # article id -> when it was acknowledged (ISO)

    @classmethod
    def load(cls, path: Path, remember: int) -> FeedState:
        state = cls(path, remember)
        if not path.exists():
            return state
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            state.validators = {name: Validators(**fields) for name, fields in data["feeds"].items()}
            state.sent = OrderedDict((article_id, at) for article_id, at in data["sent"])
        except (ValueError, KeyError, TypeError) as error:
            # Starting afresh would resend every entry still in the feeds: refuse and say why.
            raise CorruptState(f"feed state {path} is unreadable ({error}); fix or remove it") from None
        state.forget_oldest()
        return state

    def was_sent(self, article_id: str) -> bool:
        return article_id in self.sent

    def mark_sent(self, article_ids: Iterable[str], at: datetime | None = None) -> None:
        moment = (at or datetime.now(UTC)).isoformat()
        for article_id in article_ids:
            self.sent[article_id] = moment
        self.forget_oldest()

    def forget_oldest(self) -> None:
        while len(self.sent) > self.remember:
            self.sent.popitem(last=False)

    def validators_for(self, name: str, url: str) -> Validators:
        """The stored validators, unless the feed's URL changed since (they belong to the old URL)."""
        stored = self.validators.get(name)
        return stored if stored is not None and stored.url == url else Validators(url)

    def set_validators(self, name: str, validators: Validators) -> None:
        self.validators[name] = validators

    def save(self) -> None:
        data = {
            "version": STATE_VERSION,
            "feeds": {name: asdict(validators) for name, validators in sorted(self.validators.items())},
            "sent": list(self.sent.items()),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(self.path.name + ".tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            json.dump(data, handle, separators=(",", ":"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
