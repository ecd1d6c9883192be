"""The domain's settings sections: what the NLP and the situation logic are told by the running system.

streams.settings reads them from the environment (SITREP_*) and hands each pure function its section, never the whole
Settings. Frozen models: they pickle into the NLP process and cannot be changed under a running step.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class NlpSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    spacy_model: str  # a package name or a path
    language_models: dict[str, str]  # ISO 639-1 code -> spaCy model, for languages other than English
    parse_batch_size: int = Field(ge=1)  # docs per spaCy minibatch inside one nlp.pipe
    actors_path: Path | None  # extra actor gazetteer merged over the built-in one
    situations_path: Path | None  # situations config; None: the built-in one
    learned_signals: bool  # the learned signal model reads the claims the rules recognise nothing in

    @property
    def models_by_language(self) -> dict[str, str]:
        """ISO 639-1 code -> spaCy model of every language this deployment enriches."""
        return {"en": self.spacy_model, **{code.lower(): model for code, model in self.language_models.items()}}

    def for_language(self, language: str) -> NlpSettings:
        """This section with the language's model as the one to load."""
        return self.model_copy(update={"spacy_model": self.models_by_language[language]})


class SituationSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    situations_path: Path | None
    actors_path: Path | None  # the parties' codes and words come from the actor gazetteer
    lateness_hours: int = Field(ge=0)  # a report this much older than the latest one still updates its bucket
    retention_days: int = Field(ge=1)
