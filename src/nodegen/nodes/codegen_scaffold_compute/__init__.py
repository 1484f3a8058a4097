"""NodeCodegenScaffoldCompute: a prompt in, a typed requirements model and a rendered node package out."""
