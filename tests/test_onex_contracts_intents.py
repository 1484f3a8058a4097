"""Contracts as the guide writes them, and intents with one priority direction."""

from uuid import UUID, uuid4

import pytest
from pydantic import BaseModel, ValidationError

from nodegen.onex import (
    EnumIntentType,
    MixinIntentPublisher,
    ModelContractEffect,
    ModelContractOrchestrator,
    ModelIntent,
    sort_intents,
)


def test_guide_one_liner_is_valid():
    cid = uuid4()
    contract = ModelContractEffect(correlation_id=cid, input_state={"node_file_content": "x"})
    assert contract.correlation_id == cid
    assert contract.input_state == {"node_file_content": "x"}


def test_correlation_id_defaults_to_a_new_uuid():
    first, second = ModelContractEffect(), ModelContractEffect()
    assert isinstance(first.correlation_id, UUID)
    assert first.correlation_id != second.correlation_id


def test_correlation_id_may_be_text():
    cid = uuid4()
    assert ModelContractEffect(correlation_id=str(cid)).correlation_id == cid


def test_input_data_is_an_alias_both_ways():
    contract = ModelContractOrchestrator(input_data={"prompt": "p"})
    assert contract.input_state == {"prompt": "p"}
    assert contract.input_data == {"prompt": "p"}


def test_a_model_as_input_becomes_its_dictionary():
    class Request(BaseModel):
        path: str

    assert ModelContractEffect(input_state=Request(path="a.py")).input_state == {"path": "a.py"}


def test_a_misspelt_field_is_refused():
    with pytest.raises(ValidationError):
        ModelContractEffect(input_sate={"x": 1})


def test_intent_priority_is_bounded():
    with pytest.raises(ValidationError):
        ModelIntent(intent_type=EnumIntentType.PUBLISH_EVENT, target="event_bus", priority=11)
    with pytest.raises(ValidationError):
        ModelIntent(intent_type=EnumIntentType.PUBLISH_EVENT, target="event_bus", priority=0)


def test_higher_priority_runs_first_and_ties_keep_their_order():
    low = ModelIntent(intent_type=EnumIntentType.PUBLISH_EVENT, target="event_bus", priority=1)
    urgent = ModelIntent(intent_type=EnumIntentType.PERSIST_METRICS, target="store_effect", priority=10)
    mid_a = ModelIntent(intent_type=EnumIntentType.PUBLISH_EVENT, target="a", priority=5)
    mid_b = ModelIntent(intent_type=EnumIntentType.PUBLISH_EVENT, target="b", priority=5)
    assert sort_intents([low, mid_a, urgent, mid_b]) == [urgent, mid_a, mid_b, low]


class Publisher(MixinIntentPublisher):
    def __init__(self):
        self._init_intent_publisher(None)


class Event(BaseModel):
    total: int


async def test_publish_event_intent_queues_an_intent_for_the_event_bus():
    publisher = Publisher()
    cid = uuid4()
    intent = await publisher.publish_event_intent("onex.codegen.metrics-recorded.v1", "k1", Event(total=3), cid, 7)
    assert intent.intent_type == EnumIntentType.PUBLISH_EVENT
    assert intent.target == "event_bus"
    assert intent.payload == {
        "topic": "onex.codegen.metrics-recorded.v1",
        "key": "k1",
        "event_type": "Event",
        "event": {"total": 3},
    }
    assert (intent.priority, intent.correlation_id, intent.created_by) == (7, cid, "Publisher")


async def test_drain_returns_intents_in_execution_order_and_empties_the_queue():
    publisher = Publisher()
    await publisher.publish_event_intent("t", "k", {"a": 1}, priority=2)
    publisher.emit_intent(ModelIntent(intent_type=EnumIntentType.PERSIST_METRICS, target="store_effect", priority=9))
    assert [intent.priority for intent in publisher.drain_intents()] == [9, 2]
    assert publisher.drain_intents() == []


def test_mixin_works_without_explicit_init():
    class Lazy(MixinIntentPublisher):
        pass

    lazy = Lazy()
    lazy.emit_intent(ModelIntent(intent_type=EnumIntentType.PUBLISH_EVENT, target="event_bus"))
    assert len(lazy.drain_intents()) == 1


class Request(BaseModel):
    model_config = {"extra": "forbid"}
    path: str
    limit: int = 3


def test_input_as_validates_into_the_model():
    assert ModelContractEffect(input_state={"path": "a.py"}).input_as(Request) == Request(path="a.py")


def test_input_as_names_the_bad_field():
    from nodegen.onex import EnumCoreErrorCode, ModelOnexError

    with pytest.raises(ModelOnexError) as caught:
        ModelContractEffect(input_state={"path": "a.py", "limit": "many"}).input_as(Request)
    assert caught.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR
    assert "limit" in caught.value.message


def test_input_as_lists_accepted_keys_for_an_unknown_one():
    from nodegen.onex import ModelOnexError

    with pytest.raises(ModelOnexError) as caught:
        ModelContractEffect(input_state={"path": "a.py", "limt": 1}).input_as(Request)
    assert "limt" in caught.value.message
    assert "accepted keys: path, limit" in caught.value.message


def test_input_as_applies_replacements():
    assert ModelContractEffect(input_state={"path": "a.py"}).input_as(Request, limit=9).limit == 9
