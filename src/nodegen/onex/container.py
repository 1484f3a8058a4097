"""Dependency injection for nodes: configuration by key and services by name.

Nodes call exactly two things on a container: ``container.config.get(key, default)`` and
``container.get_service(name)`` (which may return ``None``; the node then uses its built-in default). Configuration
is read once into a typed settings object (any pydantic model) and handed down; explicit overrides win over it. With
settings, an override must name one of their fields (a misspelt key is refused, with the nearest name).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator


def unknown_key_message(key: str, known: Iterable[str], *, where: str = "setting") -> str:
    """``unknown setting 'llm_temprature' (did you mean 'llm_temperature'?)``, or the list of known keys."""
    names = sorted(known)
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(names)}"
    return f"unknown {where} {key!r} ({hint})"


class ModelContainerConfig(BaseModel):
    """Read-only view of configuration: overrides first, then the typed settings' fields, then the caller's default."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    settings: BaseModel | None = Field(default=None, description="Typed settings whose fields are the config keys")
    overrides: dict[str, Any] = Field(default_factory=dict, description="Values that win over the settings")

    @model_validator(mode="after")
    def _overrides_are_settings(self) -> ModelContainerConfig:
        if self.settings is not None:
            known = type(self.settings).model_fields
            unknown = [key for key in self.overrides if key not in known]
            if unknown:
                raise ValueError("; ".join(unknown_key_message(key, known, where="override") for key in unknown))
        return self

    def get(self, key: str, default: Any = None) -> Any:
        """The value configured for ``key``, or ``default`` when nothing configures it."""
        if key in self.overrides:
            return self.overrides[key]
        if self.settings is not None and key in type(self.settings).model_fields:
            return getattr(self.settings, key)
        return default

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (
            key in self.overrides or (self.settings is not None and key in type(self.settings).model_fields)
        )


class ModelContainer(BaseModel):
    """Configuration plus a registry of named services (LLM client, event bus, store, ...)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    config: ModelContainerConfig = Field(default_factory=ModelContainerConfig)
    _services: dict[str, Any] = PrivateAttr(default_factory=dict)

    @classmethod
    def from_settings(
        cls,
        settings: BaseModel | None = None,
        overrides: Mapping[str, Any] | None = None,
        services: Mapping[str, Any] | None = None,
    ) -> ModelContainer:
        """A container whose config reads ``settings`` (with ``overrides`` on top) and holds ``services``."""
        container = cls(config=ModelContainerConfig(settings=settings, overrides=dict(overrides or {})))
        for name, service in (services or {}).items():
            container.register_service(name, service)
        return container

    def get_service(self, name: str) -> Any | None:
        """The service registered under ``name``, or ``None``."""
        return self._services.get(name)

    def register_service(self, name: str, service: Any) -> None:
        """Register (or replace) the service called ``name``."""
        if not name:
            raise ValueError("a service needs a non-empty name")
        self._services[name] = service

    def service_names(self) -> list[str]:
        """Names of the registered services, sorted."""
        return sorted(self._services)


def registered(container: ModelContainer, names: Iterable[str]) -> dict[str, Any]:
    """The services called ``names`` as ``container`` has them (None for one it has not): the one place nodegen
    asks a container for services by name (a typed services object is built from it, ``nodegen.services``). Only
    ``get_service`` is called, which is all the original API promises of a container."""
    return {name: container.get_service(name) for name in names}


__all__ = ["ModelContainer", "ModelContainerConfig", "registered", "unknown_key_message"]
