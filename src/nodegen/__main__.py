"""``python -m nodegen`` runs the command line."""

from nodegen.cli import main

main()
