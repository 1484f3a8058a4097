"""What goes back to the model after a failed attempt: the findings as it reads them, and the conversation of the
next attempt."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from nodegen.llm import EnumChatRole, ModelChatMessage
from nodegen.llm.redact import redact_code
from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import ModelValidationFinding
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.models import ModelMethodStub

RetryStyle = Literal["repair", "resample"]


def repair_message(stub: ModelMethodStub, problems: str) -> str:
    """The message after a failed attempt: the findings verbatim (failing examples among them), and what to answer.
    The previous answer stands just above it in the conversation."""
    return (
        f"That code for `{stub.qualified_name}` was not accepted:\n{problems}\n\n"
        "Fix every problem listed (do not answer with the same code again). Answer with the whole corrected "
        f"function `{stub.name}` in one ```python block, imports at the top of the block."
    )


def retry_messages(
    first: ModelChatMessage,
    stub: ModelMethodStub,
    answer: str,
    problems: str,
    failed_attempt: int,
    *,
    style: RetryStyle = "repair",
) -> list[ModelChatMessage]:
    """The conversation of the attempt after ``failed_attempt``. ``repair``: the first repair shows the answer that
    failed and its findings; later ones start again from the first prompt with the last findings added and without
    the failed code. ``resample``: the first prompt again, as it was (a fresh sample at the retry temperature and
    another seed; for a local model, llama.cpp's prefix cache serves the whole prompt). Measured with the in-process
    0.5B model on HumanEval answers that failed their examples: shown its failed answer and the findings it fixed
    none of them, the first prompt with the findings added fixed fewer than the first prompt alone, and cost more.
    The findings still decide: an answer is written only once they are gone."""
    if style == "resample":
        return [first]
    if failed_attempt <= 1:
        return [
            first,
            ModelChatMessage(role=EnumChatRole.ASSISTANT, content=answer or "(empty answer)"),
            ModelChatMessage(role=EnumChatRole.USER, content=repair_message(stub, problems)),
        ]
    head, _, tail = first.content.rpartition("\n\n")
    note = f"Earlier answers were not accepted; the last one because:\n{problems}\nWrite it another way."
    content = f"{head}\n\n{note}\n\n{tail}" if head else f"{note}\n\n{tail}"
    return [ModelChatMessage(role=EnumChatRole.USER, content=content)]


def render_findings(findings: Sequence[ModelValidationFinding]) -> str:
    """Findings as the model reads them: one per line, each followed by the source line it is on; secrets in them
    (what a sandboxed run printed or read, a line of the file) masked, as in the prompt."""
    lines = []
    for finding in findings:
        lines.append(f"- {finding.render()}")
        if finding.snippet:
            lines.append(f"    > {finding.snippet.strip()}")
    return redact_code("\n".join(lines))


__all__ = ["RetryStyle", "render_findings", "repair_message", "retry_messages"]
