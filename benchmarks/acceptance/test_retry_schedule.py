"""RetrySchedule: base, 2*base, 4*base, ... one per attempt, each at most 60.0."""

import pytest
from acceptance_support import call, node_of, refused

pytestmark = pytest.mark.asyncio
KIND = "orchestrator"


@pytest.fixture
def node():
    return node_of("retry_schedule_orchestrator", "NodeRetryScheduleOrchestrator")


@pytest.mark.parametrize(
    ("attempts", "base", "delays"),
    [(3, 1.0, [1.0, 2.0, 4.0]), (1, 5.0, [5.0]), (5, 10.0, [10.0, 20.0, 40.0, 60.0, 60.0]), (2, 0.5, [0.5, 1.0])],
)
async def test_delays(node, attempts, base, delays):
    result = await call(node, KIND, attempts=attempts, base_delay_s=base)
    assert result.delays == pytest.approx(delays)


async def test_attempts_below_one_is_a_validation_error(node):
    assert await refused(node, KIND, attempts=0, base_delay_s=1.0) == "VALIDATION_ERROR"
