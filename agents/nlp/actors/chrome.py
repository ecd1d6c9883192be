"""Page chrome (related-story blocks, "Also Read" lines, photo credits): mentions there are not attributed."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class PageChrome:
    """Page chrome patterns (gazetteer section `page_chrome`): mentions inside chrome are not attributed."""

    blocks: tuple[re.Pattern, ...]  # a heading line that starts a block of unrelated stories up to the end
    lines: tuple[re.Pattern, ...]  # a whole line of chrome ("Also Read | ...", "Photo credit: AFP")
    inline: tuple[re.Pattern, ...]  # chrome inside a line (photo credits "(Name/AP)", "©2022 Bloomberg L.P.")

    @classmethod
    def compile(cls, section: dict) -> PageChrome:
        return cls(
            *(tuple(re.compile(p) for p in section.get(key, [])) for key in ("block_headings", "lines", "inline"))
        )

    def ranges(self, text: str) -> list[tuple[int, int]]:
        """Character ranges of page chrome in the text, in order."""
        ranges = []
        offset = 0
        for line in text.splitlines(keepends=True):
            stripped = line.strip()
            if any(p.search(stripped) for p in self.blocks):
                ranges.append((offset, len(text)))
                break
            if any(p.search(stripped) for p in self.lines):
                ranges.append((offset, offset + len(line)))
            else:
                ranges += [(offset + m.start(), offset + m.end()) for p in self.inline for m in p.finditer(line)]
            offset += len(line)
        return sorted(ranges)


def in_ranges(position: int, ranges: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in ranges)
