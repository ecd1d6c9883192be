"""Pure NLP logic: one spaCy parse per article gives entities, actors, quantities and claims. No Kafka, no Faust."""
