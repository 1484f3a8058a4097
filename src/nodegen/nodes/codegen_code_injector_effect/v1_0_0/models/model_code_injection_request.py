"""Model of one injection request: which stub, and the code to put in it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from nodegen.pysource import ReadAnswer


class ModelCodeInjectionRequest(BaseModel):
    """One stub to fill.

    Name the stub by ``qualified_name`` (``Outer.Inner.method``) or, in the original API's shape, by ``method_name``
    (a plain name, or a qualified one); ``expected_line`` (alias ``line_number``) may point at the ``def`` line or
    at the first decorator and then must match (within two lines when strict line matching is off).
    ``generated_code`` is a bare body at any indentation, or a whole ``def`` of the same function (with its
    decorators, or inside its class).
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    qualified_name: str | None = Field(default=None, description="Dotted path of the stub")
    method_name: str | None = Field(default=None, description="Plain (or dotted) name: the original API's key")
    expected_line: int | None = Field(default=None, ge=1, alias="line_number", description="def or decorator line")
    generated_code: str = Field(description="A body, or a whole def of the same function")
    answer: ReadAnswer = Field(
        default=None,
        description="``generated_code`` as read already, for in-process callers (the generator reads a model's "
        "answer once): taken as it is, the text is not read again",
    )
    required_imports: list[str] = Field(
        default_factory=list, description="Import statements (or bare module names) the code needs"
    )
    allow_helpers: bool = Field(
        default=False, description="Add helper functions or methods the answer defines beside the function"
    )
    force: bool = Field(default=False, description="Replace the body even when it is no longer a stub")
    preserve_signature: bool = Field(
        default=True, description="Accepted for the original API; the stub's signature is always kept"
    )
    preserve_docstring: bool = Field(
        default=True, description="Keep the stub's docstring and drop the answer's (False: the answer's wins)"
    )

    @model_validator(mode="after")
    def _named(self) -> ModelCodeInjectionRequest:
        if not (self.qualified_name or self.method_name):
            raise ValueError("an injection request needs qualified_name (or method_name)")
        return self

    @property
    def target(self) -> str:
        """The name the request gives for its stub."""
        return self.qualified_name or self.method_name or ""
