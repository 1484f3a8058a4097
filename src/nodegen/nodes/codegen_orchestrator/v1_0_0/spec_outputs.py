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

import json
import re
import secrets
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from nodegen.infra.sandbox import ModelSandboxLimits, run_sandboxed, sandbox_isolates
from nodegen.llm import (
    EnumChatRole,
    LLMClient,
    ModelChatMessage,
    ModelCompletion,
    ModelCompletionRequest,
    RetryPolicy,
    RunBudget,
    complete_with_retries,
)
from nodegen.nodes.codegen_scaffold_compute.v1_0_0 import (
    SpecRuntime,
    check_spec,
    function_stub,
)
from nodegen.nodes.codegen_scaffold_compute.v1_0_0.models import (
    EnumNodeKind,
    ModelNodeSpec,
    ModelSpecExample,
    ModelSpecOperation,
)
from nodegen.pysource import FUNCTION_ENDS

from .spec_probes import Probed, disagreements, probe_inputs
from .spec_verdicts import Evidence, OutputsReport, decide, error_supported, expected_key

_RUNNER = Path(__file__).with_name("implementation_runner.py")
_BLOCK = re.compile(r"```(?:python|py)?[ \t]*\n(.*?)(?:\n```|\Z)", re.DOTALL)
IMPLEMENT_SYSTEM = "You are a careful Python programmer. Answer with the whole function in one ```python block."
IMPLEMENT_MAX_TOKENS = 768


@dataclass(frozen=True, slots=True)
class OutputsAsk:
    """The client, limits and how many implementations to draw."""

    client: LLMClient
    policy: RetryPolicy
    budget: RunBudget
    implementations: int
    retry_temperature: float
    limits: ModelSandboxLimits
    # the code drawn for each stub (function name and text): the same rules are not asked twice, and the code
    # drawn for one sample's rules can run on another sample's examples
    drawn: dict[tuple[str, str], list[str]] = field(default_factory=dict)


class Counts(Protocol):
    """What a stage counts of its model calls."""

    calls: int
    prompt_tokens: int
    completion_tokens: int


def sampling(index: int, retry_temperature: float) -> dict[str, Any]:
    """The first draw greedy, the others sampled, each with its own seed."""
    return {"temperature": 0.0 if index == 0 else retry_temperature, "seed": index}


async def draw(
    client: LLMClient, request: ModelCompletionRequest, policy: RetryPolicy, budget: RunBudget, counts: Counts
) -> ModelCompletion:
    """One answer (retried as every call is, within the run's budget), counted in ``counts``."""
    completion = await complete_with_retries(client, request, policy, budget)
    counts.calls += 1
    counts.prompt_tokens += completion.input_tokens
    counts.completion_tokens += completion.output_tokens
    return completion


def _code(answer: str, function: str) -> str | None:
    """The answer's code, when it defines ``function`` (its ``from __future__`` lines left out: the file has them)."""
    found = _BLOCK.search(answer)
    code = found.group(1) if found else answer
    if not re.search(rf"^\s*(?:async\s+)?def {re.escape(function)}\(", code, re.MULTILINE):
        return None
    return re.sub(r"^from __future__ import .*$", "", code, flags=re.MULTILINE).strip("\n") + "\n"


def _module(stub: str, code: str) -> str:
    """The answer's code after the stub's imports (those node.py has too)."""
    header = stub.split("\ndef ", 1)[0]
    return f"{header}\n\n{code}"


def _key(
    runtime: SpecRuntime, spec: ModelNodeSpec, operation: ModelSpecOperation, outcome: dict[str, Any]
) -> str | None:
    """An outcome as comparable text: ``error CODE`` or the outputs as the response types hold them; None for a
    crash, a wrong type, or an effect whose files or rows came out wrong."""
    if "error" in outcome:
        return f"error {outcome['error']}"
    if "value" not in outcome or outcome.get("after", "ok") != "ok":
        return None
    names = [f.name for f in spec.operation_outputs(operation)]
    values = _named(names, outcome["value"])
    if values is None:
        return None
    try:
        return json.dumps(runtime.load_output(values), sort_keys=True, default=str)
    except ValueError:
        return None


def _named(names: list[str], value: Any) -> dict[str, Any] | None:
    """An implementation's return value as the operation's outputs: the value of its one output, a dict of its
    outputs, or (the way small models often return several values, whatever the docstring asks) their values in
    the spec's order; None for anything else."""
    if len(names) == 1:
        return {names[0]: value}
    if isinstance(value, list) and len(value) == len(names):
        return dict(zip(names, value, strict=True))
    return value if isinstance(value, dict) and sorted(value) == sorted(names) else None


def _shaped(spec: ModelNodeSpec, operation: ModelSpecOperation, outcomes: list[dict[str, Any]]) -> bool:
    """Every value the implementation returned has the shape the node's entry point takes (a dict of the outputs
    when there are several): only such code can stand in the package as it is."""
    several = len(spec.operation_outputs(operation)) > 1
    return not several or all(isinstance(o["value"], dict) for o in outcomes if "value" in o)


async def _implementations(ask: OutputsAsk, stub: str, function: str, report: OutputsReport) -> list[str]:
    """The code of each implementation the model wrote of ``function`` from its rules alone (drawn once per stub:
    the draws are seeded, so drawing them again would give the same code)."""
    if (function, stub) in ask.drawn:
        return ask.drawn[function, stub]
    codes = []
    # a model that continues an answer nodegen starts (the in-process ones) gets the stub's signature and docstring
    # as its answer's start and writes the body alone: not the docstring again, a third of its tokens
    continues = ask.client.capabilities.continues_answer
    head = stub.rsplit("\n    # IMPLEMENTATION REQUIRED", 1)[0] + "\n"
    for index in range(ask.implementations):
        request = ModelCompletionRequest(
            system=IMPLEMENT_SYSTEM,
            messages=[
                ModelChatMessage(
                    role=EnumChatRole.USER, content=f"Complete the function `{function}`:\n```python\n{stub}```"
                )
            ],
            max_tokens=IMPLEMENT_MAX_TOKENS,
            answer_start=f"```python\n{head}" if continues else None,
            stop=list(FUNCTION_ENDS) if continues else [],
            **sampling(index, ask.retry_temperature),
        )
        completion = await draw(ask.client, request, ask.policy, ask.budget, report)
        code = _code(completion.text, function)
        if code is not None:
            codes.append(code)
    ask.drawn[function, stub] = codes
    return codes


async def _run(
    modules: list[str], function: str, calls: list[dict[str, Any]], limits: ModelSandboxLimits
) -> list[list[dict[str, Any]]]:
    """Each module's outcome for each call, in the modules' order, run in the sandbox (a module that does not load:
    no outcomes)."""
    token = secrets.token_hex(16)  # on every line the runner writes: a candidate cannot forge one
    with tempfile.TemporaryDirectory(prefix="nodegen-implementations-") as scratch:
        spec_file = Path(scratch) / "spec.json"
        paths = [entry for entry in sys.path if entry and Path(entry).exists()]
        spec = {"sys_path": paths, "function": function, "candidates": modules, "calls": calls, "token": token}
        spec_file.write_text(json.dumps(spec))
        result = await run_sandboxed(
            [sys.executable, "-I", "-S", str(_RUNNER), str(spec_file)], work_dir=Path(scratch), limits=limits
        )
    outcomes = []
    for line in result.stdout.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            event = None
        if not isinstance(event, dict) or event.get("token") != token:
            return []  # a candidate wrote into the report: nothing it says is trusted
        if isinstance(event.get("outcomes"), list):
            outcomes.append(event["outcomes"])
        elif "broken" in event:
            outcomes.append([])
    return outcomes


def _calls(
    runtime: SpecRuntime, operation: ModelSpecOperation
) -> tuple[list[tuple[ModelSpecExample, dict[str, Any] | None]], list[dict[str, Any]]]:
    """Each example with the function's arguments (None where the request model refuses it: the node's example, not
    the function's), and the calls of the examples the function sees."""
    loaded: list[tuple[ModelSpecExample, dict[str, Any] | None]] = []
    for example in operation.examples:
        try:
            loaded.append((example, runtime.arguments(operation, example)))
        except ValueError:
            loaded.append((example, None))
    calls = [
        {
            "arguments": arguments,
            "setup": example.setup.model_dump(mode="json", by_alias=True) if example.setup else None,
            "after": example.after.model_dump(mode="json") if example.after else None,
        }
        for example, arguments in loaded
        if arguments is not None
    ]
    return loaded, calls


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
            loaded, calls = _calls(runtime, operation)
            function = operation.name
            if function not in functions and len(spec.operations) == 1 and len(functions) == 1:
                (function,) = functions
            codes = next((codes for (name, _), codes in ask.drawn.items() if name == function and codes), [])
            stub = function_stub(spec, operation, examples=False)
            modules = [_module(stub, code) for code in codes]
            results = await _run(modules, function, calls, ask.limits) if modules and calls else []
            ran = [example for example, arguments in loaded if arguments is not None]
            for position, example in enumerate(ran):
                expected = expected_key(runtime, example)
                given = sum(
                    1
                    for got in results
                    if position < len(got) and _key(runtime, spec, operation, got[position]) == expected
                )
                count += given * 2 <= len(codes) or not codes
        doubted.append(count)
    return doubted


def _trusted(
    keys: list[list[str | None]], drawn: int, binding: dict[int, str]
) -> tuple[list[str | None] | None, int]:
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
    results = await _run(list(passing.values()), operation.name, calls, limits)
    keys = {
        index: [_key(runtime, spec, operation, outcome) for outcome in got]
        for index, got in zip(passing, results, strict=False)
    }
    found = disagreements(operation, [given for given, _ in probes], list(keys.values()), drawn)
    return found, {index: [got[i] if i < len(got) else None for i in found.positions] for index, got in keys.items()}


async def confirm_outputs(spec: ModelNodeSpec, ask: OutputsAsk) -> tuple[ModelNodeSpec, OutputsReport]:
    """The spec with each example's agreement of the implementations, and the trusted implementations' outputs
    (``_trusted``) where the spec's contradict them (unless the prompt states those values); the report keeps, per
    operation, the implementations that give every example of the spec returned (the fill tries them first)."""
    report = OutputsReport()
    runtime = SpecRuntime(spec)
    operations, ran = [], []
    for operation in spec.operations:
        loaded, calls = _calls(runtime, operation)
        stub = function_stub(spec, operation, examples=False)
        runnable = calls and (ask.limits.unsandboxed or sandbox_isolates())  # no sandbox: nothing to draw them for
        codes = await _implementations(ask, stub, operation.name, report) if runnable else []
        report.doubted += not calls  # nothing to run: nothing confirmed
        modules = [_module(stub, code) for code in codes]
        results = await _run(modules, operation.name, calls, ask.limits) if modules else []
        keys = [[_key(runtime, spec, operation, outcome) for outcome in got] for got in results]
        ran_examples = [example for example, arguments in loaded if arguments is not None]
        binding = {
            position: expected_key(runtime, example)
            for position, example in enumerate(ran_examples)
            if example.source == "prompt" or error_supported(example, operation, spec.prompt)
        }
        trusted, size = _trusted(keys, len(codes), binding)
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
            )
            position += 1
            examples.append(decide(runtime, operation, example, evidence, report, spec.prompt))
        ran_now = [example for example, (_, given) in zip(examples, loaded, strict=True) if given is not None]
        expected = [expected_key(runtime, example) for example in ran_now]
        passing = {index: modules[index] for index, own in enumerate(keys) if own == expected}
        found, probed = await _probed(runtime, spec, operation, passing, drawn=len(codes), limits=ask.limits)
        report.changed += found.notes
        keys = [own + probed.get(index, [None] * len(found.examples)) for index, own in enumerate(keys)]
        operations.append(operation.model_copy(update={"examples": examples + found.examples}))
        standing = [  # the code that may stand in the package as it is, with what it gave
            (code, got)
            for code, got, outcomes in zip(codes, keys, results, strict=False)
            if _shaped(spec, operation, outcomes)
        ]
        ran.append((standing, [arguments is not None for _, arguments in loaded] + [True] * len(found.examples)))
    confirmed = spec.model_copy(update={"operations": operations})
    if check_spec(confirmed, spec.prompt):  # the new outputs must not contradict anything: else the spec as it was
        report.changed, report.doubted = [], report.doubted + 1
        confirmed = spec
    for operation, (standing, runs) in zip(confirmed.operations, ran, strict=True):
        shown = zip(operation.examples, runs[: len(operation.examples)], strict=True)  # the spec as returned
        expected = [expected_key(runtime, example) for example, run in shown if run]
        report.proven[operation.name] = [code for code, got in standing if got[: len(expected)] == expected]
    return confirmed, report


__all__ = [
    "IMPLEMENT_SYSTEM",
    "Counts",
    "OutputsAsk",
    "OutputsReport",
    "confirm_outputs",
    "doubted_by_code",
    "draw",
    "sampling",
]
