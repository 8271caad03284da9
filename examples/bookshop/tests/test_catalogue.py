from decimal import Decimal

import pytest

from bookshop.catalogue import Book, Catalogue


def test_find_and_search() -> None:
    catalogue = Catalogue([Book("1", "Dune", Decimal("9.99"), 2), Book("2", "Dune Messiah", Decimal("8.50"))])
    assert catalogue.find("1").title == "Dune"
    assert [b.isbn for b in catalogue.search("dune messiah")] == ["2"]
    assert [b.isbn for b in catalogue.in_stock()] == ["1"]


def test_unknown_and_duplicate_books() -> None:
    catalogue = Catalogue()
    catalogue.add(Book("1", "Emma", Decimal("5")))
    with pytest.raises(KeyError, match="already"):
        catalogue.add(Book("1", "Emma", Decimal("5")))
    with pytest.raises(KeyError, match="no book 9"):
        catalogue.find("9")


def test_negative_price_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        Book("1", "Emma", Decimal("-1"))
