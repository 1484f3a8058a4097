"""The services a node is given, as one typed object read once from its container."""

from __future__ import annotations

from unittest.mock import Mock

import pytest

from nodegen.infra.bus import InProcessBus
from nodegen.llm import RunBudget
from nodegen.nodes.codegen_code_generator_effect.v1_0_0 import NodeCodegenCodeGeneratorEffect
from nodegen.onex import EnumCoreErrorCode, ModelContainer, ModelOnexError
from nodegen.onex.testing import create_test_container
from nodegen.services import NodegenServices


def test_a_container_that_answers_none_for_every_name_gives_no_services():
    container = Mock()
    container.get_service = Mock(return_value=None)
    assert NodegenServices.of(container) == NodegenServices()


def test_the_services_come_back_as_registered_and_go_on_to_a_runs_container():
    bus, budget = InProcessBus(), RunBudget(max_tokens=10)
    services = NodegenServices.of(ModelContainer.from_settings(services={"event_bus": bus, "llm_budget": budget}))
    assert services.event_bus is bus and services.llm_budget is budget and services.llm_client is None
    assert services.registry() == {"event_bus": bus, "llm_budget": budget}  # the same objects, not copies
    assert services.budget_or(max_tokens=5, max_cost_usd=None) is budget
    assert NodegenServices().budget_or(max_tokens=5, max_cost_usd=None).max_tokens == 5


@pytest.mark.parametrize(
    ("name", "service", "said"),
    [
        ("llm_client", "gpt-4o-mini", "the llm_client service is a str, not an LLM client"),
        ("event_bus", object(), "the event_bus service is a object, not an event bus"),
        ("progress", 3, "the progress service is a int, not a function"),
    ],
)
def test_a_service_of_the_wrong_kind_is_a_configuration_error_naming_it(name, service, said):
    container = create_test_container()
    container.register_service(name, service)
    with pytest.raises(ModelOnexError) as refused:
        NodeCodegenCodeGeneratorEffect(container)
    assert refused.value.error_code is EnumCoreErrorCode.INVALID_CONFIGURATION and refused.value.message == said

