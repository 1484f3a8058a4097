"""nodegen: fills the stubs of Python (ONEX) node files with LLM-written, validated code."""

__version__ = "0.1.0"
