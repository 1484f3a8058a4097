"""Model of one stub: a function or method whose body still has to be written."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from .model_class_context import ModelClassContext


class ModelMethodStub(BaseModel):
    """Everything known about a stub: where it is, what it looks like, and what surrounds it.

    Line numbers are 1-based lines of the file. ``signature`` is the exact source of the header, from ``def`` (or
    ``async def``) to the end of the return annotation, without the colon, on as many lines as it is written.
    """

    model_config = ConfigDict(frozen=True)

    name: str = Field(description="Plain function name")
    qualified_name: str = Field(description="Dotted path as Python's __qualname__ gives it, e.g. 'Outer.Inner.run'")
    signature: str = Field(description="Exact header source without the trailing colon")
    docstring: str | None = Field(default=None, description="Cleaned docstring")
    line_number: int = Field(ge=1, description="Line of the 'def' (or 'async def')")
    context: str | None = Field(default=None, description="Enclosing class as 'class Outer.Inner', else None")
    stub_marker: str = Field(description="The extraction pattern that matched")
    marker_note: str | None = Field(default=None, description="Text after the marker, e.g. 'parse the header'")
    marker_line: int = Field(ge=1, description="Line where the marker stands")
    is_async: bool = False
    decorators: list[str] = Field(default_factory=list, description="Decorators, as source, each with its '@'")
    first_decorator_line: int | None = Field(default=None, description="Line of the first decorator, if any")
    body_start_line: int = Field(ge=1, description="First line of the body (the docstring when there is one)")
    body_end_line: int = Field(ge=1, description="Last line of the body, trailing comments of the body included")
    indentation: str = Field(description="Whitespace before 'def', exactly as written")
    body_indentation: str = Field(description="Whitespace before the body's statements, exactly as written")
    has_placeholder_body: bool = Field(
        description="The body holds nothing but a docstring, pass, ..., or raise NotImplementedError"
    )
    enclosing_classes: list[ModelClassContext] = Field(
        default_factory=list, description="Classes around the stub, outermost first"
    )
    enclosing_function: str | None = Field(default=None, description="Qualified name of an enclosing function")
    sibling_signatures: list[str] = Field(
        default_factory=list,
        description="Signatures of the nearest functions defined in the same scope (at most 40), in source order",
    )
    module_imports: list[str] = Field(default_factory=list, description="The module's import statements, as source")
