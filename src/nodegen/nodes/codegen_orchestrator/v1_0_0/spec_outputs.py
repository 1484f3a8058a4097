"""Expected outputs checked by execution: a model's examples can be wrong (a small model's arithmetic often is),
and then the code that matches them is wrong too. Several implementations are drawn from each operation's rules
alone (its docstring without the examples) and run in the sandbox on the examples' inputs. The implementations
that agree with each other on every example are trusted over the spec when they are most of those drawn (two at
least): where their output contradicts a value the model worked out, the example takes it, unless the prompt
itself states the example's values. Independent code can agree on a wrong value too (two 0.5B implementations
that skip the same rule do): the example then says its output is the code's, for the reviewer. Every example
records what the implementations gave (``agreement``), so a reviewer knows what to read; an error example becomes a
value only when every implementation gives that value and no rule of the prompt supports the error. The
implementations also run on inputs nodegen makes from the examples' (``spec_probes``): where those that give every
example disagree, the behaviour most of them share becomes an example, so that a rule no example shows is kept."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from nodegen.infra.sandbox import ModelSandboxLimits, sandbox_isolates
from nodegen.nodes.codegen_scaffold_compute.v1_0_0 import SpecRuntime, check_spec, function_stub
from nodegen.nodes.codegen_scaffold_compute.v1_0_0.models import (
    EnumNodeKind,
    ModelNodeSpec,
    ModelSpecExample,
    ModelSpecOperation,
)

from .spec_code import OutputsAsk, example_calls, implementations, module_of, outcome_key, run_modules, shaped
from .spec_probes import Probed, disagreements, probe_inputs, unshown_numbers
from .spec_verdicts import Evidence, OutputsReport, decide, error_supported, expected_key, is_value

MORE_DRAWS = 2  # where the implementations leave a spec undecided, drawing goes on up to this many times as many


async def doubted_by_code(specs: list[ModelNodeSpec], ask: OutputsAsk) -> list[int]:
    """For each sample, how many of its examples fewer than most of the code drawn so far for an operation of that
    name gives (or, for a sample of one operation, the code drawn for the one function there is: samples name it
    differently); all its examples where no code was drawn. Independent code that cannot give an example (a CSV
    without the header row the prompt states, an error example with no cycle in it) speaks against the sample: a
    sample whose examples the code gives is the one to keep. Only sandbox runs: no model call."""
    doubted = []
    functions = {name for (name, _), codes in ask.drawn.items() if codes}
    for spec in specs:
        runtime, count = SpecRuntime(spec), 0
        for operation in spec.operations:
            loaded, calls = example_calls(runtime, operation)
            function = operation.name
            if function not in functions and len(spec.operations) == 1 and len(functions) == 1:
                (function,) = functions
            codes = next((codes for (name, _), codes in ask.drawn.items() if name == function and codes), [])
            stub = function_stub(spec, operation, examples=False)
            modules = [module_of(stub, code) for code in codes]
            results = await run_modules(modules, function, calls, ask.limits) if modules and calls else []
            ran = [example for example, arguments in loaded if arguments is not None]
            for position, example in enumerate(ran):
                expected = expected_key(runtime, example)
                given = sum(
                    1
                    for got in results
                    if position < len(got) and outcome_key(runtime, spec, operation, got[position]) == expected
                )
                count += given * 2 <= len(codes) or not codes
        doubted.append(count)
    return doubted


def _trusted(keys: list[list[str | None]], drawn: int, binding: dict[int, str]) -> tuple[list[str | None] | None, int]:
    """The outcomes of the implementations that agree with each other on every example, when they are most of
    those drawn (two at least), and how many they are. Agreeing on one example is not enough: code that skips a
    rule agrees with code that keeps it wherever the rule does not apply. Code that contradicts what the prompt
    states (``binding``: position to outcome, the prompt's own values and the errors its rules support) breaks a
    rule the model's worked-out values may keep, so it is never trusted over them."""
    kept = [got for got in keys if all(p < len(got) and got[p] == want for p, want in binding.items())]
    whole = Counter(tuple(got) for got in kept if got)
    if not whole:
        return None, 0
    outcome, size = whole.most_common(1)[0]
    if size < 2 or size * 2 <= drawn or None in outcome:
        return None, size
    return list(outcome), size


async def _probed(
    runtime: SpecRuntime,
    spec: ModelNodeSpec,
    operation: ModelSpecOperation,
    passing: dict[int, str],
    *,
    drawn: int,
    limits: ModelSandboxLimits,
) -> tuple[Probed, dict[int, list[str | None]]]:
    """The examples that the implementations giving every example (``passing``: index to module, of ``drawn``) add by
    disagreeing on inputs nodegen makes (``spec_probes``), and each one's outcome on those examples. A run of its
    own, after the examples': code that hangs on a made input loses nothing the examples showed."""
    nothing = Probed([], [], [])
    if len(passing) < 2 or spec.kind is EnumNodeKind.EFFECT:
        return nothing, {}
    probes = probe_inputs(runtime, operation)
    if not probes:
        return nothing, {}
    calls = [{"arguments": arguments} for _, arguments in probes]
    results = await run_modules(list(passing.values()), operation.name, calls, limits)
    keys = {
        index: [outcome_key(runtime, spec, operation, outcome) for outcome in got]
        for index, got in zip(passing, results, strict=False)
    }
    unshown = unshown_numbers(operation, spec.prompt)
    found = disagreements(operation, [given for given, _ in probes], list(keys.values()), drawn, unshown)
    return found, {index: [got[i] if i < len(got) else None for i in found.positions] for index, got in keys.items()}


@dataclass
class _Weighed:
    """One operation's examples as the implementations leave them, the code that may stand in the package with what
    it gave, which examples ran, and whether more implementations could decide what these could not."""

    examples: list[ModelSpecExample]
    standing: list[tuple[str, list[str | None]]]
    runs: list[bool]
    report: OutputsReport
    undecided: bool


@dataclass(frozen=True, slots=True)
class _Operation:
    """One operation of the spec as its implementations are weighed: its stub (the rules without the examples),
    each example with the function's arguments, and the calls of those the function sees (``example_calls``)."""

    operation: ModelSpecOperation
    stub: str
    loaded: list[tuple[ModelSpecExample, dict[str, Any] | None]]
    calls: list[dict[str, Any]]


async def _weigh(
    runtime: SpecRuntime, spec: ModelNodeSpec, at: _Operation, codes: list[str], ask: OutputsAsk
) -> _Weighed:
    """The operation's examples weighed by ``codes`` (see ``confirm_outputs``)."""
    report = OutputsReport()
    operation, stub, loaded, calls = at.operation, at.stub, at.loaded, at.calls
    report.doubted += not calls  # nothing to run: nothing confirmed
    modules = [module_of(stub, code) for code in codes]
    results = await run_modules(modules, operation.name, calls, ask.limits) if modules else []
    keys = [[outcome_key(runtime, spec, operation, outcome) for outcome in got] for got in results]
    ran_examples = [example for example, arguments in loaded if arguments is not None]
    binding = {
        position: expected_key(runtime, example)
        for position, example in enumerate(ran_examples)
        if example.source == "prompt" or error_supported(example, operation, spec.prompt)
    }
    trusted, size = _trusted(keys, len(codes), binding)
    valued = {  # the examples with a value that most implementations give a value for
        position
        for position, example in enumerate(ran_examples)
        if example.error is None
        and 2 * sum(1 for got in keys if position < len(got) and is_value(got[position])) > len(codes)
    }
    examples, position = [], 0
    for example, arguments in loaded:
        if arguments is None:
            examples.append(example)
            continue
        evidence = Evidence(
            [got[position] for got in keys if position < len(got)],
            len(codes),
            trusted[position] if trusted else None,
            size,
            values_elsewhere=bool(valued - {position}),
        )
        position += 1
        examples.append(decide(runtime, operation, example, evidence, report, spec.prompt))
    ran_now = [example for example, (_, given) in zip(examples, loaded, strict=True) if given is not None]
    expected = [expected_key(runtime, example) for example in ran_now]
    passing = {index: modules[index] for index, own in enumerate(keys) if own == expected}
    found, probed = await _probed(runtime, spec, operation, passing, drawn=len(codes), limits=ask.limits)
    report.changed += found.notes
    keys = [own + probed.get(index, [None] * len(found.examples)) for index, own in enumerate(keys)]
    standing = [  # the code that may stand in the package as it is, with what it gave
        (code, got)
        for code, got, outcomes in zip(codes, keys, results, strict=False)
        if shaped(spec, operation, outcomes)
    ]
    runs = [arguments is not None for _, arguments in loaded] + [True] * len(found.examples)
    groups = Counter(tuple(got) for got in keys if got).most_common(1)  # alike on every example and made input
    most = bool(groups) and groups[0][1] >= 2 and groups[0][1] * 2 > len(codes)
    undecided = bool(calls) and (not most or found.tied)
    return _Weighed(examples + found.examples, standing, runs, report, undecided)


async def confirm_outputs(spec: ModelNodeSpec, ask: OutputsAsk) -> tuple[ModelNodeSpec, OutputsReport]:
    """The spec with each example's agreement of the implementations, and the trusted implementations' outputs
    (``_trusted``) where the spec's contradict them (unless the prompt states those values); the report keeps, per
    operation, the implementations that give every example of the spec returned (the fill tries them first). Where
    no two implementations that are most of those drawn agree on every example, or those that give every example
    split evenly on an input nodegen made (the 1.5B model's RetrySchedule: one capped the delays at 60.0 and one
    did not), more are drawn, up to ``MORE_DRAWS`` times as many, and the examples weighed again by all of them."""
    report = OutputsReport()
    runtime = SpecRuntime(spec)
    operations, ran = [], []
    for operation in spec.operations:
        at = _Operation(operation, function_stub(spec, operation, examples=False), *example_calls(runtime, operation))
        runnable = at.calls and (ask.limits.unsandboxed or sandbox_isolates())
        wanted = ask.implementations
        while True:
            codes = await implementations(ask, at.stub, operation.name, report, wanted) if runnable else []
            weighed = await _weigh(runtime, spec, at, codes, ask)
            if not (runnable and weighed.undecided and wanted < ask.implementations * MORE_DRAWS):
                break
            wanted = ask.implementations * MORE_DRAWS
        report.drawn = max(report.drawn, len(codes))
        report.changed += weighed.report.changed
        report.doubted += weighed.report.doubted
        operations.append(operation.model_copy(update={"examples": weighed.examples}))
        ran.append((weighed.standing, weighed.runs))
    confirmed = spec.model_copy(update={"operations": operations})
    if check_spec(confirmed, spec.prompt):  # the new outputs must not contradict anything: else the spec as it was
        report.changed, report.doubted = [], report.doubted + 1
        confirmed = spec
    for operation, (standing, runs) in zip(confirmed.operations, ran, strict=True):
        shown = zip(operation.examples, runs[: len(operation.examples)], strict=True)  # the spec as returned
        expected = [expected_key(runtime, example) for example, run in shown if run]
        report.proven[operation.name] = [code for code, got in standing if got[: len(expected)] == expected]
    return confirmed, report


__all__ = ["MORE_DRAWS", "OutputsReport", "confirm_outputs", "doubted_by_code"]
