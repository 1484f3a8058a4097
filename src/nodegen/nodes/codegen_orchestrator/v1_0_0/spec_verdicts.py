"""What the implementations' outcomes say about one example of a spec: its outcome as comparable text, the outcome
most of them agree on, and the verdict (the example as it was, or the output the trusted implementations give, or
an error example no rule supports turned into the value every implementation gives), counted in the report."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from nodegen.nodes.codegen_scaffold_compute.v1_0_0 import SpecRuntime, error_rules
from nodegen.nodes.codegen_scaffold_compute.v1_0_0.models import ModelSpecExample, ModelSpecOperation


@dataclass
class OutputsReport:
    """What the implementations did: calls, tokens, and each example they changed."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    changed: list[str] = field(default_factory=list)
    proven: dict[str, list[str]] = field(default_factory=dict)  # per operation: code that gives every example
    doubted: int = 0  # examples whose outcome (as the spec now has it) fewer than most implementations gave
    drawn: int = 0  # the implementations drawn for an operation (the most of any operation)

    @property
    def confirmed(self) -> bool:
        """Most implementations give every example as the spec now has it (the changed ones included)."""
        return self.doubted == 0

    def support(self, agreeing: int, drawn: int) -> None:
        """Count an example that ``agreeing`` of ``drawn`` implementations give as doubted unless most do."""
        self.doubted += agreeing * 2 <= drawn or drawn < 2


def expected_key(runtime: SpecRuntime, example: ModelSpecExample) -> str:
    """The example's outcome as comparable text: ``error CODE`` or its outputs as the response types hold them."""
    if example.error is not None:
        return f"error {example.error}"
    return json.dumps(runtime.load_output(example.output or {}), sort_keys=True, default=str)


def is_value(key: str | None) -> TypeGuard[str]:
    """An implementation's outcome (``outcome_key``, ``expected_key``) is a value: not an error, not a failure to
    run."""
    return key is not None and not key.startswith("error ")


def vote(keys: list[str | None]) -> tuple[str | None, int]:
    """The outcome most implementations agree on (at least two, and more than any other), and how many."""
    counts = Counter(key for key in keys if key is not None).most_common(2)
    if not counts or counts[0][1] < 2 or (len(counts) > 1 and counts[1][1] == counts[0][1]):
        return None, counts[0][1] if counts else 0
    return counts[0]


def error_supported(example: ModelSpecExample, operation: ModelSpecOperation, prompt: str) -> bool:
    """The prompt states the rule of this example's error code (``error_rules``: a sentence naming the code, or any
    error rule when the operation raises one code only; the 1.5B model's InvoiceFetcher made an HTTP 500 a
    DATABASE_OPERATION_ERROR no sentence states) and no other sample contradicts the example (its agreement is not
    ``1/n`` with n > 1: one sample alone of several gave it)."""
    samples = re.match(r"1/(\d+)", example.agreement or "")
    stated = bool(example.error and error_rules(prompt, example.error, len(operation.error_codes)))
    return stated and not (samples and int(samples.group(1)) > 1)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the implementations gave for one example: each one's outcome, how many were drawn, and the outcome of
    the ones trusted over the spec (``_trusted``) with how many they are; ``values_elsewhere``: most of them give a
    value (not an error) for another example of the operation that the spec says gives one."""

    keys: list[str | None]
    drawn: int
    trusted: str | None
    size: int
    values_elsewhere: bool = True


def decide(  # noqa: PLR0917 - one example's evidence, all of it
    runtime: SpecRuntime,
    operation: ModelSpecOperation,
    example: ModelSpecExample,
    evidence: Evidence,
    report: OutputsReport,
    prompt: str,
) -> ModelSpecExample:
    """The example with what the implementations gave; the trusted ones' output where it contradicts a value the
    model worked out, the value all of them give for an error example that no rule of the prompt nor another
    sample supports, or the error all of them raise for a value example where the prompt states that error."""
    keys, drawn, trusted = evidence.keys, evidence.drawn, evidence.trusted
    expected = expected_key(runtime, example)
    majority, count = vote(keys)
    agreeing = sum(1 for key in keys if key == expected)
    note = f"code {agreeing}/{drawn}"
    agreement = f"{example.agreement}, {note}" if example.agreement else note
    replace = (  # never where an implementation of the rules gives the example's own output: the 1.5B model's
        # LoanPayment said 500.0 for 500 at 0 % over 1 month, one implementation agreed, two that read "principal /
        # months when the rate is 0" as r = 1 / months gave 1000.0 and would have outvoted it
        is_value(trusted)
        and trusted != expected
        and example.error is None
        and example.source != "prompt"
        and agreeing == 0
    )
    values = [key for key in keys if is_value(key)]
    alone = not error_supported(example, operation, prompt)
    if example.error is not None and alone and majority is not None and len(values) == count == drawn >= 2:
        output = json.loads(majority)
        report.changed.append(
            f"{operation.name} example {operation.examples.index(example) + 1}: the model's spec said "
            f"{example.input} raises {example.error}, which neither the prompt's error rules nor another sample "
            f"support; all {len(values)} implementations of its rules give {output}: the example now says so"
        )
        report.support(count, drawn)
        return from_code(example, output, f"code {count}/{drawn}", case="edge")
    raised = majority.removeprefix("error ") if majority and majority.startswith("error ") else None
    if (
        raised
        and example.error is None
        and example.source != "prompt"
        and count == drawn >= 2
        and evidence.values_elsewhere  # code that raises wherever the spec has a value shares a bug: the 1.5B model's
        # DeployPlan, three depth-first sorts that took any step seen twice for a cycle, raised on every plan
        and error_rules(prompt, raised, len(operation.error_codes))
    ):  # the 1.5B model's InventoryLookup: a sku missing from an empty table gave 0 there, RESOURCE_NOT_FOUND below
        report.changed.append(
            f"{operation.name} example {operation.examples.index(example) + 1}: the model's spec said "
            f"{example.input} gives {example.output}; all {count} implementations of its rules raise {raised}, "
            "the error the prompt states: the example now says so"
        )
        report.support(count, drawn)
        prefix = f"{example.agreement}, " if example.agreement else ""
        votes = f"{prefix}code {count}/{drawn} (the error is the code's)"
        return example.model_copy(update={"output": None, "error": raised, "case": "error", "agreement": votes})
    if not replace or trusted is None:
        report.support(agreeing, drawn)
        return example.model_copy(update={"agreement": agreement})
    output = json.loads(trusted)
    index = operation.examples.index(example) + 1
    report.changed.append(
        f"{operation.name} example {index}: the model's spec said {example.output}; {evidence.size} of {drawn} "
        f"implementations of its rules, agreeing on every example, give {output}: the example now says so"
    )
    report.support(evidence.size, drawn)
    return from_code(example, output, f"code {evidence.size}/{drawn}")


def from_code(
    example: ModelSpecExample, output: dict[str, Any], votes: str, case: str | None = None
) -> ModelSpecExample:
    """``example`` giving the implementations' ``output``, and saying so in its agreement."""
    prefix = f"{example.agreement}, " if example.agreement else ""
    update = {"output": output, "error": None, "agreement": f"{prefix}{votes} (the output is the code's)"}
    return example.model_copy(update=update | ({"case": case} if case else {}))


__all__ = ["Evidence", "OutputsReport", "decide", "error_supported", "expected_key", "from_code", "is_value", "vote"]
