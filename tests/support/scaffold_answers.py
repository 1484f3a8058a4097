"""Correct bodies for the business function of each scaffolded node kind, as a scripted model would answer them, and a
responder for the loopback server that answers requirement and implementation requests."""

from __future__ import annotations

import json
import re

from nodegen.nodes.codegen_scaffold_compute.v1_0_0.requirements import analyse
from tests.support.llm_server import Received, Reply

BODIES = {
    "_clean_records": """results = []
skipped = 0
for record in records:
    if not record and drop_empty:
        skipped += 1
        continue
    results.append({str(key).strip().lower(): value for key, value in record.items()})
return results, skipped
""",
    "_summary": """if not values:
    return 0, 0.0, None, None, None
total = sum(values)
return (
    len(values),
    round(float(total), precision),
    round(total / len(values), precision),
    round(float(min(values)), precision),
    round(float(max(values)), precision),
)
""",
    "_sum_per_key": """totals: dict[str, float] = {}
counts: dict[str, int] = {}
skipped = 0
for event in events:
    key = event.get("key")
    value = event.get("value")
    if not isinstance(key, str) or isinstance(value, bool) or not isinstance(value, int | float):
        skipped += 1
        continue
    totals[key] = totals.get(key, 0.0) + float(value)
    counts[key] = counts.get(key, 0) + 1
return dict(sorted(totals.items())), dict(sorted(counts.items())), skipped
""",
    "_plan_steps": """unique = list(dict.fromkeys(steps))
known = set(unique)
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
    for dependency in dependencies.get(step, []):
        if dependency in known:
            visit(dependency)
    state[step] = 2
    order.append(step)

for step in unique:
    visit(step)
return order
""",
}

_TARGET = re.compile(r"(?:Implement|whole function) `(\w+)`")


def scaffold_responder(received: Received) -> Reply:
    """Requirements as the keyword analysis would give them (so a replayed run renders the same files); correct
    bodies for implementation requests; a lazy answer otherwise."""
    if "You turn a request for an ONEX" in received.system_text:
        prompt = received.last_user_text.removeprefix("Request: ")
        requirements = analyse(prompt).model_dump(mode="json", exclude={"input_fields", "output_fields", "source"})
        return Reply(text=json.dumps(requirements))
    found = _TARGET.search(received.last_user_text)
    if found and found.group(1) in BODIES:
        body = BODIES[found.group(1)]
        return Reply(text=f"```python\n{body}```", input_tokens=1500, output_tokens=120)
    return Reply(text="pass")
