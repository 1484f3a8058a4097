"""Model of where generated code is meant to go."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from nodegen.pysource import ReadAnswer


class ModelValidationTarget(BaseModel):
    """The file the code is meant for and the stub it fills: the code is checked in place, with the file's imports
    and names in scope, and only findings inside it count."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(description="The file's text")
    qualified_name: str = Field(description="The stub the code fills, e.g. 'Inventory.total'")
    expected_line: int | None = Field(default=None, ge=1, description="The stub's def (or decorator) line")
    required_imports: list[str] = Field(default_factory=list, description="Imports that will be added with the code")
    answer: ReadAnswer = Field(
        default=None,
        description="The code as read already (in-process: the generator's reading of a model's answer), handed to "
        "the injector's preview as it is",
    )
    probes: list[str] = Field(
        default_factory=list,
        description="Calls run after the stub's examples (in the examples' sandbox run): what each prints or raises "
        "comes back as the result's probe_outputs, never judged; candidates are compared by them",
    )
