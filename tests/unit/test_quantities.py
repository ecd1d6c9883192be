"""Rule-based numeric assertions: value, qualifier, counted noun and offsets for each phrase shape."""

import pytest
import spacy

from agents.nlp.quantities import extract_quantities
from streams.settings import Settings


@pytest.fixture(scope="module")
def nlp():
    return spacy.load(Settings().spacy_model)


def quantities(nlp, text):
    found = extract_quantities(nlp(text))
    for quantity in found:
        assert text[quantity.start : quantity.end] == quantity.text
    return [(q.text, q.value, q.qualifier, q.unit) for q in found]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Moscow has assembled more than 130,000 troops along its border with Ukraine.",
            ("more than 130,000 troops", 130000, "more than", "troops"),
        ),
        ("Moscow had dispatched 30,000 troops for drills.", ("30,000 troops", 30000, None, "troops")),
        ("Some 14,000 people have been killed in fighting.", ("Some 14,000 people", 14000, "about", "people")),
        ("Lavrov said Russia has drafted a 10-page response.", ("10-page response", 10, None, "page")),
        ("The capital has about 4,500 such sites.", ("about 4,500 such sites", 4500, "about", "sites")),
        ("Up to 1.5 million people could flee.", ("Up to 1.5 million people", 1_500_000, "up to", "people")),
        ("Nearly two hundred tanks crossed the border.", ("Nearly two hundred tanks", 200, "nearly", "tanks")),
        ("Two soldiers were wounded.", ("Two soldiers", 2, None, "soldiers")),
        ("Dozens of civilians sheltered in the metro.", ("Dozens of civilians", 24, "at least", "civilians")),
        ("Washington pledged $5 billion in aid.", ("$5 billion", 5e9, None, "USD")),
        ("Between 2,000 and 4,000 civilians died.", ("Between 2,000 and 4,000 civilians", 4000, "up to", "civilians")),
    ],
)
def test_counts(nlp, text, expected):
    assert quantities(nlp, text) == [expected]


def test_percentages_of_currency_moves(nlp):
    found = quantities(nlp, "The ruble fell 3.5% before gaining by as much as 2%, and stocks were 1.5 per cent weaker.")
    assert found == [
        ("3.5%", 3.5, None, "%"),
        ("by as much as 2%", 2.0, "up to", "%"),
        ("1.5 per cent", 1.5, None, "%"),
    ]


def test_dates_years_and_names_are_not_quantities(nlp):
    text = "On 20 February, after the 2014 war, the Nord Stream 2 pipeline was halted for two weeks."
    assert quantities(nlp, text) == []
