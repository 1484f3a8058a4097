"""Inputs nodegen makes itself to tell implementations apart, without any hidden test (CodeT's agreement on
generated inputs). A spec's few examples leave rules untested: a cap or a threshold the examples never reach (the
1.5B model's RetrySchedule: "each at most 60.0"), a case none of them shows. Each value of an example's input is
changed one at a time (a string with a character added or its case changed, or its words with runs of separators
between them and space around; a number moved or made ten times larger, a list shortened or grown, a flag
flipped, a default set); the implementations that give every example of the spec run on these inputs too. Where
they disagree, the behaviour the largest group of them shares (two at least, and more than any other group)
becomes an example of the spec, marked as nodegen's input and the code's output, so the fill must keep that rule
and a reviewer sees where it came from. Where they share a misreading nothing shows it
(the 1.5B model's PasswordStrength: both implementations that gave every example scored symbols backwards)."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pydantic import JsonValue

from nodegen.nodes.codegen_scaffold_compute.v1_0_0 import SpecRuntime, held_numbers, numbers_in
from nodegen.nodes.codegen_scaffold_compute.v1_0_0.models import ModelSpecExample, ModelSpecOperation

from .spec_verdicts import is_value

_GAP = re.compile(r"\s+")
PROBES_PER_OPERATION = 24  # inputs made per operation (one sandbox run of their own takes them all)
ADDED_PER_OPERATION = 2  # examples added where the implementations disagree


def _variants(value: JsonValue) -> list[JsonValue]:
    """Values near ``value`` of the same kind, each different from it."""
    found: list[JsonValue] = []
    if isinstance(value, bool):
        found = [not value]
    elif isinstance(value, int):
        found = [value + 1, value * 2, value * 10, 0, -value]
    elif isinstance(value, float):
        found = [value + 1.5, value * 2, value * 10, 0.0, -value]
    elif isinstance(value, str):
        found = [value + "!", value.upper(), value.lower(), value[: max(1, len(value) // 2)], f"{value} {value}", ""]
        if _GAP.search(value.strip()):  # words: runs of separators between them, and space around (a collapse, a strip)
            found += [_GAP.sub(lambda gap: "," + gap.group() * 2, value), f"  {value}  "]
    elif isinstance(value, list) and value:
        found = [[], value[:1], [*value, value[-1]], value[::-1]]
    elif isinstance(value, dict) and value:
        found = [{}]
    unique: dict[str, JsonValue] = {}
    for item in found:
        unique.setdefault(json.dumps(item, sort_keys=True), item)
    own = json.dumps(value, sort_keys=True)
    return [item for key, item in unique.items() if key != own]


def probe_inputs(runtime: SpecRuntime, operation: ModelSpecOperation) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Request inputs made from the operation's value examples (none with a setup: an effect's world is the
    example's own), one field changed at a time (a field the example leaves at its default too), that the request
    model takes and no example has; each with the keyword arguments the operation's function gets for it."""
    seen = {json.dumps(example.input, sort_keys=True) for example in operation.examples}
    defaults = {
        name: info.get_default(call_default_factory=True)
        for name, info in runtime.request.model_fields.items()
        if not info.is_required()
    }
    made: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for example in operation.examples:
        if example.error is not None or example.placeholders:
            continue
        given = {name: value for name, value in defaults.items() if name not in example.input} | example.input
        for name, value in given.items():
            for variant in _variants(value):
                candidate = {**example.input, name: variant}
                key = json.dumps(candidate, sort_keys=True)
                if key in seen or "{dir}" in key or "{base_url}" in key:
                    continue
                seen.add(key)
                try:
                    arguments = runtime.arguments(operation, ModelSpecExample(input=candidate, output={}))
                except ValueError:  # the request model refuses it: the node's rule, not the function's
                    continue
                made.append((candidate, arguments))
                if len(made) == PROBES_PER_OPERATION:
                    return made
    return made


@dataclass(frozen=True, slots=True)
class Probed:
    """The examples the implementations' disagreement adds, the positions of their inputs among those made, and in
    words what they show."""

    examples: list[ModelSpecExample]
    positions: list[int]
    notes: list[str]
    tied: bool = False  # they disagree, and no group of two or more is larger than every other


def unshown_numbers(operation: ModelSpecOperation, prompt: str) -> frozenset[float]:
    """The numbers the prompt states that no example of ``operation`` holds (a cap, a threshold): rules the examples
    leave untested."""
    held = held_numbers([[example.input, example.output or {}] for example in operation.examples])
    return frozenset(numbers_in(prompt)) - held


def _showing(outcomes: tuple[str | None, ...], unshown: frozenset[float]) -> frozenset[float]:
    """The numbers of ``unshown`` the values of ``outcomes`` hold."""
    values = [json.loads(text) for text in outcomes if is_value(text)]
    return frozenset(held_numbers(values)) & unshown


def _largest(
    groups: Counter[tuple[str | None, ...]], unshown: frozenset[float]
) -> tuple[tuple[str | None, ...], int, bool]:
    """The outcomes the largest group shares, its size (0 when nothing decides), and whether groups tied for the
    largest (more code could decide). Among tied groups, the one whose outputs alone show a number the prompt
    states and no example holds is taken (the 1.5B model's RetrySchedule: of the code that gave every example, half
    capped the delays at the prompt's 60.0)."""
    ranked = groups.most_common()
    size = ranked[0][1]
    tied = [outcome for outcome, count in ranked if count == size]
    if len(tied) == 1:  # of two groups or more, a largest one alone has two at least
        return tied[0], size, False
    shown = sorted(((len(_showing(outcome, unshown)), outcome) for outcome in tied), key=lambda item: -item[0])
    return (shown[0][1], size, True) if shown[0][0] > shown[1][0] else ((), 0, True)


def disagreements(
    operation: ModelSpecOperation,
    inputs: list[dict[str, Any]],
    keys: list[list[str | None]],
    drawn: int,
    unshown: frozenset[float] = frozenset(),
) -> Probed:
    """Examples from ``inputs`` where the implementations that give every example (``keys``: each one's outcome on
    every input, in order) disagree, giving the outcome the largest group of them shares on every input (two at
    least, more than any other group, or, among groups of one size, the one group whose outputs show numbers of
    ``unshown``); each tells apart implementations that no example added before tells apart (the 1.5B model's
    PasswordStrength got WEAKPASS and weakpass, both splitting the same code, and no symbol); values only, and none
    where one of them raises an error of the spec's (an error is a rule for the prompt to state: the 0.5B model's
    code that skips "an empty list is a validation error" must not outvote the code that keeps it)."""
    groups = Counter(tuple(got) for got in keys if len(got) == len(inputs))
    if len(groups) < 2 or not inputs:
        return Probed([], [], [])
    shared, size, tied = _largest(groups, unshown)
    found = Probed([], [], [], tied=tied)
    if not size:
        return found
    why = ", ".join(f"{number:g}" for number in sorted(_showing(shared, unshown))) if tied else ""
    told = f", which alone shows the prompt's {why}" if why else ""
    splits: set[tuple[bool, ...]] = set()  # which implementations each added example keeps
    stated = set(operation.error_codes)  # an error no example raises (INVALID_INPUT for 30 retries) keeps no rule
    for position, outcome in [(position, outcome) for position, outcome in enumerate(shared) if is_value(outcome)]:
        if len(found.examples) >= ADDED_PER_OPERATION:
            continue
        given = [got[position] for got in keys if len(got) == len(inputs)]
        split = tuple(other == outcome for other in given)
        if all(split) or split in splits:
            continue  # it tells none apart, or the same ones as an example added already (WEAKPASS and weakpass)
        if any(other is not None and other.removeprefix("error ") in stated for other in given):
            continue  # one raises there: whether the input breaks a rule is the prompt's to say, not a vote's
        splits.add(split)
        output = json.loads(outcome)
        found.examples.append(
            ModelSpecExample(
                case="edge",
                input=inputs[position],
                output=output,
                source="derived",
                agreement=f"code {size}/{drawn} (an input nodegen made; the output is the code's{told})",
            )
        )
        found.positions.append(position)
        found.notes.append(
            f"{operation.name}: the implementations that give every example disagree on {inputs[position]}; {size} "
            f"of {drawn} give {output}{told}: the spec now has that example"
        )
    return found


__all__ = ["ADDED_PER_OPERATION", "PROBES_PER_OPERATION", "Probed", "disagreements", "probe_inputs", "unshown_numbers"]
