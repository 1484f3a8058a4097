"""NodeCodegenStubExtractorEffect: finds the stubs of a Python file."""
