import os
import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest

from bookshop.catalogue import Book
from bookshop.inventory import Inventory

DATABASE_URL = os.environ.get("DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not DATABASE_URL,
    reason="DATABASE_URL is not set: run `py-ci run --services`, or point it at a PostgreSQL",
)


@pytest.fixture
def inventory() -> Iterator[Inventory]:
    shop = Inventory(DATABASE_URL)
    yield shop
    shop.close()


def test_add_and_find(inventory: Inventory) -> None:
    isbn = uuid.uuid4().hex
    inventory.add(Book(isbn, "Dune", Decimal("9.99"), 3))
    assert inventory.find(isbn) == Book(isbn, "Dune", Decimal("9.99"), 3)
    with pytest.raises(KeyError):
        inventory.find("missing")


def test_sell_takes_copies_off_the_shelf(inventory: Inventory) -> None:
    isbn = uuid.uuid4().hex
    inventory.add(Book(isbn, "Emma", Decimal("5.00"), 2))
    assert inventory.sell(isbn, 2) == 0
    with pytest.raises(ValueError, match="not enough"):
        inventory.sell(isbn, 1)
