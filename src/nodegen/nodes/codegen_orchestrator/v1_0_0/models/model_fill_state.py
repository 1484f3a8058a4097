"""Model of a fill run's state, kept in the workflow's typed context (``Context[ModelFillState]``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from nodegen.nodes.codegen_code_generator_effect.v1_0_0 import StubConversation
from nodegen.nodes.codegen_code_generator_effect.v1_0_0.models import ModelStubGeneration

from .model_file_outcome import ModelFileOutcome
from .model_stub_outcome import ModelStubOutcome
from .model_stub_ref import ModelStubRef


class ModelFileRun(BaseModel):
    """A file being filled: its text as read, and how many of its stubs are not finished yet."""

    file_path: str
    source: str
    waiting: int = Field(ge=0)
    linked: bool = Field(default=False, description="A symbolic link when read: written through it (else never)")
    working_source: str | None = Field(
        default=None,
        description="The text with the code of its methods that passed so far in place: the other methods' "
        "candidates are checked in it, so their examples run against the class as it will be written",
    )


class ModelFillState(BaseModel):
    """What a run has done so far. Edits copy the small progress fields (``edit_state``); the collections that grow
    with every stub are declared ``exclude=True``, which the workflow store shares instead of copying on each edit
    (one step writes them at a time), so an edit costs the same at 10 stubs or 1,000."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    files: dict[str, ModelFileRun] = Field(default_factory=dict, description="Files with stubs, by path")
    files_left: int = Field(default=0, ge=0, description="Files not done yet (filled, refused or failed)")
    conversations: dict[ModelStubRef, StubConversation] = Field(
        default_factory=dict,
        exclude=True,
        description="Each stub's conversation as opened (then it travels in the workflow's events)",
    )
    attempts: dict[ModelStubRef, int] = Field(
        default_factory=dict, exclude=True, description="Attempts made so far, by stub (for a run that times out)"
    )
    waiting_stubs: list[ModelStubRef] = Field(
        default_factory=list, exclude=True, description="Stubs not started yet, the next one last"
    )
    needs: dict[ModelStubRef, set[ModelStubRef]] = Field(
        default_factory=dict,
        exclude=True,
        description="Stubs that wait for others of their class to finish (``stub_order``), and which",
    )
    finished: set[ModelStubRef] = Field(default_factory=set, exclude=True, description="Stubs finished")
    running: int = Field(default=0, ge=0, description="Stubs started and not finished")
    generations: dict[str, list[ModelStubGeneration]] = Field(
        default_factory=dict, exclude=True, description="Finished stubs, by file"
    )
    file_outcomes: list[ModelFileOutcome] = Field(default_factory=list, exclude=True)
    stub_outcomes: list[ModelStubOutcome] = Field(default_factory=list, exclude=True)
