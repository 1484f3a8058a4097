"""Model of how `nodegen new` got its node spec: from a model (samples, checks, repairs), a file, or keywords."""

from __future__ import annotations

from pydantic import BaseModel, Field, computed_field


class ModelSpecStage(BaseModel):
    """Where the spec came from and what it cost."""

    written_by: str = Field(description="The provider that wrote it, 'file', or 'keywords' (a draft only)")
    samples: int = Field(default=0, ge=0, description="Specs the model wrote (repairs not counted)")
    valid: int = Field(default=0, ge=0, description="Samples that passed every check")
    calls: int = Field(default=0, ge=0, description="Model calls, repairs included")
    prompt_tokens: int = Field(default=0, ge=0)
    completion_tokens: int = Field(default=0, ge=0)
    seconds: float = Field(default=0.0, ge=0.0)
    problems: list[str] = Field(default_factory=list, description="Why no sample passed (the closest one's problems)")
    implementations: int = Field(default=0, ge=0, description="Implementations drawn to check the examples' outputs")
    outputs_changed: list[str] = Field(
        default_factory=list, description="Examples whose output most implementations contradicted, now theirs"
    )
    proven_code: dict[str, list[str]] = Field(
        default_factory=dict,
        exclude=True,
        repr=False,
        description="Per operation, the implementations that give every example of the spec (not reported)",
    )
    spec_path: str | None = Field(default=None, description="The spec file written (--spec-only) or read (--spec)")
    draft_path: str | None = Field(default=None, description="A draft to complete when no spec passed the checks")
    note: str = ""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def proven(self) -> dict[str, int]:
        """Per operation, how many implementations give every example of the spec: the fill tries them before
        asking the model (they still pass every check of a fill)."""
        return {name: len(codes) for name, codes in self.proven_code.items()}
