"""OrderTotals: the sum of the amounts per customer, and the number of orders."""

import pytest
from acceptance_support import call, node_of, refused

pytestmark = pytest.mark.asyncio
KIND = "reducer"


@pytest.fixture
def node():
    return node_of("order_totals_reducer", "NodeOrderTotalsReducer")


async def test_totals_per_customer(node):
    orders = [
        {"customer": "bob", "amount": 2.5},
        {"customer": "ann", "amount": 1.0},
        {"customer": "bob", "amount": 1.5},
    ]
    result = await call(node, KIND, orders=orders)
    assert result.totals == pytest.approx({"ann": 1.0, "bob": 4.0})
    assert result.order_count == 3


async def test_no_orders(node):
    result = await call(node, KIND, orders=[])
    assert (result.totals, result.order_count) == ({}, 0)


async def test_a_negative_amount_is_a_validation_error(node):
    assert await refused(node, KIND, orders=[{"customer": "ann", "amount": -1.0}]) == "VALIDATION_ERROR"
