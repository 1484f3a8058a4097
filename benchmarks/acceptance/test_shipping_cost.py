"""ShippingCost: 5.00 plus 1.20 per kg; international doubles that; express then adds 10.00; 2 decimals."""

import pytest
from acceptance_support import call, node_of, refused

pytestmark = pytest.mark.asyncio
KIND = "compute"


@pytest.fixture
def node():
    return node_of("shipping_cost_compute", "NodeShippingCostCompute")


@pytest.mark.parametrize(
    ("weight_kg", "zone", "express", "cost"),
    [(2.0, "domestic", False, 7.4), (10.0, "international", True, 44.0), (3.5, "domestic", True, 19.2),
     (0.0, "international", False, 10.0), (1.25, "international", False, 13.0)],
)  # fmt: skip
async def test_cost(node, weight_kg, zone, express, cost):
    result = await call(node, KIND, weight_kg=weight_kg, zone=zone, express=express)
    assert result.cost == pytest.approx(cost, abs=0.001)


async def test_express_defaults_to_false(node):
    assert (await call(node, KIND, weight_kg=2.0, zone="domestic")).cost == pytest.approx(7.4, abs=0.001)


async def test_a_negative_weight_is_a_validation_error(node):
    assert await refused(node, KIND, weight_kg=-1.0, zone="domestic", express=False) == "VALIDATION_ERROR"


async def test_an_unknown_zone_is_a_validation_error(node):
    assert await refused(node, KIND, weight_kg=1.0, zone="mars", express=False) == "VALIDATION_ERROR"
