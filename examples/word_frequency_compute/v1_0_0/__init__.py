"""NodeWordFrequencyCompute v1.0.0."""
