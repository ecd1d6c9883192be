"""The Bayesian estimate behind the escalation index (agents/situation/estimate.py): its interval, its direction, how
evidence and copies move it, and its parameters in the situations config."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from agents.situation.config import SituationMatcher
from agents.situation.estimate import DEFAULT_PARAMETERS, Evidence, IndexParameters, estimate, exposure_days
from agents.situation.indicators import evaluate
from tests.unit.situation_builders import T0, evidence

DAY = 86400.0
WINDOW_DAYS = exposure_days(DAY)
RECENT_DAYS = exposure_days(DEFAULT_PARAMETERS.recent_days * DAY)
weights = st.floats(0.0, 2000.0, allow_nan=False)
shares = st.floats(0.0, 1.0)


def width(posterior) -> float:
    return posterior.high - posterior.low


def evidence_of(total: float, share: float, days: float) -> Evidence:
    return Evidence(total * share, total * (1.0 - share), days)


@given(weights, weights, weights, weights)
def test_the_interval_contains_the_estimate(escalation, deescalation, recent_escalation, recent_deescalation):
    posterior = estimate(
        Evidence(escalation, deescalation, WINDOW_DAYS), Evidence(recent_escalation, recent_deescalation, RECENT_DAYS)
    )
    assert 0.0 <= posterior.low <= posterior.index <= posterior.high <= 100.0
    assert posterior.low < posterior.high  # never a false certainty


@given(weights, weights, weights, weights, st.floats(0.1, 200.0), st.booleans())
def test_escalation_evidence_never_lowers_the_estimate_nor_its_bounds(e, d, recent_e, recent_d, added, in_recent):
    """Wherever it lands (the window or the recent level it starts from); de-escalation never raises them."""
    window, recent = Evidence(e, d, WINDOW_DAYS), Evidence(recent_e, recent_d, RECENT_DAYS)
    before = estimate(window, recent)
    if in_recent:
        up = estimate(window, Evidence(recent_e + added, recent_d, RECENT_DAYS))
        down = estimate(window, Evidence(recent_e, recent_d + added, RECENT_DAYS))
    else:
        up = estimate(Evidence(e + added, d, WINDOW_DAYS), recent)
        down = estimate(Evidence(e, d + added, WINDOW_DAYS), recent)
    for bound in ("index", "low", "high"):
        assert getattr(up, bound) >= getattr(before, bound) - 1e-9
        assert getattr(down, bound) <= getattr(before, bound) + 1e-9


@settings(max_examples=300)
@given(st.floats(0.5, 1.0), st.floats(0.0, 600.0), st.floats(1.0, 400.0), st.floats(1.05, 4.0))
def test_consistent_independent_evidence_narrows_the_interval(share, recent_total, total, factor):
    """More evidence of the picture the situation already shows (the same escalation share as its recent level, an
    index in the upper half) narrows the interval. Conflicting evidence may widen it: that is the honest answer."""
    recent = evidence_of(recent_total, share, RECENT_DAYS)
    fewer = estimate(evidence_of(total, share, WINDOW_DAYS), recent)
    more = estimate(evidence_of(total * factor, share, WINDOW_DAYS), recent)
    if fewer.index >= 50:
        assert width(more) <= width(fewer) + 1e-9


@settings(max_examples=200)
@given(st.floats(0.5, 1.0), st.floats(0.0, 600.0), st.integers(1, 6), st.floats(1.0, 10.0), st.integers(0, 5))
def test_copies_narrow_the_interval_no_more_than_independent_sources(share, recent_total, repeats, weight, others):
    """The same escalation claim carried by `repeats` more reports: as copies (reach 0.1 each) or as independent
    outlets. Copies move the estimate less, and leave the interval at least as wide."""
    as_of = T0.timestamp() + DAY
    places = ["Kharkiv", "Mariupol", "Odesa", "Kherson", "Sumy"]
    background = [
        evidence(f"b{i}", "escalation", 20.0, f"O{i}", 10.0, content=f"artillery shelled {place}")
        for i, place in enumerate(places[:others])
    ]
    recent_hours = -24.0  # the recent level: a day before the window, with the same share
    recent = [
        evidence("r-up", "escalation", recent_hours, "R", min(10.0, recent_total * share / 10)),
        evidence("r-down", "de-escalation", recent_hours, "R", min(10.0, recent_total * (1 - share) / 10)),
    ]
    claim = evidence("c0", "escalation", 22.0, "A", weight)
    copies = [
        evidence(f"k{i}", "escalation", 22.5, f"C{i}", weight, copy=True, content=claim.content) for i in range(repeats)
    ]
    sources = [evidence(f"s{i}", "escalation", 22.5, f"S{i}", weight, content=claim.content) for i in range(repeats)]
    alone = evaluate([*recent, *background, claim], as_of, DAY)
    with_copies = evaluate([*recent, *background, claim, *copies], as_of, DAY)
    with_sources = evaluate([*recent, *background, claim, *sources], as_of, DAY)
    assert alone.escalation_index <= with_copies.escalation_index <= with_sources.escalation_index
    if alone.escalation_index >= 50:
        assert width_of(with_copies) >= width_of(with_sources) - 1e-9


def width_of(window) -> float:
    return window.escalation_index_high - window.escalation_index_low


def test_thin_evidence_stays_near_the_recent_level_and_strong_evidence_moves_it():
    """One firm claim moves a tense situation's index a few points; a day of many moves it far. On a quiet situation,
    one firm accusation by a party (strength 20) does not even reach amber."""
    tense = evidence_of(400.0, 0.75, RECENT_DAYS)
    level = estimate(Evidence(0.0, 0.0, WINDOW_DAYS), tense)
    one_claim = estimate(Evidence(0.0, 10.0, WINDOW_DAYS), tense)
    many = estimate(Evidence(0.0, 200.0, WINDOW_DAYS), tense)
    assert 0 < level.index - one_claim.index < 8
    assert level.index - many.index > 25
    quiet = evidence_of(60.0, 0.3, RECENT_DAYS)
    accused = estimate(Evidence(20.0, 0.0, WINDOW_DAYS), quiet)
    assert accused.index < DEFAULT_PARAMETERS.amber_enter and accused.low < DEFAULT_PARAMETERS.red_enter / 2


def test_a_quiet_situation_reads_low_with_a_wide_interval_against_its_estimate():
    posterior = estimate(Evidence(0.0, 0.0, WINDOW_DAYS), Evidence(0.0, 0.0, RECENT_DAYS))
    assert posterior.index < 10 and posterior.high - posterior.index > posterior.index - posterior.low


def test_parameters_come_from_the_situations_config_and_are_checked(tmp_path):
    path = tmp_path / "situations.yaml"
    path.write_text(
        "situations:\n"
        "  - id: calm\n    all_of: [{keywords: [calm]}]\n"
        "  - id: tuned\n    all_of: [{keywords: [tuned]}]\n"
        "    index: {red_enter: 70, red_exit: 55, credible_level: 0.9}\n"
    )
    matcher = SituationMatcher.load(path)
    assert matcher.index_parameters("calm") == DEFAULT_PARAMETERS
    tuned = matcher.index_parameters("tuned")
    assert (tuned.red_enter, tuned.red_exit, tuned.credible_level) == (70, 55, 0.9)
    assert tuned.evidence_unit == DEFAULT_PARAMETERS.evidence_unit
    assert matcher.index_parameters("unknown") == DEFAULT_PARAMETERS
    with pytest.raises(ValidationError):
        IndexParameters(red_enter=50, red_exit=60)  # an exit above its enter would never leave red
    with pytest.raises(ValidationError):
        IndexParameters(red_threshold=60)  # a misspelt key is an error, not a silent default


def test_a_wider_credible_level_gives_a_wider_interval():
    window, recent = evidence_of(60.0, 0.7, WINDOW_DAYS), evidence_of(200.0, 0.6, RECENT_DAYS)
    narrow = estimate(window, recent, IndexParameters(credible_level=0.5))
    wide = estimate(window, recent, IndexParameters(credible_level=0.95))
    assert narrow.index == wide.index
    assert wide.low < narrow.low and narrow.high < wide.high


def test_exposure_of_a_window_is_the_integral_of_its_decay():
    assert exposure_days(DAY) == pytest.approx(0.5 / math.log(2) * 0.75)
    assert exposure_days(0) == 0
