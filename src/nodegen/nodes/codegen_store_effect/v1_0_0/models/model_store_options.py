"""The settings the store effect reads (names, types and defaults are the settings')."""

from __future__ import annotations

from nodegen.settings import NodeOptions


class ModelStoreOptions(NodeOptions):
    """Where artifacts go and with which permissions, and which database holds metrics."""

    codegen_output_dir: str
    enable_artifact_db_storage: bool
    default_file_permissions: str
    database_url: str | None
    state_dir: str
