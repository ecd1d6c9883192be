"""One loader for the data files the domain reads: lexicons, gazetteers, situations (YAML), the signal model (JSON).

Each file has a pydantic schema built on `Schema`, which forbids unknown keys, so a curator's typo ("institutons",
"al_of", `yes` read by YAML as true where a word was meant) is an error, never a silently ignored line. Every error
names the file and the line: YAML syntax from the parser's mark, a schema error from the node its location points at.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, TypeVar

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

SchemaT = TypeVar("SchemaT", bound=BaseModel)


class DataFileError(ValueError):
    """A data file that is not valid YAML or does not follow its schema; the message names the file and line."""


class Schema(BaseModel):
    """Base of every data-file schema and of its sections: an unknown key is an error."""

    model_config = ConfigDict(extra="forbid")


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as error:
        raise ValueError(f"not a regular expression: {error}") from None
    return pattern


RegexText = Annotated[str, AfterValidator(_compiles)]  # a regular expression, checked when the file is read


def read_data_file(path: Path, schema: type[SchemaT]) -> SchemaT:
    """The file's content validated against `schema`; an empty file is an empty mapping."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    data = _parsed(path, text)
    try:
        return schema.model_validate({} if data is None else data)
    except ValidationError as error:
        problems = [
            f"{path}: line {yaml_line(text, problem['loc'])}: {'.'.join(map(str, problem['loc'])) or '(file)'}: "
            f"{problem['msg']}"
            for problem in error.errors()
        ]
        raise DataFileError("\n".join(problems)) from None


def _parsed(path: Path, text: str) -> object:
    """The file's data; JSON through the json module (a large model file would take seconds through YAML)."""
    if path.suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise DataFileError(f"{path}: line {error.lineno}: not valid JSON: {error.msg}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(error, "problem", None) or str(error)
        raise DataFileError(f"{path}: line {line}: not valid YAML: {problem}") from None


def yaml_line(text: str, loc: tuple) -> int:
    """1-based line of the deepest YAML node on the path `loc` (section, key, list index, field...); JSON too."""
    node = yaml.compose(text)
    line = 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next(((key, value) for key, value in node.value if key.value == str(part)), None)
            if pair is None:  # a missing field: the mapping that lacks it is the place
                break
            line, node = pair[0].start_mark.line + 1, pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line
