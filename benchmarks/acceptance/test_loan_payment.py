"""LoanPayment: principal * r / (1 - (1 + r) ** -months), r = annual_rate_percent / 1200; rate 0: principal / months."""

import pytest
from acceptance_support import call, node_of, refused

pytestmark = pytest.mark.asyncio
KIND = "compute"


@pytest.fixture
def node():
    return node_of("loan_payment_compute", "NodeLoanPaymentCompute")


@pytest.mark.parametrize(
    ("principal", "rate", "months", "payment"),
    [(1000.0, 0.0, 10, 100.0), (1200.0, 12.0, 12, 106.62), (10000.0, 6.0, 60, 193.33), (500.0, 0.0, 1, 500.0)],
)
async def test_monthly_payment(node, principal, rate, months, payment):
    result = await call(node, KIND, principal=principal, annual_rate_percent=rate, months=months)
    assert result.monthly_payment == pytest.approx(payment, abs=0.01)


async def test_months_below_one_is_a_validation_error(node):
    assert await refused(node, KIND, principal=100.0, annual_rate_percent=5.0, months=0) == "VALIDATION_ERROR"


async def test_a_negative_principal_is_a_validation_error(node):
    assert await refused(node, KIND, principal=-1.0, annual_rate_percent=5.0, months=12) == "VALIDATION_ERROR"
