"""NodeCodegenStoreEffect: artifacts to disk under the output directory, metrics and attempts to the database."""
