"""Each rule, shown firing and not firing."""

import textwrap

import pytest

from ..checks import CheckerOptions
from ..engine import ValidatorOptions, validate
from ..models import EnumFindingSeverity, ModelCodeValidationRequest

OPTIONS = ValidatorOptions(checker=CheckerOptions(timeout_s=30.0))


async def run(code: str, *, options: ValidatorOptions = OPTIONS, **request):
    return await validate(ModelCodeValidationRequest(generated_code=textwrap.dedent(code), **request), options)


async def codes(code: str, **request) -> dict[str, str]:
    result = await run(code, **request)
    return {finding.code: finding.severity.value for finding in [*result.errors, *result.warnings]}


NODE_FILE = "pkg/example_effect/v1_0_0/node.py"


class TestSyntax:
    async def test_fires_with_line_and_column(self):
        result = await run("def f(:\n    pass\n")
        assert not result.is_valid and not result.syntax_valid
        (error,) = result.errors
        assert (error.code, error.line) == ("SYN001", 1)
        assert "line 1, column 7" in error.message

    async def test_a_bare_body_is_checked_inside_a_function(self):
        result = await run("value = 1\nreturn value\n")
        assert result.is_valid and result.syntax_valid

    async def test_code_that_only_compiles_wrongly_fires(self):
        result = await run("def f():\n    nonlocal x\n")
        assert [error.code for error in result.errors] == ["SYN002"]


class TestNames:
    async def test_undefined_name_is_an_error(self):
        found = await codes("def f(x: str) -> str:\n    '''Doc.'''\n    return json.dumps(x)\n")
        assert found["F821"] == "error"

    async def test_defined_names_pass(self):
        found = await codes("import json\n\n\ndef f(x: str) -> str:\n    '''Doc.'''\n    return json.dumps(x)\n")
        assert "F821" not in found

    async def test_unused_import_is_a_warning(self):
        assert (await codes("import os\n"))["F401"] == "warning"

    async def test_parent_relative_import_is_a_warning(self):
        assert (await codes("from ..pkg import thing\n\nprint(thing)\n"))["IMP001"] == "warning"

    async def test_sibling_relative_import_is_fine(self):
        assert "IMP001" not in await codes("from .models import Thing\n\nprint(Thing)\n")


class TestTypeHints:
    async def test_one_finding_per_missing_annotation(self):
        result = await run("class A:\n    def f(self, a, b: int, *args, **kw):\n        '''Doc.'''\n        return a\n")
        messages = [w.message for w in result.warnings if w.code.startswith("TYP")]
        assert len(messages) == 4  # a, args, kw, and the return (a method's self needs none)
        assert all("type hint" in message for message in messages)
        assert result.is_valid  # type hints never block

    async def test_annotated_function_passes(self):
        assert not [
            c for c in await codes("def f(a: int) -> int:\n    '''Doc.'''\n    return a\n") if c.startswith("TYP")
        ]

    async def test_dunder_needs_no_return_annotation(self):
        assert "TYP002" not in await codes(
            "class A:\n    '''A.'''\n\n    def __init__(self) -> None:\n        self.x = 1\n\n    def __repr__(self):\n        return 'A'\n"
        )


class TestSecurity:
    @pytest.mark.parametrize(
        ("code", "expected"),
        [
            ("import os\n\ndef f(x):\n    os.system(x)\n", "B605"),
            ("import subprocess\n\ndef f(x):\n    subprocess.run(x, shell=True)\n", "B602"),
            ("import pickle\n\ndef f(x):\n    return pickle.loads(x)\n", "B301"),
            ("import yaml\n\ndef f(x):\n    return yaml.load(x)\n", "B506"),
            ("def f(cursor, name):\n    cursor.execute('select * from t where name = %s' % name)\n", "B608"),
            ("def f(cursor, name):\n    cursor.execute(f'select * from t where name = {name}')\n", "B608"),
            ("def f(cursor, name):\n    cursor.execute('select * from t where name = ' + name)\n", "B608"),
            ("def f(x):\n    return eval(x)\n", "SEC001"),
            ("def f(x):\n    exec(compile(x, 'x', 'exec'))\n", "SEC001"),
            ('TOKEN = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"\n', "SEC020"),
        ],
    )
    async def test_fires_as_an_error(self, code, expected):
        result = await run(code)
        assert expected in {error.code for error in result.errors}
        assert not result.is_valid and result.security_issues_found >= 1

    @pytest.mark.parametrize(
        "code",
        [
            "import yaml\n\ndef f(x):\n    return yaml.safe_load(x)\n",
            "def f(cursor, name):\n    cursor.execute('select * from t where name = ?', (name,))\n",
            "import subprocess\n\ndef f(x):\n    subprocess.run(['ls', x], check=True)\n",
            "def f():\n    return eval('1 + 1')\n",
            'import os\n\nTOKEN = os.environ["TOKEN"]\n',
        ],
    )
    async def test_safe_code_has_no_security_error(self, code):
        result = await run(code)
        assert not [e for e in result.errors if e.rule == "security" and e.code not in ("B307",)]

    async def test_io_in_a_pure_node_is_an_error(self):
        code = "class NodeThingReducer(NodeReducer):\n    def step(self, path):\n        return open(path).read()\n"
        assert (await codes(code))["SEC010"] == "error"

    async def test_io_in_an_effect_node_is_fine(self):
        code = "class NodeThingEffect(NodeEffect):\n    def step(self, path):\n        return open(path).read()\n"
        assert "SEC010" not in await codes(code)

    async def test_security_can_be_switched_off(self):
        result = await run(
            "import os\n\ndef f(x):\n    os.system(x)\n", options=ValidatorOptions(enable_security_checks=False)
        )
        assert "security" not in result.rules_checked
        assert not [e for e in result.errors if e.rule == "security"]


class TestOnexInNodeFiles:
    async def codes(self, code: str) -> dict[str, str]:
        return await codes(code, file_path=NODE_FILE)

    async def test_raising_anything_but_model_onex_error(self):
        assert (await self.codes("def f():\n    raise ValueError('bad')\n"))["ONEX003"] == "error"

    async def test_model_onex_error_with_a_code_passes(self):
        code = "def f():\n    raise ModelOnexError(error_code=EnumCoreErrorCode.INVALID_INPUT, message='bad')\n"
        assert "ONEX003" not in await self.codes(code)

    async def test_model_onex_error_without_a_code(self):
        assert "ONEX003" in await self.codes("def f():\n    raise ModelOnexError(message='bad')\n")

    async def test_raise_in_except_without_from(self):
        code = "def f():\n    try:\n        g()\n    except KeyError as error:\n        raise ModelOnexError(error_code=C.X, message='m')\n"
        assert "ONEX004" in await self.codes(code)

    async def test_raise_in_except_with_from_passes(self):
        code = "def f():\n    try:\n        g()\n    except KeyError as error:\n        raise ModelOnexError(error_code=C.X, message='m') from error\n"
        assert "ONEX004" not in await self.codes(code)

    async def test_bare_except(self):
        assert "ONEX005" in await self.codes("def f():\n    try:\n        g()\n    except:\n        return None\n")

    async def test_bare_except_that_re_raises_passes(self):  # ruff's E722: nothing is swallowed
        assert "ONEX005" not in await self.codes("def f():\n    try:\n        g()\n    except:\n        raise\n")

    async def test_swallowed_exception(self):
        assert "ONEX006" in await self.codes(
            "def f():\n    try:\n        g()\n    except Exception:\n        return None\n"
        )

    async def test_logged_exception_passes(self):
        code = "def f():\n    try:\n        g()\n    except Exception as error:\n        emit_log_event(L.ERROR, str(error))\n"
        assert "ONEX006" not in await self.codes(code)

    async def test_print(self):
        assert (await self.codes("def f():\n    print('x')\n"))["ONEX007"] == "error"

    async def test_onex_errors_make_the_code_non_compliant(self):
        result = await run("def f():\n    print('x')\n", file_path=NODE_FILE)
        assert not result.onex_compliant and not result.is_valid


class TestOnexElsewhere:
    async def test_plain_code_gets_no_onex_findings_by_default(self):
        assert not [c for c in await codes("def f():\n    raise ValueError('bad')\n") if c.startswith("ONEX")]

    async def test_asked_for_by_name_they_are_warnings_that_name_model_onex_error(self):
        result = await run(
            "def f():\n    raise Exception('bad')\n", validation_rules=["onex_compliance", "error_handling"]
        )
        (warning,) = [w for w in result.warnings if w.code == "ONEX003"]
        assert warning.severity is EnumFindingSeverity.WARNING
        assert "ModelOnexError" in warning.message
        assert result.is_valid


class TestOnexStructure:
    NODE = textwrap.dedent(
        """\
        class NodeExampleEffect(NodeEffect):
            def __init__(self, container):
                super().__init__(container)

            async def _run(self, contract):
                return None
        """
    )

    async def test_a_proper_node_passes(self):
        assert not [c for c in await codes(self.NODE, file_path=NODE_FILE) if c.startswith("ONEX")]

    async def test_node_class_suffix(self):
        code = self.NODE.replace("NodeExampleEffect(NodeEffect)", "NodeExample(NodeEffect)")
        assert "ONEX001" in await codes(code, file_path=NODE_FILE)

    async def test_two_node_classes_in_node_py(self):
        code = self.NODE + "\n\n" + self.NODE.replace("NodeExampleEffect", "NodeOtherEffect")
        assert "ONEX002" in await codes(code, file_path=NODE_FILE)

    async def test_init_must_take_the_container_and_call_super(self):
        code = self.NODE.replace("super().__init__(container)", "self.container = container")
        assert "ONEX010" in await codes(code, file_path=NODE_FILE)

    async def test_entry_point_is_needed(self):
        code = self.NODE.replace("async def _run(self, contract)", "async def helper(self, contract)")
        assert "ONEX011" in await codes(code, file_path=NODE_FILE)

    async def test_model_files_hold_one_model_named_model(self):
        path = "pkg/example_effect/v1_0_0/models/model_thing.py"
        assert not [
            c for c in await codes("class ModelThing(BaseModel):\n    x: int\n", file_path=path) if c.startswith("ONEX")
        ]
        assert "ONEX008" in await codes("class Thing(BaseModel):\n    x: int\n", file_path=path)
        assert "ONEX008" in await codes(
            "class ModelA(BaseModel):\n    x: int\n\n\nclass ModelB(BaseModel):\n    y: int\n", file_path=path
        )

    async def test_enum_files_define_enums(self):
        path = "pkg/example_effect/v1_0_0/models/enum_kind.py"
        assert "ONEX009" in await codes("class Kind(StrEnum):\n    A = 'a'\n", file_path=path)
        assert "ONEX009" not in await codes("class EnumKind(StrEnum):\n    A = 'a'\n", file_path=path)

    async def test_contract_beside_node_py_is_checked(self, tmp_path):
        folder = tmp_path / "example_effect" / "v1_0_0"
        folder.mkdir(parents=True)
        (folder / "node.py").write_text(self.NODE)
        (folder / "contract.yaml").write_text(
            "name: example_effect\nversion: {major: 1, minor: 0}\nnode_type: effect\n"
        )
        result = await run(self.NODE, file_path=str(folder / "node.py"))
        messages = [e.message for e in result.errors if e.code == "ONEX012"]
        assert "contract.yaml has no `description`" in messages
        assert "contract.yaml: version must be a mapping of major, minor and patch" in messages
        assert "contract.yaml: an effect node must list its io_operations" in messages

    async def test_a_complete_contract_passes(self, tmp_path):
        folder = tmp_path / "example_effect" / "v1_0_0"
        folder.mkdir(parents=True)
        (folder / "node.py").write_text(self.NODE)
        (folder / "contract.yaml").write_text(
            "name: example_effect\nversion: {major: 1, minor: 0, patch: 0}\ndescription: d\nnode_type: effect\n"
            "input_model: ModelIn\noutput_model: ModelOut\nio_operations: [{operation: read}]\n"
        )
        result = await run(self.NODE, file_path=str(folder / "node.py"))
        assert not [e for e in result.errors if e.code == "ONEX012"]


class TestQuality:
    async def test_complexity_over_ten(self):
        branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(11))
        assert (await codes(f"def f(x: int) -> int:\n    '''Doc.'''\n{branches}    return -1\n"))["QUA001"] == "warning"

    async def test_complexity_of_ten_passes(self):
        branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(9))
        assert "QUA001" not in await codes(f"def f(x: int) -> int:\n    '''Doc.'''\n{branches}    return -1\n")

    async def test_function_over_fifty_lines(self):
        body = "".join(f"    x{i} = {i}\n" for i in range(50))
        assert "QUA002" in await codes(f"def f() -> int:\n    '''Doc.'''\n{body}    return 0\n")

    async def test_public_function_without_docstring(self):
        assert "DOC001" in await codes("def f() -> int:\n    return 0\n")
        assert "DOC001" not in await codes("def _f() -> int:\n    return 0\n")

    async def test_loose_dict_in_a_public_signature(self):
        assert "QUA003" in await codes(
            "from typing import Any\n\n\ndef f(x: dict[str, Any]) -> None:\n    '''Doc.'''\n"
        )
        assert "QUA003" not in await codes("def f(x: dict[str, int]) -> None:\n    '''Doc.'''\n")
