"""Stock kept in PostgreSQL, so every till sees the same numbers."""

from __future__ import annotations

from decimal import Decimal

import psycopg

from bookshop.catalogue import Book

SCHEMA = """
CREATE TABLE IF NOT EXISTS books (
    isbn TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    price NUMERIC(10, 2) NOT NULL CHECK (price >= 0),
    stock INTEGER NOT NULL CHECK (stock >= 0)
)
"""


class Inventory:
    def __init__(self, database_url: str) -> None:
        self._connection = psycopg.connect(database_url, autocommit=True)
        self._connection.execute(SCHEMA)

    def close(self) -> None:
        self._connection.close()

    def add(self, book: Book) -> None:
        self._connection.execute(
            "INSERT INTO books (isbn, title, price, stock) VALUES (%s, %s, %s, %s)",
            (book.isbn, book.title, book.price, book.stock),
        )

    def find(self, isbn: str) -> Book:
        row = self._connection.execute(
            "SELECT isbn, title, price, stock FROM books WHERE isbn = %s", (isbn,)
        ).fetchone()
        if row is None:
            raise KeyError(f"no book {isbn}")
        return Book(row[0], row[1], Decimal(row[2]), row[3])

    def sell(self, isbn: str, quantity: int) -> int:
        """Take `quantity` copies off the shelf at once, or none if there are not enough; the stock left."""
        row = self._connection.execute(
            "UPDATE books SET stock = stock - %s WHERE isbn = %s AND stock >= %s RETURNING stock",
            (quantity, isbn, quantity),
        ).fetchone()
        if row is None:
            raise ValueError(f"not enough copies of {isbn}")
        stock: int = row[0]
        return stock
