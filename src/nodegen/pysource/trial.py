"""What a model writes around its answer only to try it out (a ``__main__`` guard, ``print(f(3))``, an example run
after the function): not code of the user's module, so the answer reader drops it."""

from __future__ import annotations

import ast


def is_trial_run(stmt: ast.stmt) -> bool:
    """A call or an assert at module level (``print(f(3))``, ``assert f(3) == 9``): the model trying its function out,
    like a ``__main__`` guard, not code of the module; dropped."""
    return isinstance(stmt, ast.Assert) or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call))


def trial_tail(statements: list[ast.stmt], top: ast.stmt, target_name: str) -> set[int]:
    """The statements after the target's def (``top``) when they only try it out: assignments, calls and asserts up
    to the end, one of them calling the target (``records = [...]``, ``print(f(records))``); dropped like a trial run.
    Code the function needed would not come after it; if it did, the names check says the name is undefined."""
    tail = statements[statements.index(top) + 1 :]
    if not tail or not all(_only_tries_out(stmt) for stmt in tail):
        return set()
    calls = any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == target_name
        for stmt in tail
        for node in ast.walk(stmt)
    )
    return {id(stmt) for stmt in tail} if calls else set()


def _only_tries_out(stmt: ast.stmt) -> bool:
    """An assignment, a call or an assert, or a ``try`` or ``for`` made only of those (``try: print(f(x))`` with
    ``except ValueError as e: print(e)``, ``for case in cases: print(f(case))``)."""
    if isinstance(stmt, ast.Assign | ast.AnnAssign | ast.Expr | ast.Assert):
        return True
    if isinstance(stmt, ast.Try):
        blocks = [stmt.body, stmt.orelse, stmt.finalbody, *(handler.body for handler in stmt.handlers)]
    elif isinstance(stmt, ast.For):
        blocks = [stmt.body, stmt.orelse]
    else:
        return False
    return all(_only_tries_out(inner) for block in blocks for inner in block)


def is_main_guard(stmt: ast.stmt) -> bool:
    test = stmt.test if isinstance(stmt, ast.If) else None
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and any(isinstance(c, ast.Constant) and c.value == "__main__" for c in test.comparators)
    )


__all__ = ["is_main_guard", "is_trial_run", "trial_tail"]
