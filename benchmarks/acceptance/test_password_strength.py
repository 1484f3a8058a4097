"""PasswordStrength: a point each for length >= 8, a lowercase, an uppercase, a digit, another character."""

import pytest
from acceptance_support import call, node_of, refused

pytestmark = pytest.mark.asyncio
KIND = "compute"


@pytest.fixture
def node():
    return node_of("password_strength_compute", "NodePasswordStrengthCompute")


@pytest.mark.parametrize(
    ("password", "score", "verdict"),
    [("abc", 1, "weak"), ("abcdefgh", 2, "weak"), ("Abcdefgh", 3, "medium"), ("Abcdefg1", 4, "medium"),
     ("Abcdef1!", 5, "strong"), ("A1!", 3, "medium"), ("12345678", 2, "weak")],
)  # fmt: skip
async def test_score_and_verdict(node, password, score, verdict):
    result = await call(node, KIND, password=password)
    assert (result.score, result.verdict) == (score, verdict)


async def test_an_empty_password_is_a_validation_error(node):
    assert await refused(node, KIND, password="") == "VALIDATION_ERROR"
