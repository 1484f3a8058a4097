"""CsvSummer: the sum of the amount column of a CSV file in a folder, and its data rows."""

import pytest
from acceptance_support import call, node_of, refused

from nodegen.onex.example_env import example_env

pytestmark = pytest.mark.asyncio
KIND = "effect"


@pytest.fixture
def node():
    return node_of("csv_summer_effect", "NodeCsvSummerEffect")


async def test_sum_of_the_amount_column(node):
    with example_env(files={"sales.csv": "item,amount\npen,1.5\nbook,12\nink,0.25\n"}) as env:
        result = await call(node, KIND, folder=str(env.dir), file_name="sales.csv")
    assert result.total == pytest.approx(13.75) and result.rows == 3


async def test_a_header_only_file(node):
    with example_env(files={"empty.csv": "amount,item\n"}) as env:
        result = await call(node, KIND, folder=str(env.dir), file_name="empty.csv")
    assert result.total == 0.0 and result.rows == 0


async def test_a_missing_file_is_file_not_found(node):
    with example_env() as env:
        assert await refused(node, KIND, folder=str(env.dir), file_name="none.csv") == "FILE_NOT_FOUND"
