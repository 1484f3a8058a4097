"""What blocks and what only warns, and findings that say what they found: bandit's severity and confidence,
detect-secrets' hard-coded passwords (named, never repeated), and the ONEX rules on code outside a node file; all
through the validator node's public entry point."""

import pytest

from nodegen.nodes.conftest import create_test_contract_effect

from ..checks.security import _BANDIT_FIXES
from ..models import EnumFindingSeverity, ModelCodeValidationResult
from ..node import NodeCodegenCodeValidatorEffect

PASSWORD = "Sup3rS3cretValue99"


@pytest.fixture
def validator(mock_container):
    return NodeCodegenCodeValidatorEffect(mock_container)


async def check(node, **input_state) -> ModelCodeValidationResult:
    return await node.execute_effect(create_test_contract_effect(input_state=input_state))


class TestBanditSeverityAndConfidence:
    async def test_a_function_whose_job_is_building_sql_text_only_gets_a_warning(self, validator):
        code = 'def select(fields: list[str], table: str) -> str:\n    return "SELECT " + ", ".join(fields) + " FROM " + table\n'
        result = await check(validator, generated_code=code, validation_rules=["security"])
        assert result.is_valid
        (warning,) = [w for w in result.warnings if w.code == "B608"]
        assert "bandit B608, severity medium, confidence low: reported as a warning" in warning.message

    async def test_eval_of_input_still_blocks_and_says_why(self, validator):
        code = "def run(user_input: str) -> object:\n    return eval(user_input)\n"
        result = await check(validator, generated_code=code, validation_rules=["security"])
        assert not result.is_valid
        (error,) = [e for e in result.errors if e.code == "B307"]
        assert error.message.endswith("(bandit B307, severity medium, confidence high: blocks)")

    @pytest.mark.parametrize(
        ("file_path", "warned"),
        [("pkg/tests/test_node.py", False), ("conftest.py", False), ("node_test.py", False), ("pkg/node.py", True)],
    )
    async def test_assert_is_reported_except_in_test_files(self, validator, file_path, warned):
        code = "def check(total: int) -> None:\n    assert total > 0\n    assert eval('1')\n"
        result = await check(validator, generated_code=code, file_path=file_path, validation_rules=["security"])
        assert ("B101" in [w.code for w in result.warnings]) is warned
        assert [e.code for e in result.errors] == ["B307"]  # the other tests still run in test files

    async def test_a_weak_hash_blocks_and_the_fix_names_the_declaration_that_clears_it(self, validator):
        code = "import hashlib\n\n\ndef digest(text: str) -> str:\n    return hashlib.md5(text.encode()).hexdigest()\n"
        result = await check(validator, generated_code=code, validation_rules=["security"])
        (error,) = [e for e in result.errors if e.code == "B324"]
        assert "usedforsecurity=False" in (error.suggested_fix or "")
        declared = code.replace("text.encode()", "text.encode(), usedforsecurity=False")
        assert (await check(validator, generated_code=declared, validation_rules=["security"])).is_valid

    @pytest.mark.parametrize(
        ("stub_def", "stub_doc", "code", "blocks"),
        [
            # the stub's own docstring or name asks for the hash: the digest is the spec, so it only warns
            ("string_to_md5", "Return the md5 hash of text, as hex.", "return hashlib.md5(text.encode()).hexdigest()", False),
            ("sha1_digest", "Return the digest of text.", "return hashlib.sha1(text.encode()).hexdigest()", False),
            ("checksum", "The SHA-1 of text (git's object ids).", "return hashlib.sha1(text.encode()).hexdigest()", False),
            # another hash than the one asked for, or none asked for: it blocks
            ("string_to_md5", "Return the md5 hash of text, as hex.", "return hashlib.sha1(text.encode()).hexdigest()", True),
            ("digest", "Return a digest of text, as hex.", "return hashlib.md5(text.encode()).hexdigest()", True),
            # what the model wrote never counts: its own docstring, or a helper it named after the hash
            ("digest", "Return a digest of text, as hex.", 'def digest(text: str) -> str:\n    """The md5 hash of text."""\n    return hashlib.md5(text.encode()).hexdigest()\n', True),
            ("digest", "Return a digest of text, as hex.", "def md5_of(text: str) -> str:\n    return hashlib.md5(text.encode()).hexdigest()\n\n\ndef digest(text: str) -> str:\n    return md5_of(text)\n", True),
        ],
    )
    async def test_a_weak_hash_the_stub_asks_for_by_name_only_warns(self, validator, stub_def, stub_doc, code, blocks):
        source = f'import hashlib\n\n\ndef {stub_def}(text: str) -> str:\n    """{stub_doc}"""\n    # IMPLEMENTATION REQUIRED\n    raise NotImplementedError\n'
        result = await check(
            validator,
            generated_code=code.replace("def digest", f"def {stub_def}"),
            target={"source": source, "qualified_name": stub_def},
            validation_rules=["security"],
        )
        (found,) = [f for f in [*result.errors, *result.warnings] if f.code == "B324"]
        assert result.is_valid is not blocks
        assert (found.severity is EnumFindingSeverity.ERROR) is blocks
        assert found.message.endswith("blocks)" if blocks else "the stub asks for " + ("MD5" if "md5" in code else "SHA1") + " by name)")
        assert "usedforsecurity=False" in (found.suggested_fix or "")  # how to declare it, either way

    async def test_a_rewrite_that_clears_the_finding_is_named_and_other_tests_get_the_general_fix(self, validator):
        code = "import pickle\n\n\ndef load(blob: bytes) -> object:\n    return pickle.loads(blob)\n"
        result = await check(validator, generated_code=code, validation_rules=["security"])
        (error,) = [e for e in result.errors if e.code == "B301"]
        assert error.suggested_fix == "load data with json (or another format that cannot run code), not pickle"
        code = "import xml.etree.ElementTree as ET\n\n\ndef parse(text: str) -> object:\n    return ET.fromstring(text)\n"
        result = await check(validator, generated_code=code, validation_rules=["security"])
        assert [f.suggested_fix for f in [*result.errors, *result.warnings] if f.code == "B314"] == [
            "rewrite it without the unsafe construct"
        ]

    @pytest.mark.parametrize(
        ("code", "unsafe", "rewritten"),
        [
            ("B102", "exec(text)", "print(text)"),
            ("B104", "import socket\nsocket.socket().bind(('0.0.0.0', 80))", "import socket\nsocket.socket().bind((host, 80))"),
            ("B108", "handle = open('/tmp/x', 'w')", "import tempfile\nhandle = tempfile.NamedTemporaryFile()"),
            ("B301", "import pickle\npickle.loads(blob)", "import json\njson.loads(blob)"),
            ("B307", "eval(text)", "import ast\nast.literal_eval(text)"),
            ("B501", "import requests\nrequests.get(url, verify=False, timeout=5)", "import requests\nrequests.get(url, timeout=5)"),
            ("B506", "import yaml\nyaml.load(text)", "import yaml\nyaml.safe_load(text)"),
            ("B602", "import subprocess\nsubprocess.run(text, shell=True)", "import subprocess\nsubprocess.run([text, url])"),
            ("B605", "import os\nos.system(text)", "import subprocess\nsubprocess.run([text, url])"),
            ("B608", "cursor.execute('select * from t where n = ' + text)", "cursor.execute('select * from t where n = ?', (text,))"),
        ],
    )
    async def test_each_named_fix_applied_clears_its_finding(self, validator, code, unsafe, rewritten):
        """The table of fixes says only what works: the rewrite it names leaves at most bandit's low warnings."""
        result = await check(validator, generated_code=unsafe + "\n", validation_rules=["security"])
        (error,) = [e for e in result.errors if e.code == code]
        assert error.suggested_fix == _BANDIT_FIXES[code]
        result = await check(validator, generated_code=rewritten + "\n", validation_rules=["security"])
        assert result.is_valid and code not in {f.code for f in [*result.errors, *result.warnings]}

    async def test_sql_built_into_an_execute_call_still_blocks(self, validator):
        code = "def find(cursor, name):\n    cursor.execute('select * from t where name = ' + name)\n"
        result = await check(validator, generated_code=code, validation_rules=["security"])
        assert [e.code for e in result.errors if e.code == "B608"] == ["B608"]

    async def test_bandit_password_findings_do_not_repeat_the_password(self, validator):
        code = f'def login(password="{PASSWORD}"):\n    return password\n'
        result = await check(validator, generated_code=code, validation_rules=["security"])
        assert "B107" in {w.code for w in result.warnings}
        assert not [f.message for f in [*result.errors, *result.warnings] if PASSWORD in f.message]


class TestHardCodedSecrets:
    @pytest.mark.parametrize(
        ("code", "named"),
        [
            (f'def f() -> str:\n    password = "{PASSWORD}"\n    return password\n', 'password = "..."'),
            (f'def f(db):\n    return db.connect(user="u", password="{PASSWORD}")\n', 'password="..."'),
            (f'CONFIG = {{\n    "api_key": "{PASSWORD}",\n}}\n', "'api_key': \"...\""),
            (f'def login(password="{PASSWORD}"):\n    return password\n', 'password="..."'),
        ],
    )
    async def test_the_finding_names_where_the_secret_stands_and_elides_it(self, validator, code, named):
        result = await check(validator, generated_code=code, validation_rules=["security"])
        (error,) = [e for e in result.errors if e.code == "SEC020"]
        assert error.message.startswith(f"a hard-coded secret: {named} (")
        assert "Secret Keyword" in error.message
        assert PASSWORD not in error.message and PASSWORD not in (error.suggested_fix or "")


class TestOnexComplianceOutsideNodeFiles:
    async def test_a_bare_raise_exception_gets_a_warning_naming_model_onex_error(self, validator):
        result = await check(
            validator, generated_code="def f():\n    raise Exception\n", validation_rules=["onex_compliance"]
        )
        (warning,) = [w for w in result.warnings if w.code == "ONEX003"]
        assert warning.severity is EnumFindingSeverity.WARNING and "ModelOnexError" in warning.message
        assert result.is_valid and not result.errors and result.onex_compliant

    async def test_raising_a_built_exception_is_a_warning_too(self, validator):
        result = await check(
            validator, generated_code="def f():\n    raise ValueError('bad')\n", validation_rules=["onex_compliance"]
        )
        assert [w.code for w in result.warnings if w.code.startswith("ONEX")] == ["ONEX003"]
        assert result.is_valid

    async def test_print_outside_a_node_file_is_a_warning(self, validator):
        result = await check(validator, generated_code="def f():\n    print('x')\n", validation_rules=["onex"])
        assert [w.code for w in result.warnings if w.code.startswith("ONEX")] == ["ONEX007"]
        assert result.is_valid

    async def test_in_a_node_file_the_same_raise_is_an_error(self, validator):
        result = await check(
            validator,
            generated_code="def f():\n    raise Exception\n",
            validation_rules=["onex_compliance"],
            file_path="pkg/example_effect/v1_0_0/node.py",
        )
        assert "ONEX003" in {e.code for e in result.errors}
        assert not result.is_valid and not result.onex_compliant

    async def test_re_raising_the_caught_error_is_not_a_finding(self, validator):
        code = "def f():\n    try:\n        g()\n    except KeyError as error:\n        raise error\n"
        result = await check(validator, generated_code=code, validation_rules=["onex_compliance"])
        assert not [f for f in [*result.errors, *result.warnings] if f.code == "ONEX003"]
