"""Infrastructure behind the nodes: source files, and later event buses and stores."""
