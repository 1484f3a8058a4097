"""Injection of what an answer brings besides its body: the imports it needs (added once, after the file's own) and
the helper functions it defines (beside the stub, or at module level)."""

from .test_injection import fill, filled, refused


class TestImports:
    SOURCE = '"""Doc."""\n\nfrom __future__ import annotations\n\nimport os\nfrom typing import Any\n\n\ndef f(x):\n    pass  # Stub\n'

    def test_required_import_goes_after_the_existing_ones(self):
        result = filled(self.SOURCE, "f", "return json.dumps(x)", required_imports=["import json"])
        assert result == self.SOURCE.replace(
            "from typing import Any\n", "from typing import Any\nimport json\n"
        ).replace("    pass  # Stub", "    return json.dumps(x)")

    def test_existing_from_import_gains_the_name(self):
        result = filled(self.SOURCE, "f", "return cast(Any, x)", required_imports=["from typing import cast"])
        assert "from typing import Any, cast\n" in result
        assert result.count("from typing") == 1

    def test_an_import_already_there_is_not_added(self):
        outcome = fill(
            self.SOURCE, {"qualified_name": "f", "generated_code": "return os.sep", "required_imports": ["import os"]}
        )
        assert outcome.imports_added == []
        assert outcome.source.count("import os") == 1

    def test_bare_module_name_is_an_import(self):
        assert "import json\n" in filled(self.SOURCE, "f", "return json.dumps(x)", required_imports=["json"])

    def test_imports_above_a_whole_def_are_added_once(self):
        code = "import json\nimport os\n\ndef f(x):\n    return json.dumps(os.sep)\n"
        result = filled(self.SOURCE, "f", code)
        assert result.count("import json") == 1 and result.count("import os") == 1

    def test_import_after_the_docstring_when_the_file_has_none(self):
        result = filled(
            '"""Doc."""\n\n\ndef f(x):\n    pass  # Stub\n',
            "f",
            "return json.dumps(x)",
            required_imports=["import json"],
        )
        assert result == '"""Doc."""\n\nimport json\n\n\ndef f(x):\n    return json.dumps(x)\n'

    def test_import_at_the_top_of_a_file_without_docstring_or_imports(self):
        result = filled("def f(x):\n    pass  # Stub\n", "f", "return json.dumps(x)", required_imports=["import json"])
        assert result == "import json\ndef f(x):\n    return json.dumps(x)\n"

    def test_future_import_goes_first(self):
        result = filled(
            "import os\n\ndef f(x):\n    pass  # Stub\n",
            "f",
            "return x",
            required_imports=["from __future__ import annotations"],
        )
        assert result.startswith("from __future__ import annotations\nimport os\n")

    def test_an_invalid_import_fails_its_request(self):
        error = refused(self.SOURCE, "f", "return 1", required_imports=["import (broken"])
        assert error.code == "invalid_import"

    def test_the_import_of_a_dropped_decorator_is_not_added(self):
        code = "import functools\nimport json\n\n@functools.cache\ndef f(x):\n    return json.dumps(x)\n"
        outcome = fill(self.SOURCE, {"qualified_name": "f", "generated_code": code})
        assert outcome.errors == [] and outcome.imports_added == ["import json"]
        assert "functools" not in outcome.source and "@" not in outcome.source

    def test_only_the_used_names_of_a_from_import_are_added(self):
        code = "from collections import Counter, OrderedDict, deque\n\ndef f(x):\n    return Counter(x)\n"
        result = filled(self.SOURCE, "f", code)
        assert "from collections import Counter\n" in result and "deque" not in result

    def test_an_import_used_only_in_a_string_annotation_is_added(self):
        code = "from decimal import Decimal\n\ndef f(x):\n    value: 'Decimal' = x\n    return value\n"
        assert "from decimal import Decimal\n" in filled(self.SOURCE, "f", code)

    def test_an_unused_required_import_is_not_added(self):
        outcome = fill(
            self.SOURCE, {"qualified_name": "f", "generated_code": "return x", "required_imports": ["import json"]}
        )
        assert outcome.imports_added == [] and "json" not in outcome.source

    def test_imports_inside_a_bare_body_stay_in_the_body(self):
        result = filled(self.SOURCE, "f", "import math\nreturn math.floor(x)")
        assert "    import math\n    return math.floor(x)\n" in result
        assert result.count("import math") == 1


class TestHelpers:
    def test_helpers_are_refused_unless_allowed(self):
        code = "def _double(x):\n    return x * 2\n\ndef f(x):\n    return _double(x)\n"
        error = refused("def f(x):\n    pass  # Stub\n", "f", code)
        assert error.code == "unexpected_code"
        assert "`_double`" in error.message

    def test_module_level_helper_goes_after_the_stub(self):
        code = "def _double(x):\n    return x * 2\n\ndef f(x):\n    return _double(x)\n"
        outcome = fill(
            "def f(x):\n    pass  # Stub\n\nY = 1\n",
            {"qualified_name": "f", "generated_code": code, "allow_helpers": True},
        )
        assert outcome.source == "def f(x):\n    return _double(x)\n\n\ndef _double(x):\n    return x * 2\n\nY = 1\n"
        assert outcome.helpers_added == ["_double"]

    def test_helper_method_goes_beside_the_method(self):
        source = "class A:\n    def f(self, x):\n        pass  # Stub\n"
        code = "class A:\n    def f(self, x):\n        return self._double(x)\n\n    def _double(self, x):\n        return x * 2\n"
        outcome = fill(source, {"qualified_name": "A.f", "generated_code": code, "allow_helpers": True})
        assert (
            outcome.source
            == "class A:\n    def f(self, x):\n        return self._double(x)\n\n    def _double(self, x):\n        return x * 2\n"
        )

    def test_helper_that_would_replace_a_name_is_refused(self):
        source = "def f(x):\n    pass  # Stub\n\ndef g(x):\n    return 0\n"
        code = "def g(x):\n    return 1\n\ndef f(x):\n    return g(x)\n"
        assert refused(source, "f", code, allow_helpers=True).code == "helper_conflict"
