"""Finding the code in what a model says: fenced blocks (with or without a language tag, several of them, one cut
off at the end), prose before and after, reasoning in ``<think>`` tags, or bare code with no fence at all.

The result is the code to read as the answer (a whole ``def``, the class around it, or a bare body, with imports on
top); ``nodegen.pysource.read_answer`` then takes the body and the imports out of it.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from nodegen.pysource import AnswerError, parse_snippet

_THINKING = re.compile(r"<(think|thinking|reasoning)>.*?</\1>", re.DOTALL | re.IGNORECASE)
_PYTHON_TAGS = {"", "python", "py", "python3", "py3", "pycon", "ipython"}
_CODE_START = re.compile(
    r"^\s*(@|async\s+def\s|def\s|class\s|import\s|from\s+\S+\s+import\s|return\b|if\s|for\s|while\s|try:|with\s|"
    r"raise\b|yield\b|[A-Za-z_][\w.]*(\[[^\]]*\])?\s*(=|\+=|-=|:\s*\w))"
)
_MAX_TRAILING_TRIES = 40


class NoCodeError(Exception):
    """The answer holds no code."""


@dataclass(frozen=True, slots=True)
class _Block:
    tag: str
    code: str


def _fenced_blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        stripped = lines[index].strip()
        fence = stripped[:3]
        if fence not in ("```", "~~~"):
            index += 1
            continue
        marker = stripped[: len(stripped) - len(stripped.lstrip(fence[0]))]
        tag = stripped[len(marker) :].strip().split(" ")[0].lower() if stripped[len(marker) :].strip() else ""
        body: list[str] = []
        index += 1
        while index < len(lines):
            line = lines[index].strip()
            if line.startswith(marker) and not line[len(marker) :].strip():
                break
            body.append(lines[index])
            index += 1
        blocks.append(_Block(tag, "\n".join(body)))  # a block cut off at the end (no closing fence) counts too
        index += 1
    return blocks


def _tree(code: str) -> ast.Module | None:
    try:
        return parse_snippet(code)[1]
    except AnswerError:
        return None


def _defines(tree: ast.Module, name: str) -> bool:
    return any(
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name for node in ast.walk(tree)
    )


def _only_imports(tree: ast.Module) -> bool:
    return bool(tree.body) and all(isinstance(stmt, ast.Import | ast.ImportFrom) for stmt in tree.body)


def _is_code(tree: ast.Module) -> bool:
    """Not prose that happens to parse ("Sure", "Done."): some statement besides a lone name or constant."""
    return any(
        not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Name | ast.Constant | ast.Attribute))
        for stmt in tree.body
    )


def _from_blocks(blocks: list[_Block], name: str) -> str:
    python = [block for block in blocks if block.tag in _PYTHON_TAGS] or blocks
    parsed = [(block, _tree(block.code)) for block in python]
    defining = [block for block, tree in parsed if tree is not None and _defines(tree, name)]
    if defining:
        chosen = defining[-1]  # a model that shows a def twice shows its final version last
    else:
        usable = [block for block, tree in parsed if tree is not None and _is_code(tree) and not _only_imports(tree)]
        chosen = usable[0] if usable else max(python, key=lambda block: len(block.code))
    imports = [
        block.code.strip("\n")
        for block, tree in parsed
        if block is not chosen and tree is not None and _only_imports(tree)
    ]
    return "\n".join([*imports, chosen.code]) if imports else chosen.code


def _from_prose(text: str) -> str:
    lines = text.split("\n")
    starts = [index for index, line in enumerate(lines) if _CODE_START.match(line)]
    if not starts:
        raise NoCodeError
    start = starts[0]
    end = len(lines)
    for _ in range(_MAX_TRAILING_TRIES):
        candidate = "\n".join(lines[start:end])
        tree = _tree(candidate)
        if tree is not None and _is_code(tree):
            return candidate
        end -= 1
        while end > start and not lines[end - 1].strip():
            end -= 1
        if end <= start:
            break
    return "\n".join(lines[start:])  # code that does not parse: the validator names the syntax error


def extract_code(text: str, name: str) -> str:
    """The code of an answer for the function called ``name``; ``NoCodeError`` when it holds none."""
    text = _THINKING.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise NoCodeError
    blocks = [block for block in _fenced_blocks(text) if block.code.strip()]
    if blocks:
        return _from_blocks(blocks, name)
    tree = _tree(text)
    if tree is not None:
        if _is_code(tree):
            return text
        raise NoCodeError
    return _from_prose(text)


__all__ = ["NoCodeError", "extract_code"]
