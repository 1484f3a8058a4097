"""Which examples a docstring gives: doctest's ``>>>`` examples, calls of the function itself written with an
arrow, the way many docstrings show them (``add(2, 3) == 5``, ``f([1, 2]) -> [2, 1]``, ``is_odd(3) ➞ True``,
``count('aBc') returns 1``, ``f(5)  # => 120``, ``f(12, 15) = 14``), and examples that name the arguments
(``For lst = [1, 2] the output should be 5``; ``Input: arr = [4, 2], k = 1`` with ``Output: [4]`` on the next line).

Reading, never inventing: an arrow example is taken only when its whole call is the function's own name called with
literal arguments and everything after the arrow is one literal (a trailing ``.`` or ``# comment`` aside); anything
else on such a line (``f(n) = 1 + n / 2``, ``f(x) => true``, ``f(a) returns the sum``) is prose and is left alone. A
single ``=`` is read only in a docstring that does not define the function by equations: once it has a line such
as ``tri(n) = 1 + n / 2``, ``tri(1) = 3`` is a definition, not a result. A value in brackets that is not a tuple
(``("Venus")``) has two readings, so it is not read. An example that names its arguments is read only when the
names are exactly the function's parameters and every value is a literal (``Input: [4, 2]`` with no name: only for
a function of one parameter). Only a module-level function's such examples are read (a method's need an object the
docstring does not build). They hold when the call's value equals the literal (``==``, as the docstring writes
it); a ``None`` result prints nothing in doctest and matches ``None``.

Two readings of doctest examples that doctest takes too literally: a call written with no output line states no
value (whatever it prints holds; raising does not), and an output that states the object's attributes after a
method's call (``shoppingcart.add_item("apple", 1, 5)`` then ``self.items = {"apple": {...}}``, ClassEval's way) is
read as that: each attribute compared on the call's receiver (``shoppingcart.items == {...}``, which must hold).
Standard library only: the benchmark's judge reads examples with it.
"""

from __future__ import annotations

import ast
import doctest
import re
from collections.abc import Sequence
from dataclasses import dataclass

_ARROW = re.compile(r"\s*(?:#\s*)?(?:==>|=>|==|=(?![=>])|➞|→|->|should return|returns)\s*")
_NAMED_FOR = re.compile(r"^\s*for\s+(?P<call>.+?),?\s+the\s+(?:output|result)\s+should\s+be\s+(?P<want>.+)$", re.I)
_INPUT = re.compile(r"^\s*Input\s*:\s*(?P<call>.+)$")
_OUTPUT = re.compile(r"^\s*Output\s*:\s*(?P<want>.+)$")
_MOST_LINES = 12  # a call written over several lines (a nested list) ends within this many lines
_LINE_START = re.compile(r"\s*(?:>>>|\.\.\.)")


@dataclass(frozen=True, slots=True)
class DocExample:
    """One example: its source and expected output as doctest writes them, its line (0-based, in the docstring),
    and whether it compares values (an arrow example) rather than printed text."""

    source: str
    want: str
    lineno: int
    equal: bool = False
    any_output: bool = False  # the docstring states no output for it: whatever it prints holds (raising does not)


def _doctest_lines(docstring: str) -> tuple[list[DocExample], set[int]]:
    """doctest's own examples (``ValueError`` when they do not parse), and the lines they and their outputs cover."""
    examples: list[DocExample] = []
    covered: set[int] = set()
    for example in doctest.DocTestParser().get_examples(docstring):
        states = _state_after(example.source, example.want)
        if states is not None:
            examples.append(DocExample(example.source, "", example.lineno, any_output=True))
            examples += [DocExample(f"{state}\n", "", example.lineno) for state in states]
        else:
            unstated = not example.want.strip() and _is_call(example.source)
            examples.append(DocExample(example.source, example.want, example.lineno, any_output=unstated))
        span = example.source.count("\n") + example.want.count("\n")
        covered.update(range(example.lineno, example.lineno + max(span, 1)))
    return examples, covered


def _is_call(source: str) -> bool:
    """``source`` is one call (``obj.method(1)``), whose value a docstring may leave unshown."""
    try:
        return isinstance(ast.parse(source.strip(), mode="eval").body, ast.Call)
    except SyntaxError:
        return False


def _state_after(source: str, want: str) -> list[str] | None:
    """The comparisons an output stating attributes after a method's call means (``self.items = {...}`` after
    ``cart.add(...)``: ``cart.items == {...}``); None unless the source is one call on a name and the output is
    only assignments of literals to attributes of ``self`` or of that name (one or a tuple of them)."""
    if "=" not in want:
        return None
    try:
        call = ast.parse(source.strip(), mode="eval").body
        stated = ast.parse(want.strip()).body
    except SyntaxError:
        return None
    if not (
        isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)
    ):
        return None
    receiver = call.func.value.id
    checks: list[str] = []
    for statement in stated:
        if not isinstance(statement, ast.Assign) or len(statement.targets) != 1 or not _literal(statement.value):
            return None
        target, value = statement.targets[0], statement.value
        pairs = (
            list(zip(target.elts, value.elts, strict=True))
            if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts)
            else [(target, value)]
        )
        for name, stated_value in pairs:
            if not (
                isinstance(name, ast.Attribute)
                and isinstance(name.value, ast.Name)
                and name.value.id in ("self", receiver)
            ):
                return None
            checks.append(f"{receiver}.{name.attr} == {ast.unparse(stated_value)}")
    return checks or None


def _literal(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _literal_arguments(call: ast.Call) -> bool:
    """Every argument of ``call`` is a literal (no ``*args``, no names)."""
    arguments = [*call.args, *(keyword.value for keyword in call.keywords)]
    return all(not isinstance(argument, ast.Starred) and _literal(argument) for argument in arguments)


def _call_at(text: str, start: int, name: str) -> int | None:
    """The end of the call of ``name`` that begins at ``start``: the first closing bracket after which the text
    parses as that call with literal arguments (a bracket inside a string is passed over because it does not)."""
    limit = start
    for _ in range(_MOST_LINES):
        next_line = text.find("\n", limit)
        limit = len(text) if next_line < 0 else next_line + 1
    end = text.find(")", start)
    while 0 <= end < limit:
        try:
            node = ast.parse(text[start : end + 1].strip(), mode="eval").body
        except SyntaxError:
            node = None
        if isinstance(node, ast.Call):
            plain = isinstance(node.func, ast.Name) and node.func.id == name
            if plain and _literal_arguments(node):
                return end + 1
            return None
        end = text.find(")", end + 1)
    return None


def _expected(rest: str) -> str | None:
    """The literal after the arrow: the rest of the line, without a final ``.`` or a trailing ``# comment``."""
    rest = rest.strip()
    candidates = [rest.rstrip(".").rstrip(), rest, rest.split(" #", 1)[0].strip().rstrip(".").rstrip()]
    for candidate in candidates:
        if not candidate:
            continue
        try:
            node = ast.parse(candidate, mode="eval").body
        except SyntaxError:
            continue
        if _literal(node):
            text = ast.get_source_segment(candidate, node) or candidate
            if candidate.startswith("(") and not isinstance(node, ast.Tuple):
                return None  # ``("Venus")``: a one-tuple meant, or the string? not one literal's reading
            return text
    return None


def _defines_by_equations(docstring: str, name: str) -> bool:
    """Whether the docstring writes the function's own call with a non-literal argument before a single ``=``
    (``tri(n) = 1 + n / 2``): then its ``=`` lines are definitions."""
    for match in re.finditer(rf"(?<![\w.]){re.escape(name)}\s*\(([^()\n]*)\)\s*=(?![=>])", docstring):
        try:
            node = ast.parse(f"_({match.group(1)})", mode="eval").body
        except SyntaxError:
            return True
        if isinstance(node, ast.Call) and not _literal_arguments(node):
            return True
    return False


def _arrow_examples(docstring: str, name: str, covered: set[int]) -> list[DocExample]:
    found: list[DocExample] = []
    call = re.compile(rf"(?<![\w.]){re.escape(name)}\s*\(")
    line_starts = [0] + [m.end() for m in re.finditer("\n", docstring)]
    equations: bool | None = None
    for match in call.finditer(docstring):
        lineno = docstring.count("\n", 0, match.start())
        if lineno in covered or _LINE_START.match(docstring, line_starts[lineno]):
            continue
        end = _call_at(docstring, match.start(), name)
        if end is None:
            continue
        line_end = docstring.find("\n", end)
        rest = docstring[end : line_end if line_end >= 0 else len(docstring)]
        arrow = _ARROW.match(rest)
        if arrow is None or not arrow.group().strip():
            continue
        if arrow.group().strip() == "=":
            equations = _defines_by_equations(docstring, name) if equations is None else equations
            if equations:
                continue
        want = _expected(rest[arrow.end() :])
        if want is None:
            continue
        source = " ".join(part.strip() for part in docstring[match.start() : end].splitlines())
        found.append(DocExample(source + "\n", want + "\n", lineno, equal=True))
    return found


def _named_call(name: str, arguments: str, parameters: Sequence[str]) -> str | None:
    """``name(arguments)`` when ``arguments`` (``lst = [1, 2], k = 3``, or one bare literal for a function of one
    parameter) are literals that name exactly the function's parameters."""
    try:
        node = ast.parse(f"_({arguments.strip()})", mode="eval").body
    except SyntaxError:
        return None
    if not isinstance(node, ast.Call) or not parameters or not _literal_arguments(node):
        return None
    named = [keyword.arg for keyword in node.keywords]
    if node.args and not (len(node.args) == 1 and not named and len(parameters) == 1):
        return None
    if named and (None in named or len(set(named)) != len(named) or set(named) != set(parameters)):
        return None
    return f"{name}({arguments.strip().rstrip(',').strip()})"


def _named_examples(docstring: str, name: str, parameters: Sequence[str], covered: set[int]) -> list[DocExample]:
    found: list[DocExample] = []
    lines = docstring.split("\n")
    for lineno, line in enumerate(lines):
        if lineno in covered:
            continue
        source = want = None
        if matched := _NAMED_FOR.match(line):
            source, want = _named_call(name, matched["call"], parameters), _expected(matched["want"])
        elif matched := _INPUT.match(line):
            following = next((text for text in lines[lineno + 1 :] if text.strip()), "")
            if output := _OUTPUT.match(following):
                source, want = _named_call(name, matched["call"], parameters), _expected(output["want"])
        if source is not None and want is not None:
            found.append(DocExample(source + "\n", want + "\n", lineno, equal=True))
    return found


def parameter_names(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """The parameters an example may name: all of them, when every one can be passed by keyword."""
    arguments = function.args
    if arguments.posonlyargs or arguments.vararg or arguments.kwarg:
        return []
    return [argument.arg for argument in [*arguments.args, *arguments.kwonlyargs]]


def read_examples(docstring: str, function: str | None, parameters: Sequence[str] = ()) -> list[DocExample]:
    """The docstring's examples in line order: doctest's, then (for a module-level ``function``) its arrow examples
    and, given its ``parameters`` (``parameter_names``), those that name its arguments, on the lines doctest does not
    cover. ``ValueError`` when the doctest examples do not parse."""
    examples, covered = _doctest_lines(docstring) if ">>>" in docstring else ([], set())
    if function is not None and function.isidentifier():
        examples += _arrow_examples(docstring, function, covered)
        examples += _named_examples(docstring, function, parameters, covered)
    return sorted(examples, key=lambda example: example.lineno)


__all__ = ["DocExample", "parameter_names", "read_examples"]
