"""Scoring the pipeline against hand-annotated gold sets (entities/actors, claims)."""
