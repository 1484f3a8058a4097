"""What the model is told when it writes a node spec: the format, one worked example, and what the node's kind adds
(an effect's I/O and the setup of its examples, a reducer's intents, an orchestrator's steps)."""

from __future__ import annotations

import json
import re

from nodegen.nodes.codegen_scaffold_compute.v1_0_0 import io_hint, parse_spec, read_yaml
from nodegen.nodes.codegen_scaffold_compute.v1_0_0.models import EnumNodeKind, IOHint, ModelNodeSpec, ModelSpecExample

SPEC_SYSTEM = """\
You write the spec of one ONEX node as YAML, in one ```yaml block, and nothing else.

- kind: effect (reads or writes files, SQLite or HTTP), compute (a pure calculation), reducer (a pure aggregation \
of a list), orchestrator (coordinates steps).
- name: PascalCase, without "Node" and the kind. Keep every name the request spells out exactly.
- request and response: `field: type`, or `field: {type: T, default: V, ge: 0, description: ...}`.
- types: str, int, float, bool, list[T], dict[str, T], Literal['a', 'b'], T | None; a list of records: \
`orders: [{customer: str, amount: float}]`.
- operations: Python functions that take the request fields and return the response fields. description: every \
rule of the request, in words. examples: at least three: a typical case, an edge case, and one for each error rule \
the request states (error: VALIDATION_ERROR, or another ModelOnexError code; none when it states none). Work out \
every output exactly from the rules.

Request: A compute node named BmiCalculator. The request has weight_kg (float) and height_m (float). The response \
has bmi (float) and category (str): 'under' below 18.5, 'normal' below 25, else 'over'. bmi is the weight over the \
height squared, rounded to 1 decimal. A height of zero or less is a validation error.
```yaml
kind: compute
name: BmiCalculator
description: Body mass index and its category.
request:
  weight_kg: {type: float, ge: 0}
  height_m: {type: float, gt: 0}
response:
  bmi: float
  category: "Literal['under', 'normal', 'over']"
operations:
  - name: bmi_calculator
    description: bmi is weight_kg / height_m ** 2 rounded to 1 decimal; category is 'under' below 18.5, 'normal' \
below 25, else 'over'.
    examples:
      - {case: typical, input: {weight_kg: 70.0, height_m: 1.75}, output: {bmi: 22.9, category: normal}}
      - {case: edge, input: {weight_kg: 50.0, height_m: 2.0}, output: {bmi: 12.5, category: under}}
      - {case: error, input: {weight_kg: 70.0, height_m: 0.0}, error: VALIDATION_ERROR}
```
"""

_KIND_NOTES = {
    EnumNodeKind.EFFECT: """
An effect node declares its I/O and each example sets up what it reads: files and SQLite databases in a fresh \
folder ('{dir}' in a value: the only way an input names that folder), HTTP answers from a local server \
('{base_url}'); `after` gives files or query rows that must hold after the call. Error codes for I/O: \
FILE_NOT_FOUND, PERMISSION_DENIED, RESOURCE_NOT_FOUND (a missing row or an HTTP 404), NETWORK_ERROR (another HTTP \
failure), DATABASE_OPERATION_ERROR. For example:
""",
    EnumNodeKind.REDUCER: """
A reducer node aggregates a list from its request and declares the intents it returns. For example:
```yaml
kind: reducer
name: PlaylistLength
description: Total length and track count of a playlist.
request:
  tracks: [{title: str, seconds: {type: int, ge: 0}}]
response:
  total_seconds: int
  count: int
intents:
  - {intent_type: publish_event, target: event_bus, payload: [total_seconds]}
operations:
  - name: playlist_length
    description: total_seconds is the sum of the tracks' seconds; count is the number of tracks.
    examples:
      - {case: typical, input: {tracks: [{title: a, seconds: 200}, {title: b, seconds: 100}]}, \
output: {total_seconds: 300, count: 2}}
      - {case: typical, input: {tracks: [{title: a, seconds: 5}]}, output: {total_seconds: 5, count: 1}}
      - {case: edge, input: {tracks: []}, output: {total_seconds: 0, count: 0}}
```
""",
    EnumNodeKind.ORCHESTRATOR: """
An orchestrator node declares the steps it coordinates. For example:
```yaml
kind: orchestrator
name: OnboardingFlow
description: The onboarding steps to run for a new user.
request:
  plan: "Literal['free', 'pro']"
  invited: {type: bool, default: false}
response:
  to_run: list[str]
steps:
  - {name: create_account}
  - {name: setup_billing, depends_on: [create_account]}
  - {name: send_welcome, depends_on: [create_account]}
operations:
  - name: onboarding_steps
    description: create_account first; then setup_billing for a pro plan; then send_welcome unless invited.
    examples:
      - {case: typical, input: {plan: pro}, output: {to_run: [create_account, setup_billing, send_welcome]}}
      - {case: typical, input: {plan: free}, output: {to_run: [create_account, send_welcome]}}
      - {case: edge, input: {plan: free, invited: true}, output: {to_run: [create_account]}}
```
""",
}


_IO_EXAMPLES: dict[IOHint, str] = {
    "files": """```yaml
kind: effect
name: LineCounter
description: Counts the lines of a text file.
request:
  folder: str
  file_name: str
response:
  lines: int
io_operations:
  - {kind: files, access: read, target: folder, description: reads folder/file_name}
operations:
  - name: count_lines
    description: Count the lines of the text file file_name in folder; a missing file is a FILE_NOT_FOUND error.
    examples:
      - {case: typical, input: {folder: '{dir}', file_name: a.txt}, setup: {files: {a.txt: "x\\ny\\n"}}, \
output: {lines: 2}}
      - {case: edge, input: {folder: '{dir}', file_name: e.txt}, setup: {files: {e.txt: ""}}, output: {lines: 0}}
      - {case: error, input: {folder: '{dir}', file_name: no.txt}, setup: {files: {}}, error: FILE_NOT_FOUND}
```
""",
    "csv": """```yaml
kind: effect
name: PaidCounter
description: Counts the paid orders in a CSV file.
request:
  folder: str
  file_name: str
response:
  paid: int
io_operations:
  - {kind: files, access: read, target: folder, description: "reads the CSV file folder/file_name: a header row, \
then one order a row"}
operations:
  - name: count_paid
    description: Read the CSV file file_name in folder with csv.DictReader (its first row is the header) and count \
the rows whose status column is paid; a missing file is a FILE_NOT_FOUND error.
    examples:
      - {case: typical, input: {folder: '{dir}', file_name: o.csv}, setup: {files: {o.csv: "id,status\\n1,paid\\n\
2,open\\n3,paid\\n"}}, output: {paid: 2}}
      - {case: edge, input: {folder: '{dir}', file_name: h.csv}, setup: {files: {h.csv: "id,status\\n"}}, \
output: {paid: 0}}
      - {case: error, input: {folder: '{dir}', file_name: no.csv}, setup: {files: {}}, error: FILE_NOT_FOUND}
```
""",
    "sqlite": """```yaml
kind: effect
name: PriceUpdate
description: Sets a product's price in an SQLite database and gives the old one.
request:
  database: str
  sku: str
  price: {type: float, ge: 0}
response:
  old_price: float
io_operations:
  - {kind: sqlite, access: write, target: database, description: "updates table products (sku TEXT, price REAL)"}
operations:
  - name: update_price
    description: Set the price of sku in table products of the SQLite database at the path database and return its \
old price; an unknown sku is a RESOURCE_NOT_FOUND error.
    examples:
      - case: typical
        input: {database: '{dir}/shop.db', sku: A1, price: 2.5}
        setup: {sqlite: {shop.db: ["CREATE TABLE products (sku TEXT, price REAL)", \
"INSERT INTO products VALUES ('A1', 2.0)"]}}
        output: {old_price: 2.0}
        after: {sqlite: {shop.db: {"SELECT price FROM products WHERE sku = 'A1'": [[2.5]]}}}
      - case: edge
        input: {database: '{dir}/shop.db', sku: A1, price: 0.0}
        setup: {sqlite: {shop.db: ["CREATE TABLE products (sku TEXT, price REAL)", \
"INSERT INTO products VALUES ('A1', 3.0)"]}}
        output: {old_price: 3.0}
      - case: error
        input: {database: '{dir}/shop.db', sku: Z9, price: 1.0}
        setup: {sqlite: {shop.db: ["CREATE TABLE products (sku TEXT, price REAL)"]}}
        error: RESOURCE_NOT_FOUND
```
""",
    "http": """```yaml
kind: effect
name: ExchangeRate
description: The exchange rate between two currencies, from a rates API.
request:
  base_url: str
  source: str
  target: str
response:
  rate: float
io_operations:
  - {kind: http, access: read, target: base_url, description: "GET base_url/rates/source/target"}
operations:
  - name: exchange_rate
    description: GET base_url/rates/source/target with httpx and return the rate of its JSON answer (which holds \
more fields); a 404 answer is a RESOURCE_NOT_FOUND error.
    examples:
      - case: typical
        input: {base_url: '{base_url}', source: EUR, target: USD}
        setup: {http: [{method: GET, path: /rates/EUR/USD, status: 200, json: {pair: EUR/USD, rate: 1.08, day: 5}}]}
        output: {rate: 1.08}
      - case: edge
        input: {base_url: '{base_url}', source: USD, target: USD}
        setup: {http: [{method: GET, path: /rates/USD/USD, status: 200, json: {rate: 1}}]}
        output: {rate: 1.0}
      - case: error
        input: {base_url: '{base_url}', source: EUR, target: XXX}
        setup: {http: [{method: GET, path: /rates/EUR/XXX, status: 404, json: {error: unknown}}]}
        error: RESOURCE_NOT_FOUND
```
""",
}


def spec_system_prompt(kind: EnumNodeKind, prompt: str = "") -> str:
    """The format, the worked example, and what ``kind`` adds (an effect: the worked example of the I/O the
    prompt's words suggest)."""
    note = _KIND_NOTES.get(kind, "")
    return SPEC_SYSTEM + (note + _IO_EXAMPLES[io_hint(prompt)] if kind is EnumNodeKind.EFFECT else note)


def _setup_key(example: ModelSpecExample) -> str | None:
    """The example's setup as comparable text; None when it sets up nothing (``files: {}`` is no one's data)."""
    setup = example.setup
    if setup is None or not (setup.files or setup.sqlite or setup.http):
        return None
    return json.dumps(setup.model_dump(mode="json", by_alias=True), sort_keys=True)


def copied_setups(spec: ModelNodeSpec, kind: EnumNodeKind, prompt: str) -> list[str]:
    """An example whose setup (files, databases, HTTP answers) is a worked example's the model was shown, as a
    problem: the 1.5B model's CsvSummer copied PaidCounter's CSV, with no amount column, as its own."""
    shown = re.findall(r"```yaml\n(.*?)```", spec_system_prompt(kind, prompt), re.DOTALL)
    models = [parse_spec(read_yaml(text, "a worked example"), "a worked example") for text in shown]
    worked = {_setup_key(e): model.name for model in models for o in model.operations for e in o.examples}
    worked.pop(None, None)
    problems = []
    for operation in spec.operations:
        for index, example in enumerate(operation.examples, 1):
            key = _setup_key(example)
            name = worked.get(key) if key else None
            if name and name != spec.name:  # the worked example's node itself may well have its data
                problems.append(
                    f"operations ({operation.name}) example {index}: its setup is the worked example's ({name}'s); "
                    "set up data for this node's own request"
                )
    return problems


def repair_message(problems: list[str]) -> str:
    """What goes back to the model when its spec fails nodegen's checks."""
    shown = "\n".join(f"- {problem}" for problem in problems[:12])
    return f"The spec has these problems:\n{shown}\nAnswer with the whole corrected spec in one ```yaml block."


__all__ = ["SPEC_SYSTEM", "copied_setups", "repair_message", "spec_system_prompt"]
