"""Actor gazetteer: aliases, titles, metonymy, demonyms, role phrases, back-references, unknown names, chrome."""

from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from agents.nlp.actors import ActorGazetteer
from agents.nlp.pipeline import Enricher
from agents.records import Article
from streams.settings import Settings


def actor_of(nlp, gazetteer, text: str, phrase: str, occurrence: int = 0):
    """Code the article gives to the `occurrence`-th appearance of `phrase` (resolved as a span)."""
    doc = nlp(text)
    actors = gazetteer.annotate(doc)
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(phrase, start + 1)
    return actors.resolve(doc.char_span(start, start + len(phrase), alignment_mode="expand"))


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("Sergei Lavrov met his counterpart on Monday.", "Sergei Lavrov"),
        ("Sergey Lavrov met his counterpart on Monday.", "Sergey Lavrov"),
        ("On Monday Lavrov said talks would continue.", "Lavrov"),
        ("Foreign Minister Sergei Lavrov spoke first. Mr Lavrov then left.", "Mr Lavrov"),
    ],
)
def test_aliases_of_a_known_person(nlp, gazetteer, text, phrase):
    assert actor_of(nlp, gazetteer, text, phrase) == "RUS_GOV"


@pytest.mark.parametrize(
    "text, phrase, code",
    [
        (
            "NATO Secretary-General Jens Stoltenberg said the alliance was ready.",
            "NATO Secretary-General Jens Stoltenberg",
            "NATO",
        ),
        ("The Pentagon spokesman said more troops were arriving.", "The Pentagon spokesman", "USA_GOV"),
        ("A U.S. defense official said units were moving closer.", "A U.S. defense official", "USA_GOV"),
        ("Western officials continued to warn of an attack.", "Western officials", "NATO"),
        ("European leaders have been scrambling to head off a war.", "European leaders", "EU"),
        ("Russian officials derided the warnings as hysterical.", "Russian officials", "RUS_GOV"),
        ("The Russian president often keeps visitors at a distance.", "The Russian president", "RUS_GOV"),
        ("A Downing Street spokesman added that talks remained possible.", "A Downing Street spokesman", "GBR"),
        ("Analysts said the exercises were unusually large.", "Analysts", "EXPERT"),
        ("Kyiv alerted residents to find their nearest bomb shelters.", "residents", "CIVILIAN"),
        ("Many Russians believe the warnings are exaggerated.", "Many Russians", "CIVILIAN"),
        (
            "Fighting between Ukrainian troops and Russian-backed separatists resumed.",
            "Russian-backed separatists",
            "SEPARATISTS",
        ),
    ],
)
def test_titles_and_role_phrases(nlp, gazetteer, text, phrase, code):
    assert actor_of(nlp, gazetteer, text, phrase) == code


@pytest.mark.parametrize(
    "text, phrase, code",
    [
        ("Moscow dismissed that as hysteria.", "Moscow", "RUS_GOV"),
        ("The Kremlin said the drills were ending.", "The Kremlin", "RUS_GOV"),
        ("Washington warned that an attack could come at any moment.", "Washington", "USA_GOV"),
        ("The White House declined to comment.", "The White House", "USA_GOV"),
        ("Kyiv said it did not expect an attack this week.", "Kyiv", "UKR_GOV"),
        ("Berlin and its allies promised support.", "Berlin", "DEU"),
    ],
)
def test_capitals_and_institutions_stand_for_governments(nlp, gazetteer, text, phrase, code):
    assert actor_of(nlp, gazetteer, text, phrase) == code


@pytest.mark.parametrize(
    "text, phrase, code",
    [
        ("Russia announced a partial pullback.", "Russia", "RUS"),
        ("The Russian military gave no details.", "The Russian military", "RUS"),
        ("Ukrainian forces were holding their positions.", "Ukrainian forces", "UKR"),
        ("British nationals were told to leave.", "British", "GBR"),
        ("British nationals were told to leave.", "British nationals", "GBR"),
        ("A Pakistani military spokesman said the jets had returned.", "A Pakistani military spokesman", "PAK"),
        ("Indian army officials briefed reporters.", "Indian army officials", "IND"),
        ("A Pakistani defence ministry spokesman said so.", "A Pakistani defence ministry spokesman", "PAK_GOV"),
    ],
)
def test_countries_demonyms_and_armies_get_the_bare_code(nlp, gazetteer, text, phrase, code):
    assert actor_of(nlp, gazetteer, text, phrase) == code


def test_unknown_name_with_a_nationality_title_and_its_back_reference(nlp, gazetteer):
    text = (
        "Lithuanian-born Ukrainian Defence Minister Oleksandr Petrenko visited the front on Tuesday. "
        "Later, Petrenko said the line was holding, and Mr Petrenko thanked the soldiers."
    )
    assert actor_of(nlp, gazetteer, text, "Oleksandr Petrenko") == "UKR_GOV"
    assert actor_of(nlp, gazetteer, text, "Petrenko", occurrence=1) == "UKR_GOV"
    assert actor_of(nlp, gazetteer, text, "Mr Petrenko") == "UKR_GOV"


def test_apposition_gives_an_unknown_name_its_code(nlp, gazetteer):
    text = "Pavel Ivanov, a 65-year-old pensioner, said he did not want war."
    assert actor_of(nlp, gazetteer, text, "Pavel Ivanov") == "CIVILIAN"


@pytest.mark.parametrize(
    "text, phrase, code",
    [
        ("Kremlin critic Boris Petrov called the war a crime.", "Boris Petrov", None),
        ("Former U.S. ambassador James Miller said talks had failed.", "James Miller", "USA"),
        ("Russian opposition leader Ivan Sidorov was detained.", "Ivan Sidorov", "RUS"),
    ],
)
def test_titles_that_do_not_make_a_government_official(nlp, gazetteer, text, phrase, code):
    assert actor_of(nlp, gazetteer, text, phrase) == code


def test_ambiguous_surname_needs_the_full_name_in_the_same_article(nlp, gazetteer):
    with_full_name = "British Prime Minister Boris Johnson spoke to Biden. Johnson said a window remained."
    assert actor_of(nlp, gazetteer, with_full_name, "Johnson", occurrence=1) == "GBR"
    assert actor_of(nlp, gazetteer, "Johnson said a window for diplomacy remained.", "Johnson") is None


def test_unknown_names_stay_null(nlp, gazetteer):
    text = "Maria Kowalczyk, who runs a bakery, said business was slow. Kowalczyk shrugged."
    doc = nlp(text)
    actors = gazetteer.annotate(doc)
    assert all(e.actor is None for e in actors.entities if "Kowalczyk" in e.text)
    assert actors.counts == {}


def test_first_conjunct_decides(nlp, gazetteer):
    text = "Scholz and Ukrainian President Volodymyr Zelenskiy sent signals on Monday."
    assert actor_of(nlp, gazetteer, text, "Scholz and Ukrainian President Volodymyr Zelenskiy") == "DEU"
    text = "Despite warnings from Washington, London and elsewhere, the meeting went ahead."
    assert actor_of(nlp, gazetteer, text, "Washington, London and elsewhere") == "USA_GOV"


def test_counts_and_entities_cover_ner_and_role_mentions(nlp, gazetteer):
    text = "US officials said Russia had massed troops. Putin denied it, and the West threatened sanctions."
    actors = gazetteer.annotate(nlp(text))
    assert {"USA_GOV", "RUS", "RUS_GOV", "NATO"} <= set(actors.counts)
    assert all(text[e.start : e.end] == e.text for e in actors.entities)
    assert sum(actors.counts.values()) == sum(1 for e in actors.entities if e.actor)


def test_related_stories_block_is_not_attributed(nlp, gazetteer):
    text = (
        "Putin said talks would continue.\n\nLatest World News\n\n"
        "Chinese President Xi Jinping met Erdogan in Beijing.\n"
    )
    actors = gazetteer.annotate(nlp(text))
    assert set(actors.counts) == {"RUS_GOV"}
    assert actors.chrome and actors.chrome[0][1] == len(text)


def test_photo_credits_and_bylines_are_not_attributed(nlp, gazetteer):
    text = "Putin met Scholz in Moscow.\nOlaf Scholz (Efrem Lukatsky/AP)\n\nBy Press Association\n"
    actors = gazetteer.annotate(nlp(text))
    assert set(actors.counts) == {"RUS_GOV", "DEU"}  # Scholz in the caption counts, the AP credit does not


def test_user_gazetteer_extends_the_builtin_one(nlp, tmp_path: Path):
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "countries:\n  FRA:\n    institutions: [Matignon]\n"
        "people:\n  - {name: Jean Dupont, code: FRA, short: [Dupont]}\n",
        encoding="utf-8",
    )
    extended = ActorGazetteer.load(nlp, extra)
    doc = nlp("Dupont met officials at Matignon while Putin waited.")
    assert {"FRA", "RUS_GOV"} <= set(extended.annotate(doc).counts)
    assert extended.annotate(doc).resolve(doc[0:1]) == "FRA"


PARSES: list[str] = []


@Language.component("record_parse")
def record_parse(doc):
    PARSES.append(doc.text)
    return doc


def test_enricher_fills_entities_actors_and_quantities_from_one_parse():
    counting = spacy.load(Settings().spacy_model)
    counting.add_pipe("record_parse", last=True)
    enricher = Enricher(nlp=counting, actors=ActorGazetteer.load(counting))
    text = "Russia massed more than 130,000 troops, Western officials said.\n\nLatest World News\n\nXi met 9 envoys."
    [result] = enricher.enrich([Article(id="x", published_at="2022-02-14T10:00:00Z", text=text)])
    assert len(PARSES) == 1 and PARSES[0] == text  # exactly one parse of the article
    assert {"RUS", "NATO"} <= set(result.actors) and "CHN" not in result.actors
    assert [(q.value, q.unit) for q in result.quantities] == [(130000.0, "troops")]  # none from the chrome block
    assert any(e.label == "ACTOR" and e.actor == "NATO" for e in result.entities)


def test_definite_role_refers_back_to_the_latest_coded_mention(nlp, gazetteer):
    text = (
        "The Russian Defense Ministry said some units were returning to base. "
        "The ministry did not say where the troops had been deployed."
    )
    assert actor_of(nlp, gazetteer, text, "The ministry") == "RUS_GOV"
    assert actor_of(nlp, gazetteer, "The ministry did not say where the troops were.", "The ministry") is None
    place = "Several Western countries sent weapons. The country braced for an attack."
    assert actor_of(nlp, gazetteer, place, "The country") is None  # a place noun does not refer back


@pytest.mark.parametrize(
    "text, phrase, code",
    [
        (
            "Ukrainian security and defence council chief Oleksandr Bondar said the situation was under control.",
            "Ukrainian security and defence council chief Oleksandr Bondar",
            "UKR_GOV",
        ),
        (
            "Irina Petrova, director at Control Risks in London, said talks would drag on.",
            "Irina Petrova",
            "EXPERT",
        ),
        ("Foreign Minister Tomasz Nowak of Poland met Lavrov in Moscow.", "Tomasz Nowak", "POL"),
        (
            "A spokesperson for the State Department declined to comment.",
            "A spokesperson for the State Department",
            "USA_GOV",
        ),
    ],
)
def test_complements_and_coordinated_modifiers(nlp, gazetteer, text, phrase, code):
    assert actor_of(nlp, gazetteer, text, phrase) == code
