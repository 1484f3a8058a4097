"""InvoiceFetcher: GET base_url/invoices/invoice_id; total and currency; a 404 is RESOURCE_NOT_FOUND."""

import pytest
from acceptance_support import call, node_of, refused

from nodegen.onex.example_env import example_env

pytestmark = pytest.mark.asyncio
KIND = "effect"
ROUTES = [
    {"method": "GET", "path": "/invoices/7", "json": {"id": 7, "total": 12.5, "currency": "EUR"}},
    {"method": "GET", "path": "/invoices/8", "json": {"id": 8, "total": 3, "currency": "USD"}},
    {"method": "GET", "path": "/invoices/9", "status": 404, "json": {"error": "not found"}},
]


@pytest.fixture
def node():
    return node_of("invoice_fetcher_effect", "NodeInvoiceFetcherEffect")


@pytest.mark.parametrize(("invoice_id", "total", "currency"), [(7, 12.5, "EUR"), (8, 3.0, "USD")])
async def test_invoice(node, invoice_id, total, currency):
    with example_env(http=ROUTES) as env:
        result = await call(node, KIND, base_url=env.base_url, invoice_id=invoice_id)
    assert (result.total, result.currency) == (total, currency)


async def test_a_404_is_resource_not_found(node):
    with example_env(http=ROUTES) as env:
        assert await refused(node, KIND, base_url=env.base_url, invoice_id=9) == "RESOURCE_NOT_FOUND"
