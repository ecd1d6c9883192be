"""A generated hostile corpus: texts built to blow the parser's memory or hide a claim, each with an ordinary claim
embedded. Generated here (seeded, deterministic), never copied from any published text.

Usage: python tests/hostile.py OUT.jsonl   (writes one Article per line)
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

# Every article carries this claim, once, in a sentence of its own; the hostile material surrounds it.
CLAIM = "Maria Lopez said that the border would stay closed."
SPEAKER = "Maria Lopez"
CONTENT = "the border would stay closed"
NUL = "\x00"
SALAD = ["tank", "river", "quietly", "seven", "blue", "minister", "under", "of", "talks", "grain", "run", "the"]


def word_salad(words: int, rng: random.Random) -> str:
    return " ".join(rng.choice(SALAD) for _ in range(words))


def nested_parentheses(depth: int) -> str:
    return "(" * depth + "the talks" + ")" * depth


def hostile_texts(rng: random.Random) -> dict[str, str]:
    """name -> text; the hostile part around (or, for NUL bytes, inside) the claim."""
    return {
        "quote_marks": '"' * 5_000 + f"\n\n{CLAIM}\n\n" + "“”" * 2_500,
        "long_token": "x" * 200_000 + f" {CLAIM}",
        "long_sentence": word_salad(40_000, rng) + f". {CLAIM}",
        "nul_bytes": f"{NUL * 50}Maria{NUL}Lopez said{NUL} that the{NUL}{NUL}border would stay{NUL}closed.{NUL * 50}",
        "emoji": "\N{FACE WITH TEARS OF JOY}" * 10_000 + f" {CLAIM} " + "\N{FIRE}\N{SKULL}" * 2_000,
        "nested_parentheses": nested_parentheses(3_000) + f". {CLAIM}",
        "word_salad": word_salad(3_000, rng) + f".\n\n{CLAIM}\n\n" + word_salad(3_000, rng) + ".",
        "control_characters": "".join(chr(rng.choice([1, 7, 8, 11, 12, 27, 127])) for _ in range(20_000))
        + f"\n{CLAIM}\u0007\u001b[0m",
        "long_words_in_a_row": " ".join("y" * 5_000 for _ in range(30)) + f". {CLAIM}",
        "everything_at_once": "\N{FIRE}" * 3_000
        + nested_parentheses(500)
        + NUL * 100
        + word_salad(5_000, rng)
        + f". Maria Lopez said{NUL} that the border would stay closed. "
        + "z" * 50_000,
    }


def hostile_articles(seed: int = 16) -> list[dict]:
    rng = random.Random(seed)
    return [
        {"id": f"hostile-{name}", "published_at": "2026-01-01T12:00:00Z", "outlet": "generated", "text": text}
        for name, text in hostile_texts(rng).items()
    ]


def write_corpus(path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for article in hostile_articles():
            out.write(json.dumps(article) + "\n")


if __name__ == "__main__":
    write_corpus(Path(sys.argv[1]))
