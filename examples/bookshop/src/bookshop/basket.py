"""A basket of books, with quantity discounts and a voucher."""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from bookshop.catalogue import Catalogue

CENT = Decimal("0.01")


class Basket:
    def __init__(self, catalogue: Catalogue) -> None:
        self._catalogue = catalogue
        self._items: Counter[str] = Counter()

    def add(self, isbn: str, quantity: int = 1) -> None:
        if quantity < 1:
            raise ValueError("quantity must be at least 1")
        book = self._catalogue.find(isbn)
        if self._items[isbn] + quantity > book.stock:
            raise ValueError(f"only {book.stock} of {book.title!r} in stock")
        self._items[isbn] += quantity

    def remove(self, isbn: str) -> None:
        del self._items[isbn]

    def subtotal(self) -> Decimal:
        return sum((self._catalogue.find(i).price * n for i, n in self._items.items()), Decimal(0))

    def discount(self) -> Decimal:
        """5% off from 3 books, 10% off from 10."""
        count = sum(self._items.values())
        if count >= 10:
            rate = Decimal("0.10")
        elif count >= 3:
            rate = Decimal("0.05")
        else:
            rate = Decimal(0)
        return (self.subtotal() * rate).quantize(CENT, ROUND_HALF_UP)

    def total(self, voucher: Decimal = Decimal(0)) -> Decimal:
        if voucher < 0:
            raise ValueError("a voucher cannot be negative")
        return max(self.subtotal() - self.discount() - voucher, Decimal(0)).quantize(CENT, ROUND_HALF_UP)
