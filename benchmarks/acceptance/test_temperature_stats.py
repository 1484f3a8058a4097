"""TemperatureStats: minimum, maximum and mean (1 decimal) of the readings."""

import pytest
from acceptance_support import call, node_of, refused

pytestmark = pytest.mark.asyncio
KIND = "reducer"


@pytest.fixture
def node():
    return node_of("temperature_stats_reducer", "NodeTemperatureStatsReducer")


@pytest.mark.parametrize(
    ("readings", "minimum", "maximum", "mean"),
    [([20.0, 22.0, 21.0], 20.0, 22.0, 21.0), ([-5.5], -5.5, -5.5, -5.5), ([1.0, 2.0], 1.0, 2.0, 1.5),
     ([10.0, 10.0, 11.0], 10.0, 11.0, 10.3)],
)  # fmt: skip
async def test_stats(node, readings, minimum, maximum, mean):
    result = await call(node, KIND, readings=readings)
    assert (result.minimum, result.maximum) == (minimum, maximum)
    assert result.mean == pytest.approx(mean, abs=0.01)


async def test_no_readings_is_a_validation_error(node):
    assert await refused(node, KIND, readings=[]) == "VALIDATION_ERROR"
