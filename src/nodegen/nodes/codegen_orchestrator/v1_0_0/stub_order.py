"""The order a file's stubs are filled in, and which stubs wait for which (issue 26: class methods).

A method's examples run against its class as it would be written (the workflow puts each method that passed in
place), and its prompt shows the class as the file holds it. So a method waits for the methods of its class it
depends on: ``__init__`` (the state every method reads) and the sibling stubs its docstring calls
(``lw.add_word('a')`` in an example, ``self.add_word`` in its text). On ClassEval's dev half, 38 of 211 methods call a
sibling in their docstring: filled before it, such a method's examples call a stub that does nothing, and its
prompt shows the sibling as a signature only.

A cycle (two methods whose examples call each other) is broken where a walk in the file's order first meets it: the
first of them in the file waits for the others. Stubs with nothing to wait for keep the file's order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.models import ModelMethodStub


def _class_of(stub: ModelMethodStub) -> str | None:
    """The qualified name of the class whose method ``stub`` is (None for a function, or a function nested in one)."""
    if not stub.enclosing_classes or stub.enclosing_function is not None:
        return None
    return stub.qualified_name.rpartition(".")[0]


_CALLED = re.compile(r"\.([A-Za-z_]\w*)|\b([A-Za-z_]\w*)\s*\(")


def _called(docstring: str) -> set[str]:
    """The names ``docstring`` calls or reaches as an attribute (``.name`` or ``name(``)."""
    return {attribute or called for attribute, called in _CALLED.findall(docstring)}


def dependencies(stubs: Sequence[ModelMethodStub]) -> dict[str, set[str]]:
    """For each stub (by qualified name), the stubs of its class it depends on, before cycles are broken."""
    by_class: dict[str, list[ModelMethodStub]] = {}
    for stub in stubs:
        owner = _class_of(stub)
        if owner is not None:
            by_class.setdefault(owner, []).append(stub)
    needs: dict[str, set[str]] = {stub.qualified_name: set() for stub in stubs}
    for methods in by_class.values():
        init = next((m for m in methods if m.name == "__init__"), None)
        for stub in methods:
            if stub is init:
                continue
            wanted = needs[stub.qualified_name]
            if init is not None:
                wanted.add(init.qualified_name)
            called = _called(stub.docstring or "")
            wanted.update(m.qualified_name for m in methods if m is not stub and m.name in called)
    return needs


def fill_order(stubs: Sequence[ModelMethodStub]) -> list[tuple[ModelMethodStub, set[str]]]:
    """``stubs`` in the order they are started, each with the stubs (qualified names) that must be finished
    first: each stub right after what it depends on (a depth-first walk in source order), the others in source
    order. A cycle is broken where the walk meets it: its stub first in the file waits for the others. Every stub
    a stub waits for comes before it, so the first stub not yet started can always start once the stubs under way
    are finished."""
    needs = dependencies(stubs)
    by_name = {stub.qualified_name: stub for stub in stubs}
    if len(by_name) != len(stubs) or not any(needs.values()):
        return [(stub, set()) for stub in stubs]  # two stubs of one name (conditional definitions): file order
    position = {stub.qualified_name: index for index, stub in enumerate(stubs)}
    done: set[str] = set()
    entered: set[str] = set()
    order: list[tuple[ModelMethodStub, set[str]]] = []
    for root in stubs:
        if root.qualified_name in entered:  # placed already, as what an earlier stub depends on
            continue
        stack = [(root.qualified_name, iter(sorted(needs[root.qualified_name], key=position.__getitem__)))]
        entered.add(root.qualified_name)
        while stack:
            name, pending = stack[-1]
            following = next((n for n in pending if n not in entered), None)  # an entered one: done, or a cycle
            if following is not None:
                entered.add(following)
                stack.append((following, iter(sorted(needs[following], key=position.__getitem__))))
                continue
            stack.pop()
            order.append((by_name[name], needs[name] & done))
            done.add(name)
    return order


__all__ = ["dependencies", "fill_order"]
