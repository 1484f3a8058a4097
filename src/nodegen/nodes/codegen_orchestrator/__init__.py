"""NodeCodegenOrchestrator: runs the code generation workflow and executes the intents it yields."""
