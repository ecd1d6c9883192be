"""The enrich agent: raw bytes in; EnrichedArticle or DeadLetter out. Thin: validation, dedup and NLP are pure modules.

Batches come from `stream.noack_take`, are cut into chunks and the chunks dealt to the NLP processes
(agents.nlp.process, SITREP_NLP_PROCESSES of them), one `nlp.pipe` per chunk; results come back in input order. The
~0.2 s of CPU per long article never blocks the event loop (heartbeats, commits and the web server keep running) and
never competes with it for the GIL.

Up to SITREP_BATCHES_IN_FLIGHT batches are in the NLP processes at once, so a process that finishes its part of one
batch starts on the next instead of waiting for the slowest chunk and the broker's acknowledgements. Results still go
out in arrival order, and a batch's offsets are acked only after its results are sent: a crash re-reads what was in
flight. Batches taken meanwhile see the held articles as already recorded (agents.dedupe), so none is parsed twice.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from dataclasses import dataclass

from agents.dedupe import Deduplicator
from agents.language import identifier
from agents.nlp.process import EnricherPool
from agents.records import EnrichedArticle
from agents.steps import EnrichmentStep, enrichment_inputs
from streams import metrics
from streams.worker.context import WorkerContext, send_dead_letter

log = logging.getLogger(__name__)

CHUNKS_PER_PROCESS = 4  # a default batch of 16 on 2 processes: chunks of 2 articles, one nlp.pipe call each


def observe(results: list[EnrichedArticle], seconds: float) -> None:
    metrics.PROCESSING_SECONDS.observe(seconds)
    metrics.BATCH_SIZE.observe(len(results))
    for result in results:
        metrics.ARTICLE_SECONDS.observe(seconds / len(results))
        for claim in result.claims:
            metrics.CLAIMS_EXTRACTED.labels(direction=claim.signal).inc()
    metrics.ARTICLES_ENRICHED.inc(len(results))
    latest = max(result.published_at for result in results).timestamp()
    now = time.time()
    metrics.LAST_EVENT_TIMESTAMP.set(latest)
    metrics.EVENT_LAG_SECONDS.set(now - latest)
    metrics.LAST_PROGRESS_TIMESTAMP.set(now)


async def enrich_isolating_failures(enrich, accepted):
    """Enrich a batch; if the batch fails, retry one by one so a single poisonous article cannot stall the stream."""
    articles, marks = enrichment_inputs(accepted)
    try:
        results = await enrich(articles, marks)
        return [(event, result, None) for (event, _, _), result in zip(accepted, results, strict=True)]
    except Exception:  # noqa: BLE001 - any failure of the NLP stack must not stop the worker
        log.exception("batch of %d failed; retrying articles one by one", len(articles))
    outcomes = []
    for event, article, first in accepted:
        try:
            [result] = await enrich([article], [first])
            outcomes.append((event, result, None))
        except Exception as error:  # noqa: BLE001
            outcomes.append((event, None, f"enrich_failed: {type(error).__name__}: {error}"))
    return outcomes


def chunks(entries: list, count: int) -> list[list]:
    """`entries` cut into at most `count` contiguous chunks of near-equal length, in order."""
    count = min(count, len(entries))
    if not count:
        return []
    size, extra = divmod(len(entries), count)
    cuts = [index * size + min(index, extra) for index in range(count + 1)]
    return [entries[start:end] for start, end in itertools.pairwise(cuts)]


async def enrich_in_chunks(pool: EnricherPool, entries: list):
    """The batch dealt to the pool's processes in chunks that run at once; outcomes in input order. CHUNKS_PER_PROCESS
    chunks per process, so a process that finishes early takes another chunk: at the end of a batch a process waits
    for the other at most one small chunk (articles differ a lot in length)."""
    parts = chunks(entries, CHUNKS_PER_PROCESS * pool.size)
    outcomes = await asyncio.gather(*(enrich_isolating_failures(pool.enrich, part) for part in parts))
    return [outcome for part in outcomes for outcome in part]


@dataclass
class LanguageJob:
    """One batch's articles of one language, on their way through that language's NLP processes."""

    language: str
    entries: list
    outcomes: asyncio.Task | None = None  # (event, EnrichedArticle or None, error or None) per entry, in order
    seconds: float = 0.0  # NLP time, for the metrics


def enrich_agent(worker: WorkerContext):
    """The enrich agent, and the task that starts its NLP processes."""
    settings, tables = worker.settings, worker.tables
    # SITREP_NLP_PROCESSES NLP processes per configured language (English only, unless SITREP_LANGUAGE_MODELS adds
    # others).
    processes = {
        language: EnricherPool(
            settings.nlp.for_language(language),
            settings.nlp_processes,
            on_replaced=metrics.NLP_PROCESS_RESTARTS.inc,
            on_normalised=metrics.count_normalised,
        )
        for language in settings.nlp.models_by_language
    }

    async def load_model() -> None:
        """In the NLP processes, so the worker joins its group and recovers its tables meanwhile."""
        await asyncio.to_thread(identifier)  # the language detector's model, off the event loop
        for language, process in processes.items():
            await process.start()
            log.info("NLP model %s loaded for %s", process.settings.spacy_model, language)
        worker.health["model_loaded"] = True

    async def enrich(stream):
        step = EnrichmentStep(Deduplicator(tables.seen_ids, tables.first_by_text), processes, settings.max_text_bytes)
        in_flight = asyncio.Semaphore(settings.batches_in_flight)
        started: asyncio.Queue[tuple[list, list[LanguageJob]]] = asyncio.Queue()  # batches in the order they came

        async def finish_in_order() -> None:
            """Send each batch's results in arrival order, then let its offsets be committed."""
            while True:
                events, jobs = await started.get()
                for job in jobs:
                    await send_results(job, await job.outcomes)
                for event in events:
                    await stream.ack(event)
                in_flight.release()

        async def send_results(job: LanguageJob, outcomes: list) -> None:
            done = [result for _, result, _ in outcomes if result is not None]
            if done:
                observe(done, job.seconds)
                metrics.ARTICLES_BY_LANGUAGE.labels(job.language, "enriched").inc(len(done))
            sent = []
            for (event, result, error), (_, article, _) in zip(outcomes, job.entries, strict=True):
                if result is None:
                    step.release(article)
                    await send_dead_letter(worker, event, "enrich", error)
                    continue
                delivery = await worker.topics.enriched.send(key=result.article_id, value=result.to_bytes())
                sent.append((delivery, article))
            # The dedup tables learn an article only once the broker holds its enriched record: a crash in between
            # makes the article be read and enriched again, never skipped as already seen.
            for delivery, article in sent:
                await delivery
                step.record(article)

        async def enrich_language(job: LanguageJob):
            pool = processes[job.language]
            await pool.loaded.wait()
            began = time.perf_counter()
            outcomes = await enrich_in_chunks(pool, job.entries)
            job.seconds = time.perf_counter() - began
            return outcomes

        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(finish_in_order())
            # Events are acked by finish_in_order, not when the next batch is taken: several batches are in flight.
            async for events in stream.noack_take(settings.batch_size, within=settings.batch_timeout):
                await in_flight.acquire()
                metrics.ARTICLES_CONSUMED.inc(len(events))
                classified = step.admit((event, event.message.value or b"") for event in events)
                for verdict in classified.duplicates:
                    metrics.ARTICLES_DUPLICATE.labels(kind=verdict.value).inc()
                for event, error in classified.invalid:
                    await send_dead_letter(worker, event, "validate", f"{error.reason}: {error.detail}")
                # No model for the language detected in the text: a dead letter, not an article the English rules
                # would pass through with no claims. The batch goes out language by language.
                for (event, _, _), detection in classified.unsupported:
                    metrics.ARTICLES_BY_LANGUAGE.labels(detection.language, "unsupported_language").inc()
                    await send_dead_letter(worker, event, "language", detection.reason)
                jobs = [LanguageJob(language, entries) for language, entries in classified.by_language.items()]
                for job in jobs:
                    job.outcomes = tasks.create_task(enrich_language(job))
                started.put_nowait((events, jobs))

    return load_model, enrich
