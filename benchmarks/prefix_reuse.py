"""Prompt tokens the local model evaluates per stub on a class of many methods, with llama.cpp's prefix reuse (a file's
stubs one after another on one loaded model: what consecutive prompts share is read once) and without it (the model's
state reset before every call, so each prompt is read whole). One attempt per stub: this measures reading, not
quality."""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.clients import ObservingClient
from benchmarks.humaneval_model import settings_for
from nodegen.llm import LLMClient, ModelCompletion, ModelCompletionRequest, WrappedClient
from nodegen.nodes.codegen_orchestrator.v1_0_0 import NodeCodegenOrchestrator
from nodegen.nodes.codegen_orchestrator.v1_0_0.models import EnumStubStatus
from nodegen.onex import ModelContainer

METHODS = [  # name, return type, docstring summary, example call, its expected output
    ("word_count", "int", "The number of words in the text.", "Text('a b  c').word_count()", "3"),
    ("letter_count", "int", "How many characters are letters.", "Text('ab c!').letter_count()", "3"),
    ("longest_word", "str", "The longest word (first on a tie).", "Text('a bbb cc').longest_word()", "'bbb'"),
    ("vowel_count", "int", "How many letters are vowels.", "Text('Hello').vowel_count()", "2"),
    ("capitalized", "list[str]", "Words that start with a capital.", "Text('Ann met bob').capitalized()", "['Ann']"),
    ("average_word_length", "float", "Mean word length (0.0: none).", "Text('a abc').average_word_length()", "2.0"),
    ("most_common_word", "str", "The most frequent word, lower-cased.", "Text('a B b').most_common_word()", "'b'"),
    ("is_palindrome", "bool", "Palindrome (case, spaces ignored).", "Text('Step on no pets').is_palindrome()", "True"),
]


def class_file() -> str:
    parts = [
        '"""Statistics of a text."""\n\nfrom __future__ import annotations\n\n\nclass Text:\n'
        '    """Counts and measures over one text, split on whitespace."""\n\n'
        "    def __init__(self, text: str) -> None:\n        self.text = text\n        self.words = text.split()\n"
    ]
    for name, returns, summary, call, expected in METHODS:
        parts.append(
            f'\n    def {name}(self) -> {returns}:\n        """{summary}\n\n        >>> {call}\n        {expected}\n'
            '        """\n'
            "        # IMPLEMENTATION REQUIRED\n        pass\n"
        )
    return "".join(parts)


def _local_model(client: LLMClient) -> Any:
    """The shared llama.cpp model behind a local provider (through any wrappers), or None for another provider."""
    current: Any = client
    while current is not None:
        shared = getattr(current, "shared", None)
        if callable(shared):
            return shared()
        current = getattr(current, "inner", None)
    return None


def reset_state(client: LLMClient) -> bool:
    """Forget the local model's evaluated tokens (``Llama.reset``): the next prompt is read from its first token."""
    model = _local_model(client)
    if model is None:
        return False
    model.reset()
    return True


class FreshStateClient(WrappedClient):
    """Resets the local model's state before every call: no prefix is reused."""

    async def complete(self, request: ModelCompletionRequest) -> ModelCompletion:
        reset_state(self.inner)
        return await self.inner.complete(request)

    async def aclose(self) -> None:
        """The benchmark owns the model: it closes it once, at the end."""


async def _fill(client: ObservingClient, llm: str, where: Path) -> dict[str, Any]:
    path = where / "text_stats.py"
    path.write_text(class_file(), encoding="utf-8")
    settings = settings_for(where, llm, state_dir=str(where / ".nodegen"), max_attempts=1, generation_concurrency=1)
    client.calls.clear()
    started = time.perf_counter()
    result = await NodeCodegenOrchestrator(
        ModelContainer.from_settings(settings, services={"llm_client": client})
    ).execute_orchestration({"input_state": {"files": [str(path)]}})
    calls = list(client.calls)
    evaluated = [call.evaluated_tokens for call in calls]
    return {
        "stubs": len(result.stubs),
        "filled": result.count(EnumStubStatus.FILLED),
        "calls": len(calls),
        "prompt_tokens": [call.input_tokens for call in calls],
        "evaluated": evaluated,
        "seconds": round(time.perf_counter() - started, 1),
        "model_seconds": round(sum(call.latency_ms for call in calls) / 1000, 1),
    }


async def run(model: LLMClient, llm: str) -> dict[str, Any]:
    """Both runs on the same loaded model; the state is reset before the first run too (a fresh process)."""
    if _local_model(model) is None:
        return {"error": f"{model.identity} is not a local llama.cpp model: prefix reuse is not measured"}
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="nodegen-bench-prefix-") as tmp:
        runs = (("with reuse", ObservingClient(model)), ("without", ObservingClient(FreshStateClient(model))))
        for label, client in runs:
            reset_state(model)
            folder = Path(tmp) / "project" / "src"  # the same path (the prompt shows it) in both runs
            shutil.rmtree(folder.parent, ignore_errors=True)
            folder.mkdir(parents=True)
            out[label] = await _fill(client, llm, folder)
            print(f"[prefix reuse] {label}: {out[label]}", flush=True)
    return out


def render(result: dict[str, Any], llm: str) -> str:
    if "error" in result:
        return result["error"]
    lines = [
        f"Provider `{llm}`; one file, class `Text` with {len(METHODS)} method stubs filled one after another "
        '(one attempt each); "without" resets the model\'s state (`Llama.reset()`) before every call.',
        "",
        "| run | stubs filled | prompt tokens per stub (mean) | evaluated per stub (mean / median) | evaluated total | "
        "model seconds | run seconds |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, row in result.items():
        evaluated = [value for value in row["evaluated"] if isinstance(value, int)]
        mean_prompt = statistics.mean(row["prompt_tokens"]) if row["prompt_tokens"] else 0
        shown = (
            f"{statistics.mean(evaluated):.0f} / {statistics.median(evaluated):.0f}" if evaluated else "not reported"
        )
        lines.append(
            f"| {label} | {row['filled']}/{row['stubs']} | {mean_prompt:.0f} | {shown} | "
            f"{sum(evaluated) if evaluated else '-'} | {row['model_seconds']} | {row['seconds']} |"
        )
    return "\n".join(lines)
