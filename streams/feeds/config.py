"""The feeds file (`deploy/feeds.example.yaml`): strict, every error names the file and the field."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator


class FeedConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")  # a metric label: short and from config only
    url: str
    interval_seconds: float = Field(default=300, ge=1)
    outlet: str | None = None  # default: the feed's own title
    language: str | None = None  # default: the feed's language, else "en"
    fetch_article: bool = False  # fetch each entry's page and extract the text with trafilatura

    @field_validator("url")
    @classmethod
    def http_url(cls, url: str) -> str:
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            raise ValueError(f"not an http(s) URL: {url!r}")
        return url


class FeedsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state_file: Path = Path(".cache/feeds-state.json")
    timeout_seconds: float = Field(default=20, gt=0)
    per_host_concurrency: int = Field(default=2, ge=1)
    max_backoff_seconds: float = Field(default=3600, ge=1)
    max_bytes: int = Field(default=10_000_000, ge=1024)  # per response, feed or article page
    remember: int = Field(default=100_000, ge=100)  # sent ids kept; far more than any feed carries at once
    user_agent: str = "sitrep-feeds/1.0"
    feeds: list[FeedConfig] = Field(min_length=1)

    @model_validator(mode="after")
    def unique_names(self) -> FeedsConfig:
        names = [feed.name for feed in self.feeds]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"feed names must be unique: {', '.join(duplicates)}")
        return self


def load_config(path: Path) -> FeedsConfig:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return FeedsConfig.model_validate(data)
    except yaml.YAMLError as error:
        raise ValueError(f"{path}: not YAML: {error}") from None
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'file'}: {e['msg']}" for e in error.errors())
        raise ValueError(f"{path}: {problems}") from None
