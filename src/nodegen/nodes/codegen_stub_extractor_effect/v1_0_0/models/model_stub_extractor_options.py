"""The settings the stub extractor reads (names, types and defaults are the settings')."""

from __future__ import annotations

from nodegen.settings import NodeOptions


class ModelStubExtractorOptions(NodeOptions):
    """Which markers make a stub, and whether unmarked ``raise NotImplementedError`` bodies count."""

    stub_extraction_patterns: list[str]
    stub_include_not_implemented: bool
