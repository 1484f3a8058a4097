"""SlugMaker: lower-cased, every run of non-alphanumeric characters one hyphen, no hyphen at either end."""

import pytest
from acceptance_support import call, node_of, refused

pytestmark = pytest.mark.asyncio
KIND = "compute"


@pytest.fixture
def node():
    return node_of("slug_maker_compute", "NodeSlugMakerCompute")


@pytest.mark.parametrize(
    ("title", "slug"),
    [("Hello World", "hello-world"), ("  Hello,   World!  ", "hello-world"),
     ("Python 3.12 is out", "python-3-12-is-out"), ("already-a-slug", "already-a-slug"), ("ABC", "abc")],
)  # fmt: skip
async def test_slug(node, title, slug):
    assert (await call(node, KIND, title=title)).slug == slug


async def test_a_title_without_letters_or_digits_is_a_validation_error(node):
    assert await refused(node, KIND, title="?!  --") == "VALIDATION_ERROR"
