import os
import uuid
from decimal import Decimal

import pytest

from bookshop.prices import PriceCache

REDIS_URL = os.environ.get("REDIS_URL", "")
pytestmark = pytest.mark.skipif(
    not REDIS_URL, reason="REDIS_URL is not set: run `py-ci run --services`, or point it at a Redis"
)


def test_put_get_forget() -> None:
    cache = PriceCache(REDIS_URL)
    isbn = uuid.uuid4().hex
    assert cache.get(isbn) is None
    cache.put(isbn, Decimal("12.50"))
    assert cache.get(isbn) == Decimal("12.50")
    cache.forget(isbn)
    assert cache.get(isbn) is None
