"""`sitrep` command line: worker, replay, extract, timeline, eval, export, topics, ingest feeds."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import datetime
from pathlib import Path

from streams.settings import get_settings


def parse_time(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an ISO-8601 time, e.g. 2022-02-14T00:00:00Z") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{value!r} needs a timezone offset, e.g. 2022-02-14T00:00:00+00:00")
    return moment


def positive_number(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not number > 0:
        raise argparse.ArgumentTypeError(f"must be above 0, got {value}")
    return number


def existing_path(value: str) -> str:
    """Checked while parsing, so a typo is a usage error (exit 2) before any broker is contacted or model loaded."""
    if not Path(value).exists():
        raise argparse.ArgumentTypeError(f"no such file or directory: {value}")
    return value


def cmd_worker(args: argparse.Namespace) -> int:
    from streams.topics import ensure_topics
    from streams.worker.faust_compat import DeadlineWorker
    from streams.worker.log_limits import limit_kafka_client_logs
    from streams.worker.topology import build_worker

    settings = get_settings()
    ensure_topics(settings)
    worker = build_worker(settings)
    limit_kafka_client_logs()
    DeadlineWorker(worker.app, loglevel=settings.log_level).execute_from_commandline()
    return 0


def load_corpus_or_report(args: argparse.Namespace):
    from streams.corpus import read_corpus, select_range

    settings = get_settings()
    corpus = read_corpus(Path(args.corpus), settings.max_text_bytes)
    articles = select_range(corpus.articles, args.since, args.until)
    print(
        f"corpus {args.corpus}: {len(corpus.articles)} valid, {len(corpus.rejected)} rejected, "
        f"{len(articles)} selected",
        file=sys.stderr,
    )
    for day, count in corpus.per_day().items():
        print(f"  {day}  {count:4d}", file=sys.stderr)
    for rejected in corpus.rejected:
        print(f"  rejected {rejected.where}: {rejected.reason}: {rejected.detail}", file=sys.stderr)
    if corpus.rejected and not args.skip_invalid:
        print("refusing to send a corpus with invalid records; fix them or pass --skip-invalid", file=sys.stderr)
        return None
    return articles


def cmd_replay(args: argparse.Namespace) -> int:
    from streams.replay import Progress, ReplayFailed, replay

    if args.offline != bool(args.snapshots):
        print("--offline and --snapshots OUT.jsonl go together", file=sys.stderr)
        return 2
    articles = load_corpus_or_report(args)
    if articles is None:
        return 2
    settings = get_settings()
    if args.offline:
        return replay_offline(articles, Path(args.snapshots))
    speed = None if args.max_speed else args.speed
    try:
        seconds = replay(articles, settings, speed=speed, progress=Progress(len(articles)))
    except ReplayFailed as error:
        print(f"replay failed: {error}", file=sys.stderr)
        return 1
    rate = len(articles) / seconds if seconds > 0 else float("inf")
    print(
        f"replayed {len(articles)} articles to {settings.topic('articles.raw')} in {seconds:.1f}s "
        f"({rate:.0f} articles/s)",
        file=sys.stderr,
    )
    return 0


def progress_bar(total: int, what: str):
    """A tqdm bar of articles on stderr when it is a terminal (nothing in logs and pipes)."""
    from tqdm import tqdm

    return tqdm(total=total, desc=what, unit="article", file=sys.stderr, disable=None)


def ticking(items, bar):
    """The items, advancing the bar as each one is taken (the offline pipeline pulls them lazily, batch by batch)."""
    for item in items:
        yield item
        bar.update()


def report_unsupported(article, detection) -> None:
    print(f"  {article.id}: {detection.reason}", file=sys.stderr)


def replay_offline(articles, out: Path) -> int:
    import time

    from streams.offline import LanguageEnrichers, enrich_stream, situation_snapshots

    settings = get_settings()
    enricher = LanguageEnrichers(settings.nlp, report_unsupported)
    started = time.perf_counter()
    out.parent.mkdir(parents=True, exist_ok=True)
    latest = {}
    with out.open("w", encoding="utf-8") as handle, progress_bar(len(articles), "replay --offline") as bar:
        taken = ticking(articles, bar)
        enriched = enrich_stream(taken, enricher, settings.batch_size)
        for snapshot in situation_snapshots(enriched, settings.situations):
            handle.write(snapshot.model_dump_json() + "\n")
            latest[snapshot.situation] = snapshot
    seconds = time.perf_counter() - started
    print(
        f"offline replay: {len(articles)} articles in {seconds:.1f}s ({len(articles) / seconds:.1f} articles/s), "
        f"snapshots in {out}",
        file=sys.stderr,
    )
    if enricher.unsupported:
        print(f"  unsupported_language, not enriched: {dict(enricher.unsupported)}", file=sys.stderr)
    for snapshot in latest.values():
        print(
            f"  {snapshot.situation}: as of {snapshot.as_of:%Y-%m-%d %H:%M} index {snapshot.escalation_index:.1f} "
            f"({snapshot.escalation_index_low:.1f}–{snapshot.escalation_index_high:.1f}) "
            f"balance {snapshot.balance:+.2f} alert {snapshot.alert_level}",
            file=sys.stderr,
        )
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    from streams import timeline

    if args.from_kafka:
        from streams.replay import read_snapshots_from_kafka

        snapshots = read_snapshots_from_kafka(get_settings())
    elif args.snapshots:
        snapshots = timeline.read_snapshots(Path(args.snapshots))
    else:
        print("give SNAPSHOTS.jsonl or --from-kafka", file=sys.stderr)
        return 2
    if args.situation:
        snapshots = [s for s in snapshots if s.situation == args.situation]
    if not snapshots:
        print("no snapshots", file=sys.stderr)
        return 1
    print(timeline.format_table(timeline.daily_rows(snapshots, window=args.window)))
    if args.png:
        timeline.render_png(snapshots, Path(args.png), window=args.window)
        print(f"chart: {args.png}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    if not (args.sets or (args.gold and args.corpus)) or (args.sets and args.what != "claims"):
        print("eval needs --gold FILE --corpus PATH, or (claims only) --sets DIR [DIR ...]", file=sys.stderr)
        return 2
    if args.what == "entities":
        from streams.evaluation.entities import evaluate_entities, format_entities_report

        print(format_entities_report(evaluate_entities(Path(args.gold), Path(args.corpus))))
    elif args.sets:
        from streams.evaluation.claims import evaluate_sets, format_sets_report, gold_sets

        sets = [item for root in args.sets for item in gold_sets(Path(root))]
        print(format_sets_report(evaluate_sets(sets, learned_signals=args.learned_signals)))
    else:
        from streams.evaluation.claims import evaluate_claims, format_claims_report

        print(format_claims_report(evaluate_claims(Path(args.gold), Path(args.corpus))))
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from streams.evaluation.train_signals import held_out_report, train

    settings = get_settings()
    if args.held_out:
        print(held_out_report(Path(args.data), settings))
        return 0
    from agents.nlp.signal_model import DEFAULT_MODEL

    out = Path(args.out) if args.out else DEFAULT_MODEL
    model = train(Path(args.data), out, settings)
    print(f"signal model: {len(model.signal.weights)} features, written to {out}")
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from streams.corpus import read_corpus
    from streams.offline import LanguageEnrichers

    settings = get_settings()
    corpus = read_corpus(Path(args.input), settings.max_text_bytes)
    for rejected in corpus.rejected:
        print(f"rejected {rejected.where}: {rejected.reason}: {rejected.detail}", file=sys.stderr)
    enricher = LanguageEnrichers(settings.nlp, report_unsupported)
    enriched = 0
    with open(args.out, "w", encoding="utf-8") as out, progress_bar(len(corpus.articles), "extract") as bar:
        for start in range(0, len(corpus.articles), settings.batch_size):
            batch = corpus.articles[start : start + settings.batch_size]
            for result in enricher.enrich(batch):
                out.write(result.model_dump_json() + "\n")
                enriched += 1
            bar.update(len(batch))
    unsupported = f", unsupported_language (not enriched): {dict(enricher.unsupported)}" if enricher.unsupported else ""
    print(f"enriched {enriched} of {len(corpus.articles)} articles into {args.out}{unsupported}", file=sys.stderr)
    if enricher.normalised:
        print(f"texts normalised before the parse: {dict(sorted(enricher.normalised.items()))}", file=sys.stderr)
    return 0 if not corpus.rejected else 1


def cmd_export(args: argparse.Namespace) -> int:
    from streams.export import export
    from streams.history import MAX_PAGE, SQLITE_FILE, BadQuery, HistoryStore, Query

    settings = get_settings()
    if not settings.history_url and not (settings.data_dir / SQLITE_FILE).exists():
        print(f"no history store at {settings.data_dir / SQLITE_FILE}: run a worker (SITREP_DATA_DIR)", file=sys.stderr)
        return 1
    try:
        query = Query(since=args.since, until=args.until, limit=MAX_PAGE)
        store = HistoryStore.from_settings(settings)
    except BadQuery as error:
        print(f"export: {error}", file=sys.stderr)
        return 2
    try:
        rows = export(store, args.what, args.situation, query, args.format, Path(args.out))
    finally:
        store.close()
    print(f"exported {rows} {args.what} to {args.out}", file=sys.stderr)
    return 0


def cmd_topics(args: argparse.Namespace) -> int:
    from streams.topics import ensure_topics

    created = ensure_topics(get_settings())
    print("created: " + (", ".join(created) if created else "nothing (all topics exist)"))
    return 0


def cmd_ingest_feeds(args: argparse.Namespace) -> int:
    from streams.feeds.poller import ingest_feeds

    return ingest_feeds(Path(args.feeds), get_settings(), once=args.once, metrics_port=args.metrics_port)


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sitrep")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sitrep", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("worker", help="run the Faust worker (settings from SITREP_* env)").set_defaults(func=cmd_worker)

    replay = sub.add_parser("replay", help="produce a corpus to Kafka in event-time order")
    replay.add_argument(
        "corpus", type=existing_path, help="JSONL file of Articles or a directory of .jsonl/.json files"
    )
    pace = replay.add_mutually_exclusive_group()
    pace.add_argument(
        "--speed", type=positive_number, default=3600.0, help="event seconds per wall second (default 3600)"
    )
    pace.add_argument("--max-speed", action="store_true", help="send as fast as the broker takes it")
    replay.add_argument("--since", type=parse_time, help="first published_at to include (ISO-8601 with offset)")
    replay.add_argument("--until", type=parse_time, help="published_at to stop before (ISO-8601 with offset)")
    replay.add_argument("--skip-invalid", action="store_true", help="send the valid records of a corpus with bad ones")
    replay.add_argument("--offline", action="store_true", help="run the pipeline in-process, no broker")
    replay.add_argument("--snapshots", help="with --offline: write one SituationSnapshot per article (JSONL)")
    replay.set_defaults(func=cmd_replay)

    timeline = sub.add_parser("timeline", help="indicators over event time: a daily table and a PNG chart")
    timeline.add_argument(
        "snapshots", nargs="?", type=existing_path, help="SituationSnapshot JSONL (from replay --offline)"
    )
    timeline.add_argument("--from-kafka", action="store_true", help="read the situation updates topic instead")
    timeline.add_argument("--png", help="write the chart to this file")
    timeline.add_argument("--window", default="24h", choices=["6h", "24h", "7d"])
    timeline.add_argument("--situation", help="only this situation id")
    timeline.set_defaults(func=cmd_timeline)

    evaluation = sub.add_parser("eval", help="score entities or claims against a gold set")
    evaluation.add_argument("what", choices=["entities", "claims"])
    evaluation.add_argument("--gold", type=existing_path, help="gold JSONL (with --corpus)")
    evaluation.add_argument("--corpus", type=existing_path, help="the articles the gold file annotates")
    evaluation.add_argument(
        "--sets",
        nargs="+",
        type=existing_path,
        metavar="DIR",
        help="claims: folders of gold sets (each crisis: gold.jsonl + articles.jsonl)",
    )
    evaluation.add_argument(
        "--learned-signals",
        action=argparse.BooleanOptionalAction,
        help="claims: with (or without) the learned signal model, whatever SITREP_LEARNED_SIGNALS says",
    )
    evaluation.set_defaults(func=cmd_eval)

    training = sub.add_parser("train", help="rebuild the learned signal model from the team-written training corpus")
    training.add_argument("what", choices=["signals"])
    training.add_argument(
        "--data", default="corpus/claims-training", type=existing_path, help="folder of annotated crisis folders"
    )
    training.add_argument("--out", help="where to write the model JSON (default: the built-in model file)")
    training.add_argument(
        "--held-out", action="store_true", help="print rules vs model per crisis, each left out of training in turn"
    )
    training.set_defaults(func=cmd_train)

    extract = sub.add_parser("extract", help="offline enrichment: one EnrichedArticle per input Article")
    extract.add_argument("input", type=existing_path)
    extract.add_argument("--out", required=True)
    extract.set_defaults(func=cmd_extract)

    export = sub.add_parser("export", help="snapshots or claims from the history store as CSV or Parquet")
    export.add_argument("what", choices=["snapshots", "claims"])
    export.add_argument("--situation", help="situation id (required for snapshots)")
    export.add_argument("--since", type=parse_time, help="first event time to include (ISO-8601 with offset)")
    export.add_argument("--until", type=parse_time, help="event time to stop before (ISO-8601 with offset)")
    export.add_argument("--format", choices=["csv", "parquet"], default="csv")
    export.add_argument("--out", required=True, help="the file to write")
    export.set_defaults(func=cmd_export)

    sub.add_parser("topics", help="create the pipeline's topics (idempotent)").set_defaults(func=cmd_topics)

    ingest = sub.add_parser("ingest", help="produce live sources to Kafka").add_subparsers(dest="source", required=True)
    feeds = ingest.add_parser("feeds", help="poll RSS/Atom feeds (docs/feeds.md) into the raw articles topic")
    feeds.add_argument("feeds", type=existing_path, help="FEEDS.yaml: the feeds, their intervals and the state file")
    feeds.add_argument("--once", action="store_true", help="poll every feed once and exit (1 if any failed)")
    feeds.add_argument("--metrics-port", type=int, help="serve sitrep_feed_* metrics on 127.0.0.1:PORT/metrics")
    feeds.set_defaults(func=cmd_ingest_feeds)
    return parser


def main(argv: list[str] | None = None) -> int:
    level = getattr(logging, os.environ.get("SITREP_LOG_LEVEL", "info").upper(), logging.INFO)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if level > logging.DEBUG:  # the Kafka client logs every retry; a failure ends in one line of ours instead
        logging.getLogger("kafka").setLevel(logging.CRITICAL)
    parser = build_parser()
    args = parser.parse_args(argv)  # usage errors: one line, exit 2
    if args.command == "export" and args.what == "snapshots" and not args.situation:
        parser.error("export snapshots needs --situation ID")
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - a user sees one line; SITREP_LOG_LEVEL=debug adds the traceback
        logging.getLogger("sitrep").debug("traceback", exc_info=True)
        print(f"sitrep {args.command}: {one_line(error)}", file=sys.stderr)
        return 1


def one_line(error: BaseException) -> str:
    """The error as one line: its type when the message does not say it (e.g. kafka's NoBrokersAvailable)."""
    message = " ".join(str(error).split())
    name = type(error).__name__
    if isinstance(error, OSError) and error.filename:
        return f"{error.strerror or name}: {error.filename}"
    if type(error).__module__.startswith(("kafka", "aiokafka")):
        brokers = ", ".join(get_settings().bootstrap_servers)
        return f"Kafka at {brokers} (SITREP_BROKER): {message or name}"
    if not message or name in message:
        return message or name
    return message if isinstance(error, ValueError | RuntimeError) else f"{name}: {message}"


if __name__ == "__main__":
    sys.exit(main())
