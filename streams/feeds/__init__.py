"""RSS/Atom feeds in (`sitrep ingest feeds FEEDS.yaml`, a process of its own): the feeds file (config), entries to
Articles (entries), the poller, its metrics and its state. "Feeds" means these only; the worker's server-sent events
are its live streams (streams.live)."""
