"""DeployPlan: every step after the steps it needs, otherwise in the given order; a cycle is a validation error."""

import pytest
from acceptance_support import call, node_of, refused

pytestmark = pytest.mark.asyncio
KIND = "orchestrator"


@pytest.fixture
def node():
    return node_of("deploy_plan_orchestrator", "NodeDeployPlanOrchestrator")


async def test_dependencies_come_first(node):
    dependencies = {"deploy": ["test"], "test": ["build"]}
    result = await call(node, KIND, steps=["deploy", "build", "test"], dependencies=dependencies)
    assert result.order == ["build", "test", "deploy"]


async def test_the_given_order_is_kept_without_dependencies(node):
    assert (await call(node, KIND, steps=["c", "a", "b"], dependencies={})).order == ["c", "a", "b"]


async def test_a_cycle_is_a_validation_error(node):
    assert await refused(node, KIND, steps=["a", "b"], dependencies={"a": ["b"], "b": ["a"]}) == "VALIDATION_ERROR"
