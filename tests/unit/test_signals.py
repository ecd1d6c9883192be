"""Signal classifier on synthetic sentences parsed by the real spaCy model (not seed text)."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
import yaml

from agents.nlp.signals import SignalClassifier, SignalReading
from agents.nlp.signals.lexicon import DEFAULT_LEXICON
from streams.settings import Settings


@pytest.fixture(scope="module")
def nlp():
    return spacy.load(Settings().spacy_model)


@pytest.fixture(scope="module")
def classifier():
    return SignalClassifier.load()


@pytest.fixture(scope="module")
def read(nlp, classifier):
    def classify(
        sentence: str, content: str | None = None, cue: str | None = None, speaker: str | None = None, kind: str = ""
    ) -> SignalReading:
        doc = nlp(sentence)
        start = sentence.index(content) if content else 0
        span = doc.char_span(start, start + len(content or sentence.rstrip(".")), alignment_mode="expand")
        claim_kind = kind or ("assertion" if speaker is None else "indirect")
        return classifier.classify(span, cue, speaker, claim_kind)

    return classify


# ---------------------------------------------------------------- escalation and de-escalation speech acts


def test_massing_troops_is_an_escalating_buildup(read):
    reading = read("Moscow has amassed tens of thousands of soldiers along the frontier.")
    assert (reading.category, reading.signal) == ("MILITARY_BUILDUP", "escalation")
    assert reading.weight > 0 and not reading.hedged and not reading.negated and reading.stance is None


def test_mobilisation_of_reservists(read):
    reading = read("The Kremlin ordered a partial mobilisation of reservists.")
    assert (reading.category, reading.signal, reading.weight) == ("MOBILISATION", "escalation", 7.2)


def test_embassy_evacuation_points_up(read):
    reading = read("Several governments are evacuating embassy staff from the capital.")
    assert (reading.category, reading.signal) == ("EVACUATION", "escalation")


def test_troops_returning_to_base_is_a_withdrawal(read):
    sentence = "The defence ministry said units were pulling back to their bases after the drills."
    reading = read(sentence, "units were pulling back to their bases after the drills", "say", "RUS_GOV")
    assert (reading.category, reading.signal) == ("MILITARY_WITHDRAWAL", "de-escalation")
    assert reading.weight <= -9


def test_drills_concluding_is_exercises_end(read):
    reading = read("The joint manoeuvres in the north have concluded on schedule.")
    assert (reading.category, reading.signal) == ("EXERCISES_END", "de-escalation")


def test_readiness_for_talks_is_a_negotiation_offer(read):
    sentence = "The foreign minister said Moscow was ready for talks on arms control."
    reading = read(sentence, "Moscow was ready for talks on arms control", "say", "RUS_GOV")
    assert (reading.category, reading.signal) == ("NEGOTIATION_OFFER", "de-escalation")
    assert -5.0 <= reading.weight < 0


def test_talks_continuing_point_down(read):
    reading = read("Negotiators from both countries will hold another round of talks in Geneva next week.")
    assert (reading.category, reading.signal) == ("DIPLOMACY_CONTINUE", "de-escalation")


def test_a_demand_to_withdraw_commits_to_nothing(read):
    sentence = "The chancellor urged Russia to withdraw its forces from the frontier."
    reading = read(sentence, "Russia to withdraw its forces from the frontier", "urge", "DEU")
    assert (reading.category, reading.signal, reading.weight) == ("OTHER", "neutral", 0.0)


def test_sanctions_threat_under_a_condition_is_firm(read):
    sentence = "The president said Washington would impose crushing sanctions if Moscow attacked."
    reading = read(sentence, "Washington would impose crushing sanctions if Moscow attacked", "say", "USA_GOV")
    assert (reading.category, reading.signal) == ("SANCTIONS_THREAT", "escalation")
    assert not reading.hedged


def test_rouble_falling_reads_as_escalation_and_stocks_rallying_as_easing(read):
    falling = read("The rouble plunged to a record low against the dollar.")
    rallying = read("European stocks rallied after the announcement.")
    assert (falling.category, falling.signal) == ("MARKET_REACTION", "escalation")
    assert (rallying.category, rallying.signal) == ("MARKET_REACTION", "de-escalation")


# ---------------------------------------------------------------- negation


def test_not_seeing_de_escalation_is_skepticism(read):
    sentence = "The secretary-general said we have not seen any de-escalation by the forces at the frontier."
    content = "we have not seen any de-escalation by the forces at the frontier"
    reading = read(sentence, content, "say", "NATO")
    assert (reading.category, reading.signal, reading.negated) == ("SKEPTICISM", "escalation", True)


def test_troops_not_withdrawing_flips_to_escalation(read):
    reading = read("Russian battalions are not withdrawing from the border region.")
    assert (reading.signal, reading.negated) == ("escalation", True)


def test_denial_cue_negates_an_invasion_plan(read):
    sentence = "The Kremlin denies it intends to attack its neighbour."
    reading = read(sentence, "it intends to attack its neighbour", "deny", "RUS_GOV")
    assert (reading.category, reading.signal, reading.negated) == ("DENIAL", "de-escalation", True)


def test_no_intention_of_invading_is_a_denial(read):
    sentence = "A spokesman said Moscow had no intention of invading anyone."
    reading = read(sentence, "Moscow had no intention of invading anyone", "say", "RUS_GOV")
    assert (reading.category, reading.signal, reading.negated) == ("DENIAL", "de-escalation", True)


def test_should_not_be_underestimated_does_not_negate(read):
    sentence = "Officials said the firepower of the Russian army should not be underestimated."
    content = "the firepower of the Russian army should not be underestimated"
    reading = read(sentence, content, "say", "USA_GOV")
    assert reading.signal == "escalation" and not reading.negated


def test_not_expecting_an_attack_is_reassurance(read):
    sentence = "The minister said Kyiv did not believe Russia would attack this week."
    reading = read(sentence, "Kyiv did not believe Russia would attack this week", "say", "UKR_GOV")
    assert (reading.category, reading.signal, reading.negated, reading.hedged) == (
        "REASSURANCE",
        "de-escalation",
        True,
        True,
    )


def test_not_believing_a_decision_was_made_yet_is_hedged_reassurance(read):
    sentence = "We don't believe the Kremlin has decided to invade yet."
    reading = read(sentence, kind="direct_quote", cue="say", speaker="USA_GOV")
    assert (reading.signal, reading.hedged, reading.negated) == ("de-escalation", True, True)


def test_concession_before_but_gives_way_to_the_main_point(read):
    sentence = "The negotiations cannot drag on forever, but we propose to continue them next month."
    reading = read(sentence, cue="say", speaker="RUS_GOV", kind="direct_quote")
    assert reading.signal == "de-escalation" and not reading.negated


@pytest.mark.parametrize(
    "sentence",
    [
        "Fresh clashes erupted on the outskirts of the capital shortly after the summit ended.",
        "The offensive would go on until the shelling of its villages stopped.",
        # misparsed: the main clause hangs under "announced", the subordinate clause's verb
        "Rockets were fired at the border town late on Sunday, hours after the ceasefire was announced.",
    ],
)
def test_an_easing_step_in_the_setting_of_a_claim_gives_way_to_what_happened(read, sentence):
    assert read(sentence).signal == "escalation"


def test_a_term_only_in_the_setting_still_reads(read):
    reading = read("Since the truce began, both armies have stayed in their positions.")
    assert reading.signal == "de-escalation"


def test_coordinated_deterrence_and_diplomacy_is_neutral(read):
    sentence = "The leaders agreed to pursue deterrence and diplomacy."
    reading = read(sentence, "to pursue deterrence and diplomacy", "agree", "USA_GOV")
    assert (reading.category, reading.signal) == ("OTHER", "neutral")


def test_an_empty_span_reads_as_neutral(nlp, classifier):
    doc = nlp("Nothing here.")
    reading = classifier.classify(doc[0:0], "say", "RUS_GOV", "indirect")
    assert (reading.category, reading.signal, reading.weight) == ("OTHER", "neutral", 0.0)


# ---------------------------------------------------------------- hedging


def test_modal_hedges_an_invasion_warning(read):
    sentence = "Intelligence officials warned Russia could launch an offensive within days."
    reading = read(sentence, "Russia could launch an offensive within days", "warn", "USA_GOV")
    assert (reading.category, reading.signal, reading.hedged) == ("INVASION_WARNING", "escalation", True)


def test_reportedly_hedges(read):
    assert read("Armoured columns have reportedly crossed into the north of the country.").hedged


def test_modal_inside_a_conditional_does_not_hedge(read):
    reading = read("Diplomacy remains the priority if both sides could agree on a venue.")
    assert not reading.hedged


def test_temporal_yet_is_not_a_hedge_but_negates(read):
    reading = read("There is no evidence yet of a pullback of the troops.")
    assert (reading.signal, reading.negated, reading.hedged) == ("escalation", True, False)


def test_so_far_is_not_a_hedge(read):
    reading = read("So far the armoured units have not pulled back.")
    assert not reading.hedged and reading.negated and reading.signal == "escalation"


def test_risk_noun_is_not_a_hedge(read):
    reading = read("The risk of war remains very high.")
    assert reading.signal == "escalation" and not reading.hedged


def test_plain_question_is_neutral_and_hedged(read):
    sentence = "A reporter asked whether the talks would continue."
    reading = read(sentence, "whether the talks would continue", "ask", "MEDIA")
    assert (reading.signal, reading.hedged) == ("neutral", True)


def test_believe_cue_hedges(read):
    sentence = "Analysts believe the troops will stay in the region."
    assert read(sentence, "the troops will stay in the region", "believe", "EXPERT").hedged


# ---------------------------------------------------------------- stance


def test_own_troops_are_self_and_the_others_are_observer(read):
    own = read(
        "“Our troops are returning to their garrisons,” he said.",
        "Our troops are returning to their garrisons",
        "say",
        "RUS_GOV",
        "direct_quote",
    )
    others = read(
        "The ministry said Ukrainian forces were massing near the line.",
        "Ukrainian forces were massing near the line",
        "say",
        "RUS_GOV",
    )
    assert own.stance == "self" and own.signal == "de-escalation"
    assert others.stance == "observer" and others.signal == "escalation"


def test_reported_it_points_back_at_the_speaker(read):
    reading = read("Russia said it was withdrawing some units.", "it was withdrawing some units", "say", "RUS")
    assert reading.stance == "self"


def test_western_official_on_russian_forces_is_observer(read):
    sentence = "A US official said Russian forces were still growing along the border."
    reading = read(sentence, "Russian forces were still growing along the border", "say", "USA_GOV")
    assert reading.stance == "observer" and reading.category == "MILITARY_BUILDUP"


# ---------------------------------------------------------------- post-invasion categories


def test_shelling_is_a_military_attack(read):
    reading = read("Russian artillery shelled residential districts of Kharkiv overnight.")
    assert (reading.category, reading.signal, reading.weight) == ("MILITARY_ATTACK", "escalation", 10.0)


def test_seizing_a_city_is_occupation(read):
    reading = read("Russian forces have seized control of the port city.")
    assert (reading.category, reading.signal) == ("OCCUPATION", "escalation")


def test_nuclear_alert(read):
    reading = read("The president put the country's nuclear deterrent forces on high alert.")
    assert (reading.category, reading.signal) == ("NUCLEAR_ALERT", "escalation")


def test_ceasefire_and_its_collapse(read):
    agreed = read("The two sides agreed a temporary ceasefire around the besieged port.")
    collapsed = read("The ceasefire collapsed within hours.")
    assert (agreed.category, agreed.signal) == ("CEASEFIRE", "de-escalation")
    assert (collapsed.signal, collapsed.negated) == ("escalation", True)


def test_humanitarian_corridor(read):
    reading = read("A humanitarian corridor was opened for civilians leaving the city.")
    assert (reading.category, reading.signal) == ("HUMANITARIAN_CORRIDOR", "de-escalation")


def test_sanctions_imposed_versus_threatened(read):
    imposed = read("The European Union imposed sweeping sanctions on Russian banks.")
    sentence = "Washington warned that it could impose further sanctions."
    threatened = read(sentence, "it could impose further sanctions", "warn", "USA_GOV")
    assert (imposed.category, imposed.signal) == ("SANCTIONS_IMPOSED", "escalation")
    assert (threatened.category, threatened.signal) == ("SANCTIONS_THREAT", "escalation")
    assert imposed.weight > threatened.weight


def test_civilian_deaths_are_casualties(read):
    reading = read("At least twenty civilians were killed in the city.")
    assert (reading.category, reading.signal) == ("CASUALTIES", "escalation")


# ---------------------------------------------------------------- the data file


def test_category_weights_agree_with_their_signal():
    config = yaml.safe_load(DEFAULT_LEXICON.read_text(encoding="utf-8"))
    for name, spec in config["categories"].items():
        if spec["signal"] == "escalation":
            assert spec["weight"] > 0, name
        elif spec["signal"] == "de-escalation":
            assert spec["weight"] < 0, name
        assert spec["negated_as"] in config["categories"], name


def test_a_rule_naming_an_unknown_category_is_refused(tmp_path: Path):
    config = yaml.safe_load(DEFAULT_LEXICON.read_text(encoding="utf-8"))
    config["rules"].append({"category": "NOT_A_CATEGORY", "terms": ["tank"]})
    path = tmp_path / "signals.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    with pytest.raises(ValueError, match="NOT_A_CATEGORY"):
        SignalClassifier.load(path)


@pytest.mark.parametrize(
    "sentence, content, cue, expected",
    [
        ("Fighting broke out along the border at dawn.", None, None, ("MILITARY_ATTACK", "escalation")),
        ("The clashes ended overnight after mediation.", None, None, ("CEASEFIRE", "de-escalation")),
        ("The minister rejected the charge.", "the charge", "reject", ("DENIAL", "de-escalation")),
        ("The government suspended all talks with its neighbour.", None, None, ("DIPLOMACY_REJECT", "escalation")),
        ("Border troops returned fire.", None, None, ("MILITARY_ATTACK", "escalation")),
        ("Ten soldiers were killed in the ambush.", None, None, ("CASUALTIES", "escalation")),
        ("The ministry rejected the accusations.", "rejected the accusations", "reject", ("DENIAL", "de-escalation")),
        ("The militants released six hostages.", None, None, ("HUMANITARIAN_CORRIDOR", "de-escalation")),
        ("Displaced families began returning home.", None, None, ("HUMANITARIAN_CORRIDOR", "de-escalation")),
        ("The garrison stood down from its state of alert.", None, None, ("MILITARY_WITHDRAWAL", "de-escalation")),
        ("The air force called off the strikes.", None, None, ("CEASEFIRE", "de-escalation")),
        ("We will not back down, the minister said.", "We will not back down", "say", ("ATTACK_THREAT", "escalation")),
    ],
)
def test_crisis_vocabulary_beyond_one_war(read, sentence, content, cue, expected):
    reading = read(sentence, content, cue) if content else read(sentence)
    assert (reading.category, reading.signal) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "The border guard would not allow any incursion into its waters.",
        "The council will not accept foreign troops on its soil beyond the deadline.",
        "The militia will keep fighting until the last of the convoys has gone.",
    ],
)
def test_refusing_to_give_way_or_vowing_to_fight_on_is_a_threat(read, sentence):
    reading = read(sentence, cue="say", speaker="AZE_GOV")
    assert (reading.category, reading.signal) == ("ATTACK_THREAT", "escalation")


def test_a_negated_permission_over_a_clause_passes_on_to_the_clause(read):
    """The refusal is about joining, not a threat: the clause decides (here, nothing)."""
    reading = read("The alliance will not allow the two republics to join as members.", cue="say", speaker="NATO")
    assert reading.category != "ATTACK_THREAT"


def test_fighting_a_social_ill_is_no_threat(read):
    reading = read("The new cabinet will fight corruption in the customs service.", cue="say", speaker="KEN_GOV")
    assert reading.signal != "escalation"


@pytest.mark.parametrize(
    "sentence",
    [
        "A patrol aircraft had violated the country's airspace near the northern border.",
        "The navy reported an intrusion into its territorial waters overnight.",
        "Two regional airports were closed to civilian flights on Friday.",
    ],
)
def test_a_breach_of_airspace_or_waters_and_closed_airports_point_up(read, sentence):
    assert read(sentence).signal == "escalation"


@pytest.mark.parametrize(
    "sentence", ["Regional stock markets were little changed on Monday.", "Oil prices held steady in early trade."]
)
def test_markets_without_a_direction_are_neutral(read, sentence):
    reading = read(sentence)
    assert (reading.category, reading.signal) == ("MARKET_REACTION", "neutral")


def test_a_truce_holding_steady_is_no_market(read):
    assert read("The truce held steady along the whole front.").signal == "de-escalation"


def test_turning_down_the_use_of_force_is_restraint(read):
    sentence = "The regional bloc rejected any military intervention in the country."
    reading = read(sentence, "rejected any military intervention in the country", "reject", "AU")
    assert (reading.category, reading.signal) == ("REASSURANCE", "de-escalation")


def test_turning_down_a_truce_offer_stays_a_rejection_even_with_attacks_in_view(read):
    reading = read("The militia rejected the truce offer and vowed more attacks.")
    assert reading.signal == "escalation"


@pytest.mark.parametrize(
    "sentence", ["The surrender ended ten weeks of conflict.", "Both sides agreed to bring the standoff to an end."]
)
def test_a_dispute_that_ends_is_a_ceasefire(read, sentence):
    assert (read(sentence).category, read(sentence).signal) == ("CEASEFIRE", "de-escalation")
