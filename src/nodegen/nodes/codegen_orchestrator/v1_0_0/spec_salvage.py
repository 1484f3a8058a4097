"""Reading what models write as a spec: YAML they get slightly wrong, fixed where the meaning is plain (a type
value with brackets left unquoted, prose with a colon, the whole spec written as a one-item list, a field's
description written as a field of its own, ``[float]`` for ``list[float]``, a number's bound put on a list, an
example's case labelled with a word of its own, a rule of the prompt left out, an I/O's target written as the path
it reaches, a missing file's example whose setup writes the file). Only the spec stage reads with these; a spec
file a user gives is read as written and refused when it is wrong."""

from __future__ import annotations

import re
from typing import Any

from nodegen.nodes.codegen_scaffold_compute.v1_0_0 import (
    SpecTypeError,
    listed_fields,
    present_files,
    prompt_names,
    read_type,
    sentences,
)
from nodegen.nodes.codegen_scaffold_compute.v1_0_0.models import ModelNodeSpec, ModelSpecField

_TYPE_KEY = re.compile(r"\btype:[ \t]*(?=[^\s'\"])")
_PROSE = re.compile(r"^([ \t]*(?:- )?(?:description|note):[ \t]+)([^'\"\n{][^\n]*?:[ \t][^\n]*)$", re.MULTILINE)


def quote_types(text: str) -> str:
    """``{type: Literal['a', 'b'], default: 'a'}`` is not YAML (a bracket inside a flow mapping's plain value), yet
    models write it: each unquoted type value that holds a bracket is quoted, up to its closing bracket."""
    out, position = [], 0
    for found in _TYPE_KEY.finditer(text):
        start = found.end()
        if start < position:
            continue
        depth, end = 0, start
        while end < len(text) and text[end] != "\n":
            char = text[end]
            depth += (char in "[(") - (char in "])")
            if depth <= 0 and char in ",}" and (depth < 0 or char != "]"):
                break
            if depth < 0:
                break
            end += 1
        value = text[start:end].rstrip()
        if "[" in value:
            out.append(text[position:start] + '"' + value.replace('"', "'") + '"')
            position = start + len(value)
    text = "".join(out) + text[position:]
    # "description: Cost: 5.00 plus ..." is not YAML either (a colon inside a plain value): quote the line's value
    return _PROSE.sub(lambda m: m.group(1) + '"' + m.group(2).replace("\\", "\\\\").replace('"', '\\"') + '"', text)


# a plain value holding a ``{name}`` placeholder: "path: /invoices/{invoice_id}", "base_url: {base_url}"
_BRACED = re.compile(r"(?<=: )((?:[^\s'\"{\[,][^,{}\n]*?)?(?:\{[A-Za-z_]\w*\}[^,{}\s]*)+)(?=\s*[,}\n]|\s*$)")


def quote_placeholders(text: str) -> str:
    """``{kind: http, path: /invoices/{invoice_id}, status: 200}`` is not YAML (a brace inside a flow mapping's
    plain value), and ``base_url: {base_url}`` reads as a mapping: a plain value holding ``{name}`` is quoted."""
    return _BRACED.sub(lambda m: "'" + m.group(1).replace("'", "''") + "'", text)


def fold_descriptions(data: Any) -> Any:
    """``response: {cost: float, description: The cost.}``: a model that wrote a field's description as a field of
    its own (a value that is no type) meant the field before it; that is where it goes."""
    if not isinstance(data, dict):
        return data
    for key in ("request", "response"):
        fields = data.get(key)
        if not isinstance(fields, dict) or not isinstance(fields.get("description"), str):
            continue
        try:
            read_type(fields["description"])
            continue
        except SpecTypeError:
            pass
        names = list(fields)
        position = names.index("description")
        if position == 0:
            continue
        previous = names[position - 1]
        text = fields.pop("description")
        entry = fields[previous]
        fields[previous] = (
            {**entry, "description": text} if isinstance(entry, dict) else {"type": entry, "description": text}
        )
    return data


_CASES = ("typical", "edge", "error")


def known_cases(data: Any) -> Any:
    """An example's ``case`` is a label (typical, edge or error); a model that labels it with its own word (the
    1.5B model's PasswordStrength: ``case: uppercase``) meant an error case when the example raises, else a
    typical one. What the example checks is its input and outcome, which are read as written."""
    operations = data.get("operations") if isinstance(data, dict) else None
    for operation in operations if isinstance(operations, list) else []:
        examples = operation.get("examples") if isinstance(operation, dict) else None
        for example in examples if isinstance(examples, list) else []:
            if isinstance(example, dict) and "case" in example and example["case"] not in _CASES:
                example["case"] = "error" if example.get("error") is not None else "typical"
    return data


def unlist(text: str) -> str:
    """``- kind: compute`` then ``  name: …``: the spec's first keys written as the item of a list (a spec is one
    mapping, never a list) are the mapping's own."""
    lines = text.splitlines(keepends=True)
    first = next((i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")), None)
    if first is None or not re.match(r"- [A-Za-z_]\w*:", lines[first]):
        return text
    out = [*lines[:first], lines[first][2:]]
    position = first + 1
    while position < len(lines) and (lines[position].startswith("  ") or not lines[position].strip()):
        out.append(lines[position][2:] if lines[position].strip() else lines[position])
        position += 1
    return "".join(out + lines[position:])


def listed_types(data: Any) -> Any:
    """``readings: [float]``, ``{type: [float]}`` or ``[{type: float}]``: a list's type written as a list of its
    item type."""
    if not isinstance(data, dict):
        return data
    for key in ("request", "response"):
        fields = data.get(key)
        if isinstance(fields, dict):
            for name, item in fields.items():
                if (listed := _listed(item)) is not None:
                    fields[name] = listed
                elif isinstance(item, dict) and (listed := _listed(item.get("type"))) is not None:
                    item["type"] = listed
        elif isinstance(fields, list):
            for item in fields:
                if isinstance(item, dict) and (listed := _listed(item.get("type"))) is not None:
                    item["type"] = listed
    return data


_ITEM_NOTES = frozenset({"type", "ge", "gt", "le", "lt", "min_length", "max_length", "description"})


def _listed(value: Any) -> str | None:
    """``list[T]`` for ``[T]``, ``[{type: T}]``, or items that each say ``{type: T}`` with bounds of their own
    (``[{type: float, ge: -100}, {type: float, le: 100}]``: a list's items cannot carry bounds here; the rules
    and examples say what the model meant, and they are checked); None for anything else (a record has fields)."""
    if not isinstance(value, list) or not value:
        return None
    items = {
        item["type"] if isinstance(item, dict) and "type" in item and set(item) <= _ITEM_NOTES else None
        for item in value
    }
    if len(value) == 1 and isinstance(value[0], str):
        items = {value[0]}
    (item, *others) = items
    return f"list[{item}]" if not others and isinstance(item, str) and item.isidentifier() else None


# The words of a sentence that only asks for the node ("Generate a compute node named ShippingCost.").
_NAMING_WORDS = frozenset({
    "generate", "create", "make", "build", "write", "implement", "give", "me", "i", "need", "want", "please", "a",
    "an", "new", "the", "one", "compute", "effect", "reducer", "orchestrator", "node", "named", "called",
})  # fmt: skip


def stated_rules(spec: ModelNodeSpec, prompt: str) -> ModelNodeSpec:
    """The prompt's own words go with every operation's rules: a small model's description drops rules (the 1.5B
    model's RetrySchedule dropped "each at most 60.0", its SlugMaker "a title with no letter or digit is a validation
    error"), and neither its examples nor code drawn from its rules would then show them. Each sentence of the prompt
    that states more than the node's kind and name, and that the description does not hold already, goes first in
    the description, before the model's own words, which follow as what the spec adds: the code drawn from the
    rules, the fill's docstring and the reviewer all read it, and a small model follows what it reads first (the
    1.5B model's DeployPlan gave its steps in the given order with the model's words first, and after the steps
    they need with the prompt's first: one full run each)."""
    names = {word.lower() for word in (spec.name, prompt_names(prompt).node_name or "")}
    stating = [
        text
        for text in sentences(prompt)
        if {word.lower() for word in re.findall(r"\w+", text)} - _NAMING_WORDS - names
    ]
    operations = []
    for operation in spec.operations:
        held = " ".join(operation.description.split()).lower()
        said = " ".join(text for text in stating if " ".join(text.split()).lower() not in held)
        own = operation.description.rstrip()
        described = f"The prompt says: {said} (The spec adds: {own})" if said else operation.description
        operations.append(operation.model_copy(update={"description": described}))
    return spec.model_copy(update={"operations": operations})


def io_targets(spec: ModelNodeSpec) -> ModelNodeSpec:
    """``target: base_url/invoices/invoice_id`` (the 1.5B model's InvoiceFetcher): an I/O's target written as the
    path it reaches, from a request field, is that field; the path goes to the I/O's description. A target that
    names no field (``path``, the InventoryLookup's) is the one field every example gives the example's folder
    (``{dir}...``) or server (``{base_url}...``)."""
    fields = {field.name for field in spec.request}
    examples = [example.input for operation in spec.operations for example in operation.examples]
    fixed = []
    for io in spec.io_operations:
        head = re.split(r"[/.\s]", io.target, maxsplit=1)[0]
        if io.target in fields:
            fixed.append(io)
            continue
        if head in fields:
            said = f"{io.description} ({io.target})" if io.description else io.target
            fixed.append(io.model_copy(update={"target": head, "description": said}))
            continue
        start = "{base_url}" if io.kind == "http" else "{dir}"
        placed = [
            name
            for name in sorted(fields)
            if examples and all(str(given.get(name, "")).startswith(start) for given in examples)
        ]
        fixed.append(io.model_copy(update={"target": placed[0]}) if len(placed) == 1 else io)
    return spec.model_copy(update={"io_operations": fixed})


def unlisted_copies(spec: ModelNodeSpec, prompt: str) -> ModelNodeSpec:
    """A request field the prompt's list leaves out whose value is a listed field's in every example is that field
    under a second name (the 1.5B model's InventoryLookup gave ``database`` and ``path``, the same file, for "database
    (str), the path of an SQLite database"): it is dropped, and an I/O or operation naming it names the listed one."""
    listed = listed_fields(prompt).get("request", ())
    examples = [example.input for operation in spec.operations for example in operation.examples]
    names = {field.name for field in spec.request}
    copies: dict[str, str] = {}
    for field in spec.request:
        if not examples or field.name in listed:
            continue
        twins = [
            name
            for name in listed
            if name in names
            and all(name in given and field.name in given and given[field.name] == given[name] for given in examples)
        ]
        if len(twins) == 1:
            copies[field.name] = twins[0]
    if not copies:
        return spec

    def renamed(names: list[str] | None) -> list[str] | None:
        return None if names is None else list(dict.fromkeys(copies.get(name, name) for name in names))

    operations = [
        operation.model_copy(
            update={
                "inputs": renamed(operation.inputs),
                "examples": [
                    example.model_copy(update={"input": {k: v for k, v in example.input.items() if k not in copies}})
                    for example in operation.examples
                ],
            }
        )
        for operation in spec.operations
    ]
    io = [op.model_copy(update={"target": copies.get(op.target, op.target)}) for op in spec.io_operations]
    request = [field for field in spec.request if field.name not in copies]
    return spec.model_copy(update={"request": request, "operations": operations, "io_operations": io})


def missing_files(spec: ModelNodeSpec) -> ModelNodeSpec:
    """A FILE_NOT_FOUND example whose setup writes the file its input names (``present_files``; the 1.5B model's
    CsvSummer "missing" an empty file and a header-only one): the file is left out of its setup, so the example
    shows the error it states. Asked to mend it, the model dropped such examples instead, in every sample."""
    operations = []
    for operation in spec.operations:
        examples = []
        for example in operation.examples:
            present = present_files(example)
            if not present or example.setup is None:
                examples.append(example)
                continue
            setup = example.setup.model_copy(
                update={
                    "files": {k: v for k, v in example.setup.files.items() if k not in present},
                    "sqlite": {k: v for k, v in example.setup.sqlite.items() if k not in present},
                }
            )
            examples.append(example.model_copy(update={"setup": setup, "case": "error"}))
        operations.append(operation.model_copy(update={"examples": examples}))
    return spec.model_copy(update={"operations": operations})


def fit_constraints(spec: ModelNodeSpec) -> ModelNodeSpec:
    """A bound the field's type cannot hold (``gt: 0`` on a list, ``min_length`` on a number) is left out: what the
    model meant by it is in its rules and examples, which are checked."""
    names = [model.name for model in spec.models]

    def fit(field: ModelSpecField) -> ModelSpecField:
        try:
            drop = read_type(field.type, names).unfit_bounds(field.constraints)
        except SpecTypeError:
            return field  # the spec's checks say why
        return field.model_copy(update=dict.fromkeys(drop)) if drop else field

    models = [model.model_copy(update={"fields": [fit(f) for f in model.fields]}) for model in spec.models]
    request, response = [fit(f) for f in spec.request], [fit(f) for f in spec.response]
    return spec.model_copy(update={"request": request, "response": response, "models": models})


__all__ = [
    "fit_constraints",
    "fold_descriptions",
    "io_targets",
    "listed_types",
    "missing_files",
    "quote_placeholders",
    "quote_types",
    "stated_rules",
    "unlist",
    "unlisted_copies",
]
