"""NodeCodegenMetricsReducer: generation events in, aggregated metrics and intents out, with no I/O."""
