"""What nodegen reads in a prompt without a model: the names it spells out (which the spec must keep exactly),
whether it states error rules, whether it asks for anything buildable or for something destructive, and the node
kind its words suggest. The keyword skeleton built from these is the fallback when no model can be asked."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from .models import EnumNodeKind, IOHint

_TYPE_WORDS = r"(?:str|string|int|integer|float|number|bool|boolean|list|dict|date|datetime|optional|literal)"
# "weight_kg (float)", "zone (str: ...)", "express (bool, default false)"
_TYPED_NAME = re.compile(rf"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(\s*{_TYPE_WORDS}\b", re.IGNORECASE)
_SNAKE = re.compile(r"(?<![\w.'\"/{-])([a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?![\w'\"(/}-])")
_NAMED = re.compile(r"\b(?:named|called)\s+`?([A-Z][A-Za-z0-9]*)`?")
_CAMEL = re.compile(r"\b([A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+)\b")
_ERROR_WORDS = re.compile(
    r"\b(error|errors|invalid|raise|raises|reject|rejects|refuse|refused|refuses|fails?|not allowed|must not)\b",
    re.IGNORECASE,
)
_KIND_WORDS: list[tuple[EnumNodeKind, tuple[str, ...]]] = [
    (EnumNodeKind.ORCHESTRATOR, ("orchestrat", "workflow", "coordinat", "pipeline", "schedul")),
    (EnumNodeKind.REDUCER, ("reducer", "reduce", "aggregat", "accumulat", "tally", "rollup")),
    (EnumNodeKind.COMPUTE, ("compute", "calculat", "statistic", "pure", "math", "score", "convert", "pric")),
    (EnumNodeKind.EFFECT, ("effect", "api", "database", "sqlite", "http", "file", "fetch", "store", "writ", "read")),
]
_BUILD_WORDS = re.compile(
    r"\b(node|effect|compute|reducer|orchestrator|request|response|returns?|takes?|inputs?|outputs?|calculates?|"
    r"computes?|reads?|writes?|fetch(es)?|stores?|aggregates?|sums?|counts?|converts?|validates?|parses?)\b",
    re.IGNORECASE,
)
_DESTRUCTIVE = re.compile(
    r"\b(delete|deletes|remove|removes|wipe|wipes|erase|erases|destroy|destroys|rm\s+-rf|shred|shreds)\b[^.]*?"
    r"(\bhome\b|\broot (?:folder|directory|file ?system)|\bthe system\b|\beverything\b|\ball files\b|"
    r"\bevery file\b|\bthe disk\b|/etc\b|/usr\b|(?<![\w/])/(?=\s|$)|~)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class PromptNames:
    """The node name (``named ShippingCost``), the names given a type (``weight_kg (float)``: fields) and the
    other snake_case names the prompt spells out (a field, an operation, an intent's target...)."""

    node_name: str | None
    fields: tuple[str, ...]
    names: tuple[str, ...] = ()


def prompt_names(prompt: str) -> PromptNames:
    """Names spelled out: ``named X``/``called X`` or a CamelCase word for the node; ``name (type)`` and
    snake_case words for fields."""
    named = _NAMED.search(prompt) or _CAMEL.search(prompt)
    node = named.group(1) if named else None
    if node is not None:
        for suffix in ("Effect", "Compute", "Reducer", "Orchestrator"):
            node = node.removesuffix(suffix) or node
        node = node.removeprefix("Node") or node
    typed = [m.group(1) for m in _TYPED_NAME.finditer(prompt) if m.group(1).isidentifier() and m.group(1)[0].islower()]
    snake = [m.group(1) for m in _SNAKE.finditer(prompt) if m.group(1) not in typed]
    return PromptNames(node, tuple(dict.fromkeys(typed)), tuple(dict.fromkeys(snake)))


_LISTS = re.compile(r"\b(request|response)\s+(?:has|holds|takes|gives)\b", re.IGNORECASE)
_LIST_END = re.compile(r"\.(?:\s|$)")
_COLUMNS = re.compile(r"\(\s*\w+\s+[A-Z]{3,}\b")  # "(sku TEXT, quantity INTEGER)": a table's columns


def listed_fields(prompt: str) -> dict[str, tuple[str, ...]]:
    """The fields a sentence "The request has a (int) and b (str: ...)." lists, for the request and the response:
    each name followed by its parenthesis, outside any other (``orders (a list of dicts with customer (str) ...)``
    lists ``orders``), up to the sentence's end or the other part's list; not a table named with its columns
    (``a table items (sku TEXT, quantity INTEGER)``). A part the prompt lists no field of is left out."""
    listed: dict[str, tuple[str, ...]] = {}
    starts = list(_LISTS.finditer(prompt))
    for index, found in enumerate(starts):
        names, depth, start = [], 0, found.end()
        end = _LIST_END.search(prompt, start)
        stop = min([end.start() if end else len(prompt), *(s.start() for s in starts[index + 1 : index + 2])])
        sentence = prompt[start:stop]
        for position, char in enumerate(sentence):
            if char == "(" and depth == 0:
                name = re.search(r"(\btables?\s+)?([A-Za-z_]\w*)\s*$", sentence[:position])
                columns = name and (name.group(1) or _COLUMNS.match(sentence, position))
                if name and not columns and not keyword.iskeyword(name.group(2)):
                    names.append(name.group(2))
            depth = max(depth + (char == "(") - (char == ")"), 0)
        part = found.group(1).lower()
        if names:
            listed[part] = (*listed.get(part, ()), *dict.fromkeys(names))
    return listed


_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?!\w)")


def numbers_in(text: str) -> list[float]:
    """The numbers written in ``text`` (``5.00``, ``60``, ``-1``), as values; not the digits of a name (``v2``)."""
    return [float(found.group(0)) for found in _NUMBER.finditer(text)]


def states_errors(prompt: str) -> bool:
    """The prompt states an error rule ("a negative weight is a validation error")."""
    return bool(_ERROR_WORDS.search(prompt))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def sentences(prompt: str) -> list[str]:
    """The prompt's sentences, stripped (a sentence ends at ``.``, ``!`` or ``?`` before a space)."""
    return [text.strip() for text in _SENTENCE_END.split(prompt) if text.strip()]


def error_rules(prompt: str, code: str, codes: int = 1) -> list[str]:
    """The prompt's sentences that state the error rule of ``code`` ("A negative weight or an unknown zone is a
    validation error." for VALIDATION_ERROR, "A missing file is a FILE_NOT_FOUND error."): those naming the code
    in words or as written; when the node raises ``codes`` == 1 code, any sentence stating an error."""
    words = code.lower().replace("_", " ")
    stated = [text for text in sentences(prompt) if _ERROR_WORDS.search(text)]
    named = [text for text in stated if code in text or words in " ".join(text.lower().split())]
    return named or (stated if codes == 1 else [])


def kind_hint(prompt: str) -> EnumNodeKind:
    """The kind the prompt's words suggest: its kind word, else the first hint, else effect."""
    words = re.findall(r"[a-z][a-z0-9]*", prompt.lower())
    for kind, _ in _KIND_WORDS:
        if kind.value in words:
            return kind
    for kind, stems in _KIND_WORDS:
        if any(word.startswith(stem) for word in words for stem in stems):
            return kind
    return EnumNodeKind.EFFECT


_IO_WORDS: list[tuple[IOHint, re.Pattern[str]]] = [
    ("sqlite", re.compile(r"\b(sqlite\w*|sql|database|db|table)\b", re.IGNORECASE)),
    ("http", re.compile(r"\b(http|https|httpx|url|base_url|api|endpoint|rest)\b", re.IGNORECASE)),
    ("csv", re.compile(r"\bcsv\b", re.IGNORECASE)),
]


def io_hint(prompt: str) -> IOHint:
    """The I/O the prompt's words suggest for an effect: SQLite, HTTP, a CSV file, else files."""
    return next((kind for kind, words in _IO_WORDS if words.search(prompt)), "files")


def unbuildable(prompt: str) -> str | None:
    """Why nodegen refuses the prompt before asking any model (None: it may be built)."""
    text = prompt.strip()
    if not text:
        return "the prompt is empty: describe the node (its kind, what its request holds and what it returns)"
    if len(re.findall(r"\w+", text)) < 3 or not _BUILD_WORDS.search(text):
        return (
            f'the prompt {text[:60]!r} asks for nothing nodegen can build: describe a node, e.g. "a compute node '
            'named ShippingCost; the request has weight_kg (float); the response has cost (float); ..."'
        )
    found = _DESTRUCTIVE.search(text)
    if found:
        return (
            f"the prompt asks for something destructive ({found.group(0)!r}): nodegen does not build nodes that "
            "delete or wipe data outside a folder the request names"
        )
    return None


__all__ = [
    "PromptNames",
    "error_rules",
    "io_hint",
    "kind_hint",
    "listed_fields",
    "numbers_in",
    "prompt_names",
    "sentences",
    "states_errors",
    "unbuildable",
]
