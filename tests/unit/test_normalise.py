"""Text normalisation before the parse: same length as the original, control characters and over-long runs blanked."""

from agents.nlp.normalise import MAX_SENTENCE_WORDS, MAX_TOKEN_CHARS, normalise


def test_ordinary_text_is_left_alone():
    text = "Maria Lopez said that the border would stay closed.\n\n“We are ready,” the minister said.\tNext."
    normalised = normalise(text)
    assert normalised.text == text and not normalised.changes


def test_control_characters_become_spaces_and_offsets_stay_the_originals():
    text = "Maria\x00Lopez said\x00\x00 that the border\x1b[31m would stay\x07 closed."
    normalised = normalise(text)
    assert normalised.text == "Maria Lopez said   that the border      would stay  closed."
    assert len(normalised.text) == len(text)
    assert normalised.changes == {"control_characters": 4}  # runs, not characters


def test_an_over_long_token_is_blanked_and_its_neighbours_keep_their_place():
    text = "before " + "x" * (MAX_TOKEN_CHARS + 1) + " after " + "y" * MAX_TOKEN_CHARS
    normalised = normalise(text)
    assert normalised.text == "before " + " " * (MAX_TOKEN_CHARS + 1) + " after " + "y" * MAX_TOKEN_CHARS
    assert normalised.changes == {"long_token": 1}


def test_an_over_long_sentence_is_cut_and_the_next_sentence_kept():
    words = ["word"] * (MAX_SENTENCE_WORDS + 20)
    text = " ".join(words) + ". Maria Lopez said that the border would stay closed."
    normalised = normalise(text)
    kept = " ".join(words[:MAX_SENTENCE_WORDS]) + " "
    assert normalised.text.startswith(kept)
    assert normalised.text[len(kept) :].lstrip().startswith(". Maria Lopez said that")
    assert len(normalised.text) == len(text)
    assert normalised.changes == {"long_sentence": 1}


def test_a_line_break_ends_a_sentence_for_the_count():
    line = " ".join(["word"] * (MAX_SENTENCE_WORDS - 1))
    text = f"{line}\n{line}\n{line}"
    assert normalise(text).text == text
