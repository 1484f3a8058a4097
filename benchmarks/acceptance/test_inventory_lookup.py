"""InventoryLookup: the quantity of a sku in the items table of an SQLite database."""

import pytest
from acceptance_support import call, node_of, refused

from nodegen.onex.example_env import example_env

pytestmark = pytest.mark.asyncio
KIND = "effect"
ITEMS = ["CREATE TABLE items (sku TEXT, quantity INTEGER)", "INSERT INTO items VALUES ('A-1', 5)",
         "INSERT INTO items VALUES ('B-2', 0)"]  # fmt: skip


@pytest.fixture
def node():
    return node_of("inventory_lookup_effect", "NodeInventoryLookupEffect")


@pytest.mark.parametrize(("sku", "quantity"), [("A-1", 5), ("B-2", 0)])
async def test_quantity(node, sku, quantity):
    with example_env(sqlite={"shop.db": ITEMS}) as env:
        result = await call(node, KIND, database=str(env.dir / "shop.db"), sku=sku)
    assert result.quantity == quantity


async def test_an_unknown_sku_is_resource_not_found(node):
    with example_env(sqlite={"shop.db": ITEMS}) as env:
        assert await refused(node, KIND, database=str(env.dir / "shop.db"), sku="Z-9") == "RESOURCE_NOT_FOUND"
