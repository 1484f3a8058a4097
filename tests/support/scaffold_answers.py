"""Correct bodies for the business method of each scaffolded node kind, as a scripted model would answer them, and a
responder for the loopback server that answers requirement and implementation requests."""

from __future__ import annotations

import json
import re

from nodegen.nodes.codegen_scaffold_compute.v1_0_0.requirements import analyse
from tests.support.llm_server import Received, Reply

BODIES = {
    "_process_records": """results = []
skipped = 0
for record in request.records:
    if not record and request.drop_empty:
        skipped += 1
        continue
    results.append({str(key).strip().lower(): value for key, value in record.items()})
return Model{name}Response(results=results, processed_count=len(results), skipped_count=skipped)
""",
    "_summarize": """values = list(request.values)
if not values:
    return Model{name}Response(count=0, total=0.0, mean=None, minimum=None, maximum=None)
total = sum(values)
digits = request.precision
return Model{name}Response(
    count=len(values),
    total=round(total, digits),
    mean=round(total / len(values), digits),
    minimum=round(min(values), digits),
    maximum=round(max(values), digits),
)
""",
    "_reduce": """totals: dict[str, float] = {}
counts: dict[str, int] = {}
skipped = 0
for event in request.events:
    key = event.get("key")
    value = event.get("value")
    if not isinstance(key, str) or isinstance(value, bool) or not isinstance(value, int | float):
        skipped += 1
        continue
    totals[key] = totals.get(key, 0.0) + float(value)
    counts[key] = counts.get(key, 0) + 1
return Model{name}Response(totals=dict(sorted(totals.items())), counts=dict(sorted(counts.items())), skipped=skipped)
""",
    "_plan": """steps = list(dict.fromkeys(request.steps))
known = set(steps)
order: list[str] = []
state: dict[str, int] = {}

def visit(step: str) -> None:
    if state.get(step) == 2:
        return
    if state.get(step) == 1:
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.VALIDATION_ERROR, message=f"dependency cycle through step {step!r}"
        )
    state[step] = 1
    for dependency in request.dependencies.get(step, []):
        if dependency in known:
            visit(dependency)
    state[step] = 2
    order.append(step)

for step in steps:
    visit(step)
return Model{name}Response(order=order, count=len(order))
""",
}

_TARGET = re.compile(r"(?:Implement|whole method) `Node(\w+?)(Effect|Compute|Reducer|Orchestrator)\.(\w+)`")


def scaffold_responder(received: Received) -> Reply:
    """Requirements as the keyword analysis would give them (so a replayed run renders the same files); correct
    bodies for implementation requests; a lazy answer otherwise."""
    if "You turn a request for an ONEX" in received.system_text:
        prompt = received.last_user_text.removeprefix("Request: ")
        requirements = analyse(prompt).model_dump(mode="json", exclude={"input_fields", "output_fields", "source"})
        return Reply(text=json.dumps(requirements))
    found = _TARGET.search(received.last_user_text)
    if found and found.group(3) in BODIES:
        body = BODIES[found.group(3)].replace("{name}", found.group(1))
        return Reply(text=f"```python\n{body}```", input_tokens=1500, output_tokens=120)
    return Reply(text="pass")
