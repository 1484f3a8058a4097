"""Keyword analysis of a prompt: the node kind, names, domain, operations and features, when no model is asked (or
its answer is unusable). Pure."""

from __future__ import annotations

import keyword
import re

from .kinds import KINDS
from .models import EnumNodeKind, ModelNodeRequirements

_KIND_WORDS: list[tuple[EnumNodeKind, tuple[str, ...]]] = [
    (EnumNodeKind.ORCHESTRATOR, ("orchestrator", "orchestrate", "workflow", "coordinat", "pipeline", "schedul")),
    (EnumNodeKind.REDUCER, ("reducer", "reduce", "aggregat", "accumulat", "tally", "rollup")),
    (EnumNodeKind.COMPUTE, ("compute", "calculat", "statistic", "pure", "math", "score")),
    (EnumNodeKind.EFFECT, ("effect", "processor", "api", "database", "http", "file", "fetch", "store", "writer")),
]
_FILLER = {
    "a",
    "an",
    "the",
    "node",
    "nodes",
    "generate",
    "create",
    "build",
    "make",
    "write",
    "new",
    "please",
    "for",
    "that",
    "which",
    "with",
    "and",
    "or",
    "to",
    "of",
    "in",
    "on",
    "from",
    "into",
    "by",
    "onex",
    "v2",
    "me",
    "i",
    "want",
    "need",
    "effect",
    "compute",
    "reducer",
    "orchestrator",
    "python",
}
_FEATURES = {
    "retry": "retries",
    "retries": "retries",
    "cache": "caching",
    "caching": "caching",
    "validat": "validation",
    "log": "logging",
    "metric": "metrics",
    "batch": "batching",
    "async": "async",
    "stream": "streaming",
}


def _kind(words: list[str]) -> EnumNodeKind:
    for kind, _ in _KIND_WORDS:  # the explicit kind word wins over hints: check exact names first
        if kind.value in words:
            return kind
    for kind, stems in _KIND_WORDS:
        if any(word.startswith(stem) for word in words for stem in stems):
            return kind
    return EnumNodeKind.EFFECT


def to_snake(name: str) -> str:
    """``DataProcessor`` -> ``data_processor``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def valid_name(name: str) -> bool:
    """A PascalCase identifier that is not a keyword."""
    return bool(re.fullmatch(r"[A-Z][A-Za-z0-9]*", name)) and not keyword.iskeyword(name)


def describe(prompt: str) -> str:
    """ "Generate a data processor effect node" -> "Data processor effect node."."""
    verb = r"^\s*(please\s+)?(generate|create|build|make|write)\s+(me\s+)?(an?|the)?\s*"
    text = re.sub(verb, "", prompt.strip(), flags=re.IGNORECASE)
    text = text.strip().rstrip(".") or prompt.strip()
    return text[:1].upper() + text[1:] + "."


def analyse(prompt: str, *, node_type: EnumNodeKind | None = None, name: str | None = None) -> ModelNodeRequirements:
    """Requirements from the words of ``prompt``; ``node_type`` and ``name`` override."""
    words = re.findall(r"[a-z][a-z0-9]*", prompt.lower())
    kind = node_type or _kind(words)
    meaningful = [
        word for word in words if word not in _FILLER and not any(word.startswith(stem) for stem in _FEATURES)
    ]
    chosen = name or "".join(word.capitalize() for word in meaningful[:3]) or kind.value.capitalize() + "Task"
    template = KINDS[kind]
    features = sorted({feature for word in words for stem, feature in _FEATURES.items() if word.startswith(stem)})
    return ModelNodeRequirements(
        node_type=kind,
        name=chosen,
        service_name=to_snake(chosen),
        domain=meaningful[0] if meaningful else "general",
        description=describe(prompt),
        operations=[template.method.lstrip("_")],
        features=features,
        input_fields=list(template.input_fields),
        output_fields=list(template.output_fields),
        source="keywords",
    )


__all__ = ["analyse", "describe", "to_snake", "valid_name"]
