"""Pure situation logic: event-time buckets, copies, corroboration, indicators, alert levels. No Kafka, no Faust."""
