"""NodeCodegenCodeInjectorEffect: writes validated bodies into stubs."""
