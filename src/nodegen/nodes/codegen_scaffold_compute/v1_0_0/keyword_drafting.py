"""The fallback when no model can be asked: a draft spec from the prompt's own words (the kind its words suggest,
the name and the typed fields it spells out, one operation described by the prompt), for the user to complete with
examples. It never passes the checks by itself: a spec without examples builds nothing."""

from __future__ import annotations

import re
from typing import Any

from .models import EnumNodeKind, to_snake
from .prompt_naming import kind_hint, prompt_names

_TYPES = {
    "str": "str",
    "string": "str",
    "date": "str",
    "datetime": "str",
    "int": "int",
    "integer": "int",
    "float": "float",
    "number": "float",
    "bool": "bool",
    "boolean": "bool",
    "list": "list",
    "dict": "dict",
}
_TYPED = re.compile(r"\b([a-z_][a-z0-9_]*)\s*\(\s*([A-Za-z]+)", re.IGNORECASE)
_RESPONSE_WORDS = re.compile(r"\b(response|returns?|outputs?|gives?|result)\b", re.IGNORECASE)
_FILLER = {
    "a", "an", "the", "node", "generate", "create", "build", "make", "write", "new", "please", "for", "that",
    "which", "with", "and", "of", "to", "named", "called", "effect", "compute", "reducer", "orchestrator",
}


def _name(prompt: str, kind: EnumNodeKind) -> str:
    words = [w for w in re.findall(r"[a-z][a-z0-9]*", prompt.lower()) if w not in _FILLER]
    return "".join(word.capitalize() for word in words[:3]) or kind.value.capitalize() + "Task"


def keyword_draft(prompt: str, kind: EnumNodeKind | None = None, name: str | None = None) -> dict[str, Any]:
    """A draft spec (plain data, YAML-ready) from the prompt's words; ``kind`` and ``name`` override."""
    chosen_kind = kind or kind_hint(prompt)
    spelled = prompt_names(prompt)
    chosen_name = name or spelled.node_name or _name(prompt, chosen_kind)
    request: dict[str, str] = {}
    response: dict[str, str] = {}
    for sentence in re.split(r"(?<=[.;])\s+", prompt):
        target = response if _RESPONSE_WORDS.search(sentence) else request
        for field, type_word in _TYPED.findall(sentence):
            if type_word.lower() in _TYPES and field not in request and field not in response:
                target[field] = _TYPES[type_word.lower()]
    return {
        "kind": chosen_kind.value,
        "name": chosen_name,
        "description": " ".join(prompt.split())[:200],
        "request": request,
        "response": response,
        "operations": [{"name": to_snake(chosen_name), "description": " ".join(prompt.split()), "examples": []}],
        "prompt": prompt,
        "written_by": "keywords",
    }


__all__ = ["keyword_draft"]
