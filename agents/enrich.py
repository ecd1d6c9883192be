"""The enrich agent: raw bytes in; EnrichedArticle or DeadLetter out. Thin: validation, dedup and NLP are pure modules.

Batches come from `stream.take_events`, are cut into chunks and the chunks dealt to the NLP processes
(agents.nlp.process, SITREP_NLP_PROCESSES of them), one `nlp.pipe` per chunk; results come back in input order. The
~0.2 s of CPU per long article never blocks the event loop (heartbeats, commits and the web server keep running) and
never competes with it for the GIL.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time

from agents.dedupe import Deduplicator, Verdict
from agents.language import group_by_language, identifier
from agents.nlp.process import EnricherPool
from streams import metrics
from streams import topics as names
from streams.app import Pipeline
from streams.records import Article, EnrichedArticle, InvalidInput, dead_letter, parse_article

log = logging.getLogger(__name__)

CHUNKS_PER_PROCESS = 4  # a default batch of 16 on 2 processes: chunks of 2 articles, one nlp.pipe call each


async def send_dead_letter(pipeline: Pipeline, event, stage: str, error: str) -> None:
    message = event.message
    letter = dead_letter(stage, error, message.value or b"", message.topic, message.partition, message.offset)
    await pipeline.deadletter.send(key=message.key, value=letter.to_bytes())
    metrics.DEAD_LETTERS.labels(stage=stage, reason=error.split(":", 1)[0]).inc()
    log.warning("dead-lettered %s[%s]@%s: %s", message.topic, message.partition, message.offset, error)


def admit(batch, deduplicator: Deduplicator, max_text_bytes: int):
    """Split a batch of events into new articles (with the id they duplicate, if any) and invalid input."""
    valid: list[tuple[object, Article]] = []
    rejected: list[tuple[object, InvalidInput]] = []
    for event in batch:
        metrics.ARTICLES_CONSUMED.inc()
        try:
            valid.append((event, parse_article(event.message.value or b"", max_text_bytes)))
        except InvalidInput as error:
            rejected.append((event, error))
    accepted = []
    verdicts = deduplicator.classify_batch([article for _, article in valid])
    for (event, _), (article, verdict, first) in zip(valid, verdicts, strict=True):
        if verdict is not Verdict.NEW:
            metrics.ARTICLES_DUPLICATE.labels(kind=verdict.value).inc()
        if verdict is not Verdict.SEEN_ID:
            accepted.append((event, article, first))
    return accepted, rejected


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
    articles = [article for _, article, _ in accepted]
    marks = [first for _, _, first in accepted]
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


def string_table(pipeline: Pipeline, name: str):
    """A str -> str table written from a whole batch, so the changelog partition follows the key (use_partitioner)
    rather than the current event. Raw key bytes hash exactly like the article-id keys of the source topic."""
    app = pipeline.app
    table = app.conf.Table(
        app,
        name=name,
        beacon=app.tables.beacon,
        key_type=str,
        value_type=str,
        partitions=pipeline.settings.partitions,
        use_partitioner=True,
    )
    # Faust picks json for str; switch to raw before registering, which builds the changelog topic.
    table.key_serializer = table.value_serializer = "raw"
    return app.tables.add(table)


def register(pipeline: Pipeline) -> None:
    app, settings = pipeline.app, pipeline.settings
    seen_ids = string_table(pipeline, names.SEEN_IDS_TABLE)
    first_by_text = string_table(pipeline, names.FIRST_BY_TEXT_TABLE)
    # SITREP_NLP_PROCESSES NLP processes per configured language (English only, unless SITREP_LANGUAGE_MODELS adds
    # others).
    processes = {
        language: EnricherPool(
            settings.model_copy(update={"spacy_model": model}),
            settings.nlp_processes,
            on_replaced=metrics.NLP_PROCESS_RESTARTS.inc,
            on_normalised=metrics.count_normalised,
        )
        for language, model in settings.models_by_language.items()
    }

    @app.task
    async def load_model() -> None:
        """In the NLP processes, so the worker joins its group and recovers its tables meanwhile."""
        await asyncio.to_thread(identifier)  # the language detector's model, off the event loop
        for language, process in processes.items():
            await process.start()
            log.info("NLP model %s loaded for %s", process.settings.spacy_model, language)
        pipeline.health["model_loaded"] = True

    @app.agent(pipeline.raw, name="enrich")
    async def enrich(stream):
        deduplicator = Deduplicator(seen_ids, first_by_text)
        async for batch in stream.take_events(settings.batch_size, within=settings.batch_timeout):
            accepted, rejected = admit(batch, deduplicator, settings.max_text_bytes)
            for event, error in rejected:
                await send_dead_letter(pipeline, event, "validate", f"{error.reason}: {error.detail}")
            # Detected from the text, whatever the `language` field says; no model for it: a dead letter, not an
            # article the English rules would pass through with no claims. The batch goes out language by language.
            languages, unsupported = group_by_language(accepted, lambda entry: entry[1], processes)
            for (event, _, _), detection in unsupported:
                metrics.ARTICLES_BY_LANGUAGE.labels(detection.language, "unsupported_language").inc()
                await send_dead_letter(pipeline, event, "language", detection.reason)
            for language, entries in languages.items():
                await processes[language].loaded.wait()
                started = time.perf_counter()
                outcomes = await enrich_in_chunks(processes[language], entries)
                done = [result for _, result, _ in outcomes if result is not None]
                if done:
                    observe(done, time.perf_counter() - started)
                    metrics.ARTICLES_BY_LANGUAGE.labels(language, "enriched").inc(len(done))
                for (event, result, error), (_, article, _) in zip(outcomes, entries, strict=True):
                    if result is None:
                        await send_dead_letter(pipeline, event, "enrich", error)
                        continue
                    await pipeline.enriched.send(key=result.article_id, value=result.to_bytes())
                    deduplicator.record(article)
