"""Property tests of every indicator property of docs/architecture.md, on the pure functions and on the situation
state."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from agents.situation.estimate import DEFAULT_PARAMETERS
from agents.situation.indicators import ClaimGroups, alert_level, balance, corroborate, evaluate
from tests.unit.situation_builders import CONTENTS, T0, article, claim, evidence, new_state

DAY = 24 * 3600.0
AS_OF = T0.timestamp() + DAY
P = DEFAULT_PARAMETERS
RECENT_HOURS = P.recent_days * 24  # evidence this far before the 24h window is the estimate's recent level
SIGNALS = st.sampled_from(["escalation", "de-escalation"])


@st.composite
def evidence_lists(draw, min_size: int = 0, window_only: bool = False):
    """Claims of one day and the recent days before it, from a few outlets, some near-identical (same content), some
    hedged, some copies."""
    size = draw(st.integers(min_size, 12))
    items = []
    for i in range(size):
        signal = draw(SIGNALS)
        items.append(
            evidence(
                f"c{i}",
                signal,
                hours=draw(st.floats(0.01 if window_only else 0.01 - RECENT_HOURS, 24.0)),
                source=draw(st.sampled_from(["A", "B", "C", "D"])),
                weight=draw(st.floats(0.0, 10.0)),
                hedged=draw(st.booleans()),
                copy=draw(st.booleans()),
                content=draw(st.sampled_from(CONTENTS[signal])),
            )
        )
    return items


weights = st.floats(0.0, 1e6, allow_nan=False)


@given(weights, weights)
def test_balance_is_bounded(escalation, deescalation):
    assert -1.0 <= balance(escalation, deescalation) <= 1.0


@given(evidence_lists())
def test_window_indicators_are_bounded(items):
    window = evaluate(items, AS_OF, DAY)
    assert 0.0 <= window.escalation_index_low <= window.escalation_index <= window.escalation_index_high <= 100.0
    assert -1.0 <= window.balance <= 1.0


@given(evidence_lists(), st.floats(0.01, 24.0), st.floats(0.0, 10.0), st.booleans(), st.sampled_from(list("ABCE")))
def test_adding_an_escalation_claim_never_lowers_the_index(items, hours, weight, hedged, source):
    """In the window or in the recent days before it: neither the estimate nor its bounds go down."""
    before = evaluate(items, AS_OF, DAY)
    added = evidence("new", "escalation", hours, source, weight, hedged, content=CONTENTS["escalation"][1])
    after = evaluate([*items, added], AS_OF, DAY)
    assert after.escalation_index >= before.escalation_index - 1e-9
    assert after.escalation_index_low >= before.escalation_index_low - 1e-9
    assert after.escalation_index_high >= before.escalation_index_high - 1e-9
    assert after.balance >= before.balance - 1e-9
    earlier = evidence("old", "escalation", hours - RECENT_HOURS, source, weight, hedged)
    assert evaluate([*items, earlier], AS_OF, DAY).escalation_index >= before.escalation_index - 1e-9


@given(evidence_lists(), st.floats(0.01, 24.0), st.floats(0.0, 10.0), st.booleans(), st.sampled_from(list("ABCE")))
def test_adding_a_deescalation_claim_never_raises_the_index(items, hours, weight, hedged, source):
    before = evaluate(items, AS_OF, DAY)
    added = evidence("new", "de-escalation", hours, source, weight, hedged, content=CONTENTS["de-escalation"][1])
    after = evaluate([*items, added], AS_OF, DAY)
    assert after.escalation_index <= before.escalation_index + 1e-9
    assert after.escalation_index_low <= before.escalation_index_low + 1e-9
    assert after.escalation_index_high <= before.escalation_index_high + 1e-9
    assert after.balance <= before.balance + 1e-9


@given(st.sampled_from(["escalation", "de-escalation"]), st.floats(1.0, 10.0), st.floats(0.5, 20.0))
def test_a_copy_adds_far_less_than_an_independent_source(signal, weight, hours):
    original = evidence("o", signal, hours, "A", weight)
    alone = evaluate([original], AS_OF, DAY)
    with_copy = evaluate([original, evidence("c", signal, hours + 0.5, "B", weight, copy=True)], AS_OF, DAY)
    with_source = evaluate([original, evidence("s", signal, hours + 0.5, "B", weight)], AS_OF, DAY)
    key = "escalation_weight" if signal == "escalation" else "deescalation_weight"
    copy_gain = getattr(with_copy, key) - getattr(alone, key)
    source_gain = getattr(with_source, key) - getattr(alone, key)
    assert 0.0 < copy_gain < 0.25 * source_gain


@given(st.sampled_from(["escalation", "de-escalation"]), st.floats(0.1, 10.0), st.floats(0.5, 23.0))
def test_hedged_claims_weigh_less_than_firm_ones(signal, weight, hours):
    firm = evaluate([evidence("f", signal, hours, "A", weight)], AS_OF, DAY)
    hedged = evaluate([evidence("h", signal, hours, "A", weight, hedged=True)], AS_OF, DAY)
    assert hedged.escalation_weight + hedged.deescalation_weight < firm.escalation_weight + firm.deescalation_weight


@given(st.sampled_from(["escalation", "de-escalation"]), st.floats(0.1, 10.0), st.floats(0.0, 22.0), st.floats(0.5, 2))
def test_recent_reports_weigh_more_than_older_ones(signal, weight, older, gap):
    old = evaluate([evidence("o", signal, older, "A", weight)], AS_OF, DAY)
    recent = evaluate([evidence("r", signal, older + gap, "A", weight)], AS_OF, DAY)
    assert recent.escalation_weight + recent.deescalation_weight > old.escalation_weight + old.deescalation_weight


@given(evidence_lists(min_size=1), st.randoms())
def test_indicators_do_not_depend_on_the_order_of_the_evidence(items, rng):
    shuffled = list(items)
    rng.shuffle(shuffled)
    assert evaluate(items, AS_OF, DAY) == evaluate(shuffled, AS_OF, DAY)


@given(evidence_lists(), st.lists(st.tuples(st.floats(-RECENT_HOURS, 24.0), st.floats(0.0, 30.0)), max_size=6))
def test_groups_cut_to_a_window_are_the_groups_of_its_claims(items, windows):
    groups = ClaimGroups(items)
    for start_hours, length in windows:
        start = AS_OF - DAY + start_hours * 3600.0
        end = start + length * 3600.0
        expected = corroborate(c for c in items if start < c.t <= end)
        cut = groups.between(start, end)
        assert len(cut) == len(expected)
        assert {g.members: (g.weight, g.sources, g.representative) for g in cut} == {
            g.members: (g.weight, g.sources, g.representative) for g in expected
        }


@given(evidence_lists(min_size=1, window_only=True))
def test_every_directional_window_names_its_drivers(items):
    window = evaluate(items, AS_OF, DAY)
    ids = {item.claim_id for item in items}
    assert window.drivers
    assert all(d.group.representative.claim_id in ids for d in window.drivers)
    assert [d.weight for d in window.drivers] == sorted((d.weight for d in window.drivers), reverse=True)


@st.composite
def hourly_values(draw):
    """(index, low bound, escalation sources): the low bound is at most the index."""
    index = draw(st.floats(0.0, 100.0))
    return index, draw(st.floats(0.0, index)), draw(st.integers(0, 5))


levels = st.lists(hourly_values(), max_size=40)


@given(levels)
def test_red_needs_two_independent_sources(series):
    one_source = [(index, low, min(sources, 1)) for index, low, sources in series]
    assert alert_level(one_source) != "red"
    for end in range(len(series) + 1):
        if alert_level(series[:end]) == "red":
            assert series[end - 1][2] >= P.red_min_sources


@given(levels)
def test_red_needs_the_low_bound_to_clear_the_red_threshold(series):
    """Red is entered only at an hour whose interval lies wholly above red_enter, never on the estimate alone."""
    for end in range(1, len(series) + 1):
        if alert_level(series[:end]) == "red" and alert_level(series[: end - 1]) != "red":
            assert series[end - 1][1] >= P.red_enter
    capped = [(index, min(low, P.red_enter - 0.01), sources) for index, low, sources in series]
    assert alert_level(capped) != "red"


@given(st.lists(st.floats(P.amber_exit, P.amber_enter - 0.01), min_size=1, max_size=20))
def test_amber_holds_between_its_exit_and_enter_thresholds(wobble):
    entered = [(P.amber_enter, 0.0, 0), *((value, 0.0, 0) for value in wobble)]
    assert alert_level(entered) == "amber"
    assert alert_level((value, 0.0, 0) for value in wobble) == "green"  # never entered: stays green


@given(st.lists(st.floats(P.red_exit, P.red_enter - 0.01), min_size=1, max_size=20))
def test_red_holds_between_its_exit_and_enter_thresholds(wobble):
    entered = (P.red_enter + 5, P.red_enter, 2)
    assert alert_level([entered, *((low + 5, low, 2) for low in wobble)]) == "red"
    assert alert_level([entered, (P.red_exit + 5, P.red_exit - 0.01, 2)]) == "amber"


# ---- the same properties through the situation state (articles, copies, redelivery, arrival order) -------------


@st.composite
def article_streams(draw):
    """Articles over 66 h (inside the 72 h lateness); some are exact copies of an earlier one, another id and outlet."""
    articles = []
    for i in range(draw(st.integers(1, 14))):
        hours = draw(st.floats(0.0, 60.0))
        if articles and draw(st.integers(0, 3)) == 0:  # a syndicated copy: same text and claims, another outlet
            source = draw(st.sampled_from(articles))
            claims = [c.model_copy(update={"claim_id": f"copy{i}-{j}"}) for j, c in enumerate(source.claims)]
            update = {
                "article_id": f"copy{i}",
                "outlet": f"syndicator{i}",
                "published_at": source.published_at + timedelta(hours=draw(st.floats(0.0, 6.0))),
                "claims": claims,
            }
            articles.append(source.model_copy(update=update))
            continue
        claims = [
            claim(
                f"a{i}", j, signal, draw(st.sampled_from(CONTENTS[signal])), draw(st.floats(1, 10)), draw(st.booleans())
            )
            for j, signal in enumerate(draw(st.lists(SIGNALS, max_size=3)))
        ]
        articles.append(article(f"a{i}", hours, claims, outlet=draw(st.sampled_from(["A", "B", "C", "D"]))))
    return articles


def final_snapshot(articles):
    state = new_state()
    for item in articles:
        state.add(item)
    return state.snapshot().model_dump(mode="json")


@settings(max_examples=60, deadline=None)
@given(article_streams(), st.randoms())
def test_final_snapshot_is_the_same_for_any_arrival_order_within_the_lateness(articles, rng):
    shuffled = list(articles)
    rng.shuffle(shuffled)  # what any replay speed or partitioning does to arrivals inside the lateness horizon
    in_event_time = sorted(articles, key=lambda a: (a.published_at, a.article_id))
    assert final_snapshot(shuffled) == final_snapshot(in_event_time)


@settings(max_examples=40, deadline=None)
@given(article_streams(), st.randoms())
def test_the_same_article_twice_adds_nothing(articles, rng):
    state = new_state()
    for item in articles:
        state.add(item)
    before = state.snapshot()
    again = rng.choice(articles)
    assert not state.add(again)
    assert state.snapshot() == before


@settings(max_examples=40, deadline=None)
@given(article_streams(), st.floats(1.0, 10.0), st.booleans(), st.sampled_from(["escalation", "de-escalation"]))
def test_a_new_independent_report_moves_the_index_only_in_its_direction(articles, weight, hedged, signal):
    latest = max(a.published_at for a in articles)
    hours = (latest - T0).total_seconds() / 3600
    state = new_state()
    for item in articles:
        state.add(item)
    before = state.snapshot()
    added = article("new", hours, [claim("new", 0, signal, CONTENTS[signal][2], weight, hedged)], outlet="E")
    assert state.add(added)
    after = state.snapshot()
    assert after.as_of == before.as_of  # same evaluation time: only the evidence changed
    if signal == "escalation":
        assert after.escalation_index >= before.escalation_index
    else:
        assert after.escalation_index <= before.escalation_index


def test_negation_is_respected_through_the_final_signal():
    """'we have not seen any de-escalation' arrives as an escalation claim (negated): it must raise the index."""
    state = new_state()
    state.add(article("a", 1, [claim("a", 0, "de-escalation", CONTENTS["de-escalation"][0], 4.0)]))
    before = state.snapshot()
    negated = claim(
        "b", 0, "escalation", "we have not seen any de-escalation", 3.0, category="SKEPTICISM", negated=True
    )
    state.add(article("b", 1, [negated]))
    after = state.snapshot()
    assert after.escalation_index > before.escalation_index
    assert after.balance > before.balance
    assert any(d.claim_id == "b-0" and d.signal == "escalation" for d in after.drivers)
