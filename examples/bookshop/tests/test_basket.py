from decimal import Decimal

import pytest

from bookshop.basket import Basket
from bookshop.catalogue import Book, Catalogue


@pytest.fixture
def basket() -> Basket:
    return Basket(Catalogue([Book("1", "Dune", Decimal("10.00"), 20), Book("2", "Emma", Decimal("5.00"), 1)]))


def test_total_without_discount(basket: Basket) -> None:
    basket.add("1")
    basket.add("2")
    assert basket.total() == Decimal("15.00")


def test_quantity_discounts(basket: Basket) -> None:
    basket.add("1", 3)
    assert basket.discount() == Decimal("1.50")
    basket.add("1", 7)
    assert basket.total() == Decimal("90.00")


def test_voucher_never_makes_a_negative_total(basket: Basket) -> None:
    basket.add("2")
    assert basket.total(voucher=Decimal("50")) == Decimal("0.00")


def test_stock_is_enforced(basket: Basket) -> None:
    basket.add("2")
    with pytest.raises(ValueError, match="only 1"):
        basket.add("2")


def test_remove(basket: Basket) -> None:
    basket.add("1")
    basket.remove("1")
    assert basket.subtotal() == Decimal(0)
