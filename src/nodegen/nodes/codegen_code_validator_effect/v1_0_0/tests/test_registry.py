"""Every finding code is declared once (``checks.registry``); the generic rules are ruff's, reported under the nodegen
codes users configure, through the one table."""

import pytest

from ..checks import CODES, RUFF_CODES, CheckerOptions
from ..engine import ValidatorOptions, validate
from ..models import EnumFindingSeverity, EnumValidationRule, ModelCodeValidationRequest

OPTIONS = ValidatorOptions(checker=CheckerOptions(timeout_s=30.0))
NODE_FILE = "pkg/example_effect/v1_0_0/node.py"
HANDLER = "def f() -> None:\n    '''Doc.'''\n    try:\n        g()\n"


async def findings(code: str, **request):
    result = await validate(ModelCodeValidationRequest(generated_code=code, **request), OPTIONS)
    return [*result.errors, *result.warnings]


@pytest.mark.parametrize(
    ("ruff", "code", "source", "request_fields"),
    [
        ("ANN001", "TYP001", "def f(x) -> int:\n    '''Doc.'''\n    return x\n", {}),
        ("ANN002", "TYP001", "def f(*xs) -> int:\n    '''Doc.'''\n    return 0\n", {}),
        ("ANN003", "TYP001", "def f(**kw) -> int:\n    '''Doc.'''\n    return 0\n", {}),
        ("ANN201", "TYP002", "def f(x: int):\n    '''Doc.'''\n    return x\n", {}),
        ("ANN202", "TYP002", "def _f(x: int):\n    return x\n", {}),
        ("D103", "DOC001", "def f() -> int:\n    return 0\n", {}),
        ("D102", "DOC001", "class A:\n    '''Doc.'''\n\n    def m(self) -> int:\n        return 0\n", {}),
        ("T201", "ONEX007", "def f() -> None:\n    '''Doc.'''\n    print(1)\n", {"file_path": NODE_FILE}),
        ("E722", "ONEX005", HANDLER + "    except:\n        return None\n", {"file_path": NODE_FILE}),
        (
            "B904",
            "ONEX004",
            HANDLER + "    except KeyError:\n        raise ValueError('no')\n",
            {"file_path": NODE_FILE},
        ),
    ],
)
async def test_a_delegated_ruff_rule_is_reported_under_its_nodegen_code(ruff, code, source, request_fields):
    assert RUFF_CODES[ruff].code == code
    (found,) = [finding for finding in await findings(source, **request_fields) if finding.code == code]
    assert found.rule is CODES[code].rule
    assert f"(ruff {ruff})" in found.message


async def test_complexity_is_ruffs_c901_over_ten():
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(11))
    (found,) = [f for f in await findings(f"def f(x: int) -> int:\n    '''Doc.'''\n{branches}    return -1\n") if f.code == "QUA001"]
    assert "(ruff C901)" in found.message and "12 > 10" in found.message


async def test_onex_rules_from_ruff_are_errors_in_node_files_and_silent_elsewhere():
    source = "def f() -> None:\n    '''Doc.'''\n    print(1)\n"
    assert {f.code: f.severity for f in await findings(source, file_path=NODE_FILE)}["ONEX007"] is (
        EnumFindingSeverity.ERROR
    )
    assert "ONEX007" not in {f.code for f in await findings(source, file_path="scripts/tool.py")}
    asked = await findings(source, file_path="scripts/tool.py", validation_rules=["onex_compliance"])
    assert {f.code: f.severity for f in asked}["ONEX007"] is EnumFindingSeverity.WARNING


async def test_noqa_does_not_switch_a_check_off():
    assert "F821" in {f.code for f in await findings("def f() -> int:\n    '''Doc.'''\n    return y  # noqa: F821\n")}


async def test_every_code_the_checks_report_is_registered_with_its_rule():
    corpus = [
        "def f(x, *a, **k):\n    print(x)\n    eval(x)\n    import os\n    os.system('rm -rf ~')\n",
        "from ..up import thing\n\n\ndef g(d: dict[str, Any]) -> None:\n    try:\n        h()\n    except:\n        pass\n",
        "class NodeThingReducer(NodeReducer):\n    def run(self) -> None:\n        open('x').read()\n",
        "def f():\n    pass\n",
        "password = 'hunter2hunter2'\n",
    ]
    seen = set()
    for source in corpus:
        for finding in await findings(source, file_path=NODE_FILE):
            if finding.code[:1] in ("F", "B") or finding.code == "CHK001":  # ruff's and bandit's own codes
                continue
            assert finding.code in CODES, finding.code
            assert finding.rule is CODES[finding.code].rule, finding.code
            seen.add(finding.code)
    assert {"TYP001", "TYP002", "DOC001", "ONEX005", "ONEX007", "SEC001", "SEC010", "IMP001", "QUA003"} <= seen


def test_each_ruff_code_is_delegated_once_and_to_a_rule_that_ruff_serves():
    assert len(RUFF_CODES) == sum(len(entry.ruff) for entry in CODES.values())
    assert {entry.rule for entry in RUFF_CODES.values()} <= set(EnumValidationRule)
