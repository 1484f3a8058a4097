"""nodegen's nodes, one package each in the ONEX layout ``<name>/v1_0_0/{node.py, contract.yaml, models/, tests/}``."""
