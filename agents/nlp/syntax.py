"""Dependency labels (spaCy's English scheme) that several readers of the parse share."""

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})  # the subject of a clause, active or passive
