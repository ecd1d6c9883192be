"""The Enricher in processes of its own: spaCy and the claim rules never hold the worker's GIL.

In a thread, the parse and the post-parse rules take the GIL from the event loop (Faust, the situation agent, Kafka
I/O) and the event loop takes it back from them; in spawned processes the parse has the cores. Articles go in and
EnrichedArticles come back pickled (a few tens of kB per article, next to ~0.2 s of parse). An EnricherPool runs
several such processes and gives each call to one that is idle.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

from agents.config import NlpSettings
from agents.records import Article, EnrichedArticle

if TYPE_CHECKING:
    from agents.nlp.pipeline import Enricher

_enricher: Enricher | None = None  # this process's Enricher, when it is the NLP process


def _load(settings: NlpSettings) -> None:
    # imported here: spaCy (~100 MB) is loaded in the NLP processes only, never in the worker's own
    from agents.nlp.factory import build_enricher

    global _enricher
    parent = os.getppid()
    threading.Thread(target=_exit_with, args=(parent,), name="exit-with-worker", daemon=True).start()
    _enricher = build_enricher(settings)


def _exit_with(parent: int) -> None:
    """A worker killed with SIGKILL cannot stop its NLP process: the process notices it was orphaned and exits."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def _loaded() -> bool:
    return _enricher is not None


def _enrich(articles: list[Article], duplicates: list[str | None]) -> tuple[list[EnrichedArticle], Counter[str]]:
    """The enriched articles, and the normalisation changes their texts needed (counted in the worker)."""
    results = _enricher.enrich(articles, duplicates)
    changes = Counter(_enricher.normalised)
    _enricher.normalised.clear()
    return results, changes


class ModelLoadFailed(RuntimeError):
    pass


class EnricherProcess:
    """One spawned process that loads the Enricher once and enriches batches. A crashed process is replaced; the call
    that saw it die raises BrokenProcessPool (the agent then retries article by article, so one article that kills
    the process is dead-lettered and the others go through)."""

    def __init__(
        self,
        settings: NlpSettings,
        on_replaced: Callable[[], None] = lambda: None,
        on_normalised: Callable[[Counter[str]], None] = lambda changes: None,
    ):
        self.settings = settings
        self.on_replaced = on_replaced
        self.on_normalised = on_normalised
        self.loaded = asyncio.Event()  # set once the first process has loaded the model
        self.pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn, not fork: the worker has threads (aiokafka's consumer thread) that a fork would copy mid-flight.
        context = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(1, mp_context=context, initializer=_load, initargs=(self.settings,))

    async def start(self) -> None:
        """Wait until the process has loaded the model."""
        try:
            await self._call(_loaded)
        except BrokenProcessPool as error:
            raise ModelLoadFailed(f"the NLP process could not load {self.settings.spacy_model!r}") from error
        self.loaded.set()

    async def enrich(self, articles: Sequence[Article], duplicates: Sequence[str | None]) -> list[EnrichedArticle]:
        results, changes = await self._call(_enrich, list(articles), list(duplicates))
        self.on_normalised(changes)
        return results

    async def _call(self, function, *args):
        try:
            return await asyncio.get_running_loop().run_in_executor(self.pool, function, *args)
        except BrokenProcessPool:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._new_pool()
            self.on_replaced()
            raise

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class EnricherPool:
    """`size` EnricherProcesses; each call goes to an idle one (waiting for one if all are busy). A crash breaks only
    the call its process was running, so the caller's article-by-article retry stays confined to that call."""

    def __init__(
        self,
        settings: NlpSettings,
        size: int,
        on_replaced: Callable[[], None] = lambda: None,
        on_normalised: Callable[[Counter[str]], None] = lambda changes: None,
    ):
        self.settings = settings
        self.processes = [EnricherProcess(settings, on_replaced, on_normalised) for _ in range(size)]
        self.idle: asyncio.Queue[EnricherProcess] = asyncio.Queue()
        for process in self.processes:
            self.idle.put_nowait(process)
        self.loaded = asyncio.Event()  # set once every process has loaded the model

    @property
    def size(self) -> int:
        return len(self.processes)

    async def start(self) -> None:
        await asyncio.gather(*(process.start() for process in self.processes))
        self.loaded.set()

    async def enrich(self, articles: Sequence[Article], duplicates: Sequence[str | None]) -> list[EnrichedArticle]:
        process = await self.idle.get()
        try:
            return await process.enrich(articles, duplicates)
        finally:
            self.idle.put_nowait(process)

    def close(self) -> None:
        for process in self.processes:
            process.close()
