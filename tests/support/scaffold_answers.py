"""A scripted model for `nodegen new`: node specs (tests/support/specs/*.yaml) for the prompts that name them, and
correct bodies for their operations, as a loopback server would answer them."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.llm_server import Received, Reply

SPECS = Path(__file__).with_name("specs")
# A word of the prompt -> the spec the scripted model answers with.
PROMPT_SPECS = {
    "ShippingCost": "shipping_cost.yaml",
    "LineCounter": "line_counter.yaml",
    "InvoiceFetcher": "invoice_fetcher.yaml",
    "OrderTotals": "order_totals.yaml",
    "DeployPlan": "deploy_plan.yaml",
    "data processor": "data_processor.yaml",
}
PROMPTS = {
    "compute": "Generate a compute node named ShippingCost. The request has weight_kg (float), zone (str: 'domestic' "
    "or 'international') and express (bool, default false). The response has cost (float). The cost is 5.00 plus "
    "1.20 per kg; international doubles that; express then adds 10.00; round to 2 decimals. A negative weight or an "
    "unknown zone is a validation error.",
    "effect": "Generate an effect node named LineCounter: the request has folder (str) and file_name (str), the "
    "response has lines (int), the number of lines of the file; a missing file is a FILE_NOT_FOUND error.",
    "http": "Generate an effect node named InvoiceFetcher that gets base_url/invoices/invoice_id over HTTP: the "
    "request has base_url (str) and invoice_id (int, at least 1), the response has total (float) and currency (str); "
    "a 404 is a RESOURCE_NOT_FOUND error.",
    "reducer": "Generate a reducer node named OrderTotals: the request has orders (a list of customer and amount), "
    "the response has totals (dict of customer to float) and count (int); it publishes the totals to the event_bus.",
    "orchestrator": "Generate an orchestrator node named DeployPlan: the request has steps (list of str) and "
    "dependencies (dict), the response has order (list of str), every step after its dependencies; a cycle is a "
    "validation error.",
}

BODIES = {
    "shipping_cost": """cost = 5.0 + 1.2 * weight_kg
if zone == "international":
    cost *= 2
if express:
    cost += 10.0
return round(cost, 2)
""",
    "count_lines": """import os

path = os.path.join(folder, file_name)
if not os.path.isfile(path):
    raise ModelOnexError(error_code=EnumCoreErrorCode.FILE_NOT_FOUND, message=f"no file {file_name} in {folder}")
with open(path, encoding="utf-8") as handle:
    return len(handle.read().splitlines())
""",
    "fetch_invoice": """async with httpx.AsyncClient(timeout=5.0) as client:
    response = await client.get(f"{base_url}/invoices/{invoice_id}")
if response.status_code == 404:
    raise ModelOnexError(error_code=EnumCoreErrorCode.RESOURCE_NOT_FOUND, message=f"no invoice {invoice_id}")
response.raise_for_status()
data = response.json()
return {"total": float(data["total"]), "currency": str(data["currency"])}
""",
    "process_records": """import json
import os

source_path = os.path.join(folder, source)
if not os.path.isfile(source_path):
    raise ModelOnexError(error_code=EnumCoreErrorCode.FILE_NOT_FOUND, message=f"no {source} in {folder}")
with open(source_path, encoding="utf-8") as handle:
    records = json.load(handle)
cleaned = [{str(key).strip().lower(): value for key, value in record.items()} for record in records if record]
with open(os.path.join(folder, target), "w", encoding="utf-8") as handle:
    handle.write(json.dumps(cleaned))
return {"processed": len(cleaned), "skipped": len(records) - len(cleaned)}
""",
    "order_totals": """totals: dict[str, float] = {}
for order in orders:
    totals[order["customer"]] = totals.get(order["customer"], 0.0) + float(order["amount"])
return {"totals": dict(sorted(totals.items())), "count": len(orders)}
""",
    "plan_steps": """unique = list(dict.fromkeys(steps))
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

_TARGET = re.compile(r"(?:Implement|whole function|Complete the function) `(\w+)`")
_DEF = re.compile(r"^(?:async )?def (\w+)\(.*$", re.MULTILINE)


def spec_text(prompt: str) -> str | None:
    """The YAML of the spec the scripted model writes for ``prompt`` (None: it knows none)."""
    for word, name in PROMPT_SPECS.items():
        if word in prompt:
            return (SPECS / name).read_text(encoding="utf-8")
    return None


def scaffold_responder(received: Received) -> Reply:
    """Specs for spec requests, correct bodies for implementation requests, a lazy answer otherwise."""
    if "You write the spec of one ONEX node" in received.system_text:
        text = spec_text(received.last_user_text)
        return Reply(text=f"```yaml\n{text}```" if text else "I cannot help with that.", output_tokens=400)
    found = _TARGET.search(received.last_user_text)
    if found and found.group(1) in BODIES:
        body = BODIES[found.group(1)]
        if received.last_user_text.startswith("Complete the function"):  # the spec stage's implementations
            header = next(m.group(0) for m in _DEF.finditer(received.last_user_text) if m.group(1) == found.group(1))
            body = header + "\n" + "".join(f"    {line}" if line.strip() else line for line in body.splitlines(True))
        return Reply(text=f"```python\n{body}```", input_tokens=1500, output_tokens=120)
    return Reply(text="pass")
