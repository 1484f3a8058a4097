"""NodeCodegenCodeValidatorEffect: decides whether generated code may be written, and says what to fix."""
