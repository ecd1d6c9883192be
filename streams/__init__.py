"""The running system built on agents/: settings, Kafka topics, the Faust worker (streams.worker), sources (corpus,
replay, feeds), sinks (history store, export), reports (timeline, evaluation) and the CLI."""
