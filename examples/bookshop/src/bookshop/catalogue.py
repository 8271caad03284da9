"""Books and the catalogue that finds them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Book:
    isbn: str
    title: str
    price: Decimal
    stock: int = 0

    def __post_init__(self) -> None:
        if self.price < 0:
            raise ValueError(f"price of {self.isbn} is negative")
        if self.stock < 0:
            raise ValueError(f"stock of {self.isbn} is negative")


class Catalogue:
    def __init__(self, books: list[Book] | None = None) -> None:
        self._books = {book.isbn: book for book in books or []}

    def add(self, book: Book) -> None:
        if book.isbn in self._books:
            raise KeyError(f"{book.isbn} is already in the catalogue")
        self._books[book.isbn] = book

    def find(self, isbn: str) -> Book:
        try:
            return self._books[isbn]
        except KeyError:
            raise KeyError(f"no book {isbn}") from None

    def search(self, words: str) -> list[Book]:
        wanted = words.casefold().split()
        return [book for book in self._books.values() if all(w in book.title.casefold() for w in wanted)]

    def in_stock(self) -> list[Book]:
        return [book for book in self._books.values() if book.stock > 0]
