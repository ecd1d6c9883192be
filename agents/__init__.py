"""The domain: records, NLP, situation state and indicators, and the enrichment and situation steps.

Imports no Faust, Kafka, aiohttp or Prometheus and nothing from streams/ (the import-linter contracts in pyproject).
"""
