"""How data moves: settings, records, topics, the Faust app, corpus readers, replay and the CLI."""
