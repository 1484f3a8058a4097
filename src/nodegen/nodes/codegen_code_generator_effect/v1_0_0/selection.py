"""Choosing a stub's code among several candidates by execution agreement.

Once a candidate passes every check (its examples included), more are drawn, up to ``candidates`` in all from that
one on; each that passes ran the stub's probes (``nodegen.pysource.probes``) in the same sandbox run as its examples.
Passing candidates that print or raise the same on every probe form a group; the largest group wins, a tie going to
the group drawn first (the greedy answer's when it passed). Drawing stops as soon as no group can overtake the leader
with the draws left, so a stub whose first two candidates agree costs two draws, not ``candidates``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace

from nodegen.nodes.codegen_code_validator_effect.v1_0_0 import stub_examples
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.models import ModelMethodStub
from nodegen.pysource.probes import derive_probes

from .attempt import Attempt
from .models import ModelCandidateSelection
from .prompting import FileContext, stub_node_of


@dataclass(frozen=True, slots=True)
class Passed:
    """A candidate that passed: its attempt number, what it was, and what it printed or raised on each probe."""

    attempt: int
    code: Attempt
    outputs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Selection:
    """One stub's draws from its first passing candidate on (immutable: ``draw`` gives the next one)."""

    candidates: int  # draws wanted from the first pass on, that one included
    probes: tuple[str, ...]
    passed: tuple[Passed, ...] = ()
    drawn: int = 0

    @property
    def started(self) -> bool:
        """A candidate has passed: every further draw is one of the selection's."""
        return bool(self.passed)

    def draw(self, attempt: int, code: Attempt | None, outputs: list[str] | None) -> Selection:
        """The selection with one more draw: ``code`` when it passed (with its probe outputs), None when it did
        not."""
        passed = self.passed if code is None else (*self.passed, Passed(attempt, code, tuple(outputs or ())))
        return replace(self, passed=passed, drawn=self.drawn + 1 if passed else self.drawn)

    def _groups(self) -> list[list[Passed]]:
        """Passing candidates by their outputs, each group in draw order, the groups by their first draw."""
        groups: dict[tuple[str, ...], list[Passed]] = {}
        for candidate in self.passed:
            groups.setdefault(candidate.outputs, []).append(candidate)
        return list(groups.values())

    def settled(self) -> bool:
        """No draw is left, or none of those left can change the winner."""
        left = self.candidates - self.drawn
        if left <= 0:
            return True
        groups = self._groups()
        leader = _leader(groups)
        if left > len(leader):  # a group of the draws still to come could outnumber it
            return False
        # another group that reaches the leader's size wins only if it was drawn first
        return all(
            len(group) + left < len(leader) + (leader[0].attempt < group[0].attempt)
            for group in groups
            if group is not leader
        )

    def choice(self) -> tuple[Passed, ModelCandidateSelection]:
        """The kept candidate (the first of the winning group) and the record of why."""
        groups = self._groups()
        leader = _leader(groups)
        chosen = leader[0]
        sizes = sorted((len(group) for group in groups), reverse=True)
        probes = len(self.probes)
        if len(groups) == 1:
            reason = f"all {len(leader)} passing candidates agree on {probes} probe(s)"
        elif sizes.count(len(leader)) > 1:
            reason = f"groups tie at {len(leader)} candidate(s): the first one drawn is kept"
        else:
            reason = f"the largest group agreeing on {probes} probe(s): {len(leader)} of {len(self.passed)} passing"
        record = ModelCandidateSelection(
            candidates_drawn=self.drawn,
            candidates_passed=len(self.passed),
            group_sizes=sizes,
            probes=probes,
            chosen_attempt=chosen.attempt,
            reason=reason,
        )
        return chosen, record


def selection_for(stub: ModelMethodStub, context: FileContext, candidates: int) -> Selection | None:
    """Several candidates chosen by execution, when ``candidates`` asks for more than one and the stub gives probes
    to compare them on (``nodegen.pysource.probes``: variants of its docstring examples, else typed calls)."""
    node = stub_node_of(stub, context.module) if candidates > 1 else None
    if node is None:
        return None
    try:
        found = stub_examples(node, stub.qualified_name)
    except ValueError:  # examples that do not parse: none run, so none to vary
        found = None
    owner = next((s.parent.node for s in context.module.scopes if s.node is node and s.parent is not None), None)
    sources = [example.source for example in found[2]] if found else []
    probes = derive_probes(node, stub.qualified_name, sources, owner if isinstance(owner, ast.ClassDef) else None)
    return Selection(candidates, tuple(probes)) if probes else None


def _leader(groups: list[list[Passed]]) -> list[Passed]:
    """The largest group; of equal ones, the one drawn first."""
    return max(groups, key=lambda group: (len(group), -group[0].attempt))


__all__ = ["Passed", "Selection", "selection_for"]
