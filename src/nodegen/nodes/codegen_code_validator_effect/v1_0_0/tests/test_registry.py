"""Every finding code is declared once (``models.finding_codes``) and every finding is built through
``checks.registry``; the generic rules are ruff's, reported under the nodegen codes users configure, through the one
table."""

import ast
import re
from pathlib import Path

import pytest

from nodegen.pysource import EnumAnswerProblem

from ..checks import CODES, RUFF_CODES, CheckerOptions, checker_failed, finding
from ..checks.plugins import CHECKS
from ..checks.registry import external_finding
from ..engine import ValidatorOptions, validate
from ..models import EnumFindingSeverity, EnumValidationRule, ModelCodeValidationRequest, declared

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
        for found in await findings(source, file_path=NODE_FILE):
            assert declared(found.code), found.code
            if found.code[:1] in ("F", "B") or found.code == "CHK001":  # ruff's and bandit's own codes
                continue
            assert found.rule is CODES[found.code].rule, found.code
            seen.add(found.code)
    assert {"TYP001", "TYP002", "DOC001", "ONEX005", "ONEX007", "SEC001", "SEC010", "IMP001", "QUA003"} <= seen


def test_each_ruff_code_is_delegated_once_and_to_a_rule_that_ruff_serves():
    assert len(RUFF_CODES) == sum(len(entry.ruff) for entry in CODES.values())
    assert {entry.rule for entry in RUFF_CODES.values()} <= set(EnumValidationRule)


# -- one table, one builder: read from the source, so a new code or a hand-made finding cannot slip past


def _calls(name: str) -> list[tuple[Path, ast.Call]]:
    calls = []
    for path in sorted(SRC.rglob("*.py")):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                if called == name:
                    calls.append((path, node))
    return calls


def _literal_codes(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE_SHAPE.fullmatch(node.value)
    }


SRC = Path(__file__).resolve().parents[4]  # src/nodegen
VALIDATOR = Path(__file__).resolve().parents[1]
CODE_SHAPE = re.compile(r"[A-Z]{3,4}\d{3}")


def test_findings_are_built_only_in_the_registry():
    """A RawFinding only through ``finding``/``external_finding``; a public finding only by the engine (from a raw
    one) or ``answer_finding``."""
    raw = {path.relative_to(SRC).as_posix() for path, _ in _calls("RawFinding")}
    assert raw == {"nodes/codegen_code_validator_effect/v1_0_0/checks/registry.py"}
    public = {path.relative_to(SRC).as_posix() for path, _ in _calls("ModelValidationFinding")}
    assert public == {
        "nodes/codegen_code_validator_effect/v1_0_0/engine.py",
        "nodes/codegen_code_validator_effect/v1_0_0/models/finding_codes.py",
    }


def test_every_code_written_in_the_source_is_declared():
    """Any finding-shaped literal in src (``SYN004``, ``ANS001``, ...) is in the table; ruff's and bandit's codes
    only appear in the tables that map them."""
    tables = {VALIDATOR / "models" / "finding_codes.py", VALIDATOR / "checks" / "security.py"}
    for path in sorted(SRC.rglob("*.py")):
        if "tests" in path.parts or path in tables:
            continue
        for code in _literal_codes(path):
            assert code in CODES, f"{path.relative_to(SRC)}: {code} is not declared in models/finding_codes.py"


def test_every_code_of_an_answer_problem_is_declared():
    assert {problem.finding_code for problem in EnumAnswerProblem} <= set(CODES)


def test_each_check_declares_the_codes_it_reports():
    """A check module's codes are the ones its plugin declares, and each declared code is in the table (or is an
    external tool's family)."""
    modules = {
        "ruff": ["ruff.py"],
        "laziness": ["laziness.py", "shape.py"],
        "imports": ["names.py"],
        "security": ["security.py", "danger.py", "tampering.py"],
        "onex": ["onex.py"],
        "quality": ["quality.py"],
    }
    by_name = {check.name: check for check in CHECKS}
    assert set(by_name) == {*modules, "mypy", "contract"}
    for check in CHECKS:
        assert all(declared(code) for code in check.codes), check.name
        assert check.run is not None or check.run_async is not None, check.name
    for name, files in modules.items():
        written = set().union(*(_literal_codes(VALIDATOR / "checks" / file) for file in files))
        written -= {code for code in written if not code.isalpha() and code[:1] == "B" and code[1:].isdigit()}
        own = {code for code in written if code in CODES}
        if name == "onex":
            own.discard("ONEX012")  # the contract check, in the same module
        assert own <= set(by_name[name].codes), (name, own - set(by_name[name].codes))
    assert by_name["contract"].codes == ("ONEX012",)


def test_an_undeclared_code_or_a_missing_rule_cannot_be_built():
    with pytest.raises(KeyError):
        finding("ZZZ999", "nothing")
    with pytest.raises(ValueError, match="CHK001"):
        finding("CHK001", "a checker without the rule it was checking")
    with pytest.raises(ValueError, match="SYN001"):
        finding("SYN001", "a rule the table already has", rule=EnumValidationRule.SECURITY)
    with pytest.raises(ValueError, match="bandit"):
        external_finding("bandit", "F401", EnumFindingSeverity.ERROR, "a pyflakes code under bandit")


def test_a_checker_that_could_not_run_is_reported_under_the_rule_it_was_checking():
    failed = checker_failed(EnumValidationRule.TYPE_HINTS, "mypy", "timed out")
    assert (failed.code, failed.rule, failed.severity) == ("CHK001", EnumValidationRule.TYPE_HINTS, EnumFindingSeverity.ERROR)


async def test_code_that_parses_but_does_not_compile_is_parsed_and_a_finding():
    result = await validate(ModelCodeValidationRequest(generated_code="def f() -> None:\n    nonlocal x\n"), OPTIONS)
    assert result.parsed and [f.code for f in result.errors] == ["SYN002"]
    broken = await validate(ModelCodeValidationRequest(generated_code="def f(:\n"), OPTIONS)
    assert not broken.parsed and [f.code for f in broken.errors] == ["SYN001"]


def test_the_readme_lists_every_code():
    readme = (SRC.parents[1] / "README.md").read_text(encoding="utf-8")
    assert [code for code in CODES if f"`{code}`" not in readme] == []
