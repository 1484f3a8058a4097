"""`nodegen new`'s provider: --llm first, then the llm setting when it is set, then new_llm (local:1.5b) when its
weights are installed; when they are not, the llm setting's provider, and a note that says what to install."""

from __future__ import annotations

import sys

import pytest

from nodegen.application import run_provider
from nodegen.llm import TINY_MODEL_WARNING
from nodegen.nodes.codegen_orchestrator.v1_0_0.models import ModelCodegenOrchestrationRequest
from nodegen.settings import load_settings

NEW = {"prompt": "Generate a compute node named ShippingCost", "output_directory": "out"}


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NODEGEN_LLM", raising=False)
    return tmp_path


def settled(**fields):
    request, note = run_provider(ModelCodegenOrchestrationRequest(**fields), load_settings())
    return request.llm, note


def test_new_uses_new_llm_when_no_provider_is_named(project, monkeypatch):
    assert load_settings().new_llm == "local:1.5b"
    monkeypatch.setenv("NODEGEN_NEW_LLM", "openai:gpt-4o-mini")  # no weights to look for: what CI can check
    assert settled(**NEW) == ("openai:gpt-4o-mini", None)
    assert settled(spec_path="spec.yaml", output_directory="out") == ("openai:gpt-4o-mini", None)


def test_a_named_provider_is_kept_for_new_and_fill_keeps_the_default(project, monkeypatch):
    assert settled(**NEW, llm="openai:gpt-4o-mini") == ("openai:gpt-4o-mini", None)
    assert settled(files=["a.py"]) == (None, TINY_MODEL_WARNING)
    monkeypatch.setenv("NODEGEN_LLM", "local")
    assert settled(**NEW) == (None, TINY_MODEL_WARNING)  # the llm setting, set: used as it is
    monkeypatch.delenv("NODEGEN_LLM")
    (project / "pyproject.toml").write_text('[tool.nodegen]\nllm = "ollama:llama3.2"\n')
    assert settled(**NEW) == (None, None)


def test_without_the_larger_model_installed_new_says_so_and_uses_the_llm_setting(project, monkeypatch):
    monkeypatch.setattr(sys, "path", [str(project)])  # no installed distribution: no weights
    llm, note = settled(**NEW)
    assert llm is None and note is not None
    assert "local:1.5b" in note and "make local-1.5b" in note and "local writes the spec" in note
