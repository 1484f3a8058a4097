"""NodeCodegenCodeGeneratorEffect: writes stub bodies with an LLM, validated before they are returned."""
