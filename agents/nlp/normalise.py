"""The text as the parser sees it: hostile input can neither blow the parser's memory nor hide a claim.

Every change maps characters to spaces, so the normalised text has the length of the original and every character
offset (entities, claims, quantities) indexes the original text as well:
- control characters (NUL, BEL, terminal escape sequences...; tab and line breaks stay) become spaces:
  "Lopez said\\x00 that" still reads "said that";
- a token (a run without whitespace) longer than MAX_TOKEN_CHARS becomes spaces: no word is that long, and the
  tokenizer's affix rules and the parser's features are built per character;
- a sentence (up to . ! ? or a line break) longer than MAX_SENTENCE_WORDS words is cut: the words past the limit become
  spaces. A run-on that long is no prose; the parse of one sentence holds memory for all its words at once.
Each change is counted by reason (the worker's sitrep_text_normalised_total, `sitrep extract`'s summary).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

MAX_TOKEN_CHARS = 500  # longer than any URL an article carries in practice
MAX_SENTENCE_WORDS = 500  # the longest sentence in the demo corpora and the seeds has 58

# terminal escape sequences (ESC [ ... m) whole, so no "[0m" is left to end a sentence; then any other control character
CONTROL = re.compile(r"(?:\x1b\[[0-?]*[ -/]*[@-~]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f])+")
LONG_TOKEN = re.compile(rf"[^\s]{{{MAX_TOKEN_CHARS + 1},}}")
# A sentence as far as counting words goes: the text between terminal punctuation or line breaks, which stay.
SENTENCE = re.compile(r"[^\n.!?]+")
WORD = re.compile(r"\S+")


@dataclass
class Normalised:
    text: str
    changes: Counter[str] = field(default_factory=Counter)  # reason -> how many times the text was changed for it


def normalise(text: str) -> Normalised:
    changes: Counter[str] = Counter()

    def blank(reason: str):
        def replace(match: re.Match) -> str:
            changes[reason] += 1
            return " " * len(match.group())

        return replace

    text = CONTROL.sub(blank("control_characters"), text)
    text = LONG_TOKEN.sub(blank("long_token"), text)
    text = SENTENCE.sub(lambda match: cut_sentence(match.group(), changes), text)
    return Normalised(text, changes)


def cut_sentence(sentence: str, changes: Counter[str]) -> str:
    words = [match.start() for match in WORD.finditer(sentence)]
    if len(words) <= MAX_SENTENCE_WORDS:
        return sentence
    changes["long_sentence"] += 1
    cut = words[MAX_SENTENCE_WORDS]
    return sentence[:cut] + re.sub(r"\S", " ", sentence[cut:])
