"""The shop over HTTP: books kept in PostgreSQL, their prices served from the Redis cache.

Run it with `python -m bookshop.web` (DATABASE_URL, REDIS_URL; BOOKSHOP_PORT, default 8765).
"""

from __future__ import annotations

import json
import os
from decimal import Decimal, InvalidOperation
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bookshop.catalogue import Book
from bookshop.inventory import Inventory
from bookshop.prices import PriceCache

DEFAULT_PORT = 8765


class Shop:
    def __init__(self, inventory: Inventory, prices: PriceCache) -> None:
        self._inventory = inventory
        self._prices = prices

    def put(self, book: Book) -> None:
        self._inventory.add(book)
        self._prices.put(book.isbn, book.price)

    def get(self, isbn: str) -> dict[str, Any]:
        book = self._inventory.find(isbn)
        cached = self._prices.get(isbn)
        if cached is None:
            self._prices.put(isbn, book.price)
        price, source = (book.price, "database") if cached is None else (cached, "cache")
        return {
            "isbn": isbn,
            "title": book.title,
            "price": str(price),
            "price_from": source,
            "stock": book.stock,
        }


def parse_book(isbn: str, body: bytes) -> Book:
    try:
        data = json.loads(body)
        return Book(isbn, str(data["title"]), Decimal(str(data["price"])), int(data["stock"]))
    except (json.JSONDecodeError, KeyError, TypeError, ValueError, InvalidOperation) as error:
        raise ValueError(f"a book is {{title, price, stock}}: {error}") from None


def handler_for(shop: Shop) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def reply(self, status: HTTPStatus, document: dict[str, Any]) -> None:
            body = json.dumps(document).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path == "/health":
                self.reply(HTTPStatus.OK, {"status": "ok"})
            elif self.path.startswith("/books/"):
                try:
                    self.reply(HTTPStatus.OK, shop.get(self.path.removeprefix("/books/")))
                except KeyError:
                    self.reply(HTTPStatus.NOT_FOUND, {"error": "no such book"})
            else:
                self.reply(HTTPStatus.NOT_FOUND, {"error": "no such page"})

        def do_PUT(self) -> None:
            if not self.path.startswith("/books/"):
                self.reply(HTTPStatus.NOT_FOUND, {"error": "no such page"})
                return
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                shop.put(parse_book(self.path.removeprefix("/books/"), body))
            except ValueError as error:
                self.reply(HTTPStatus.BAD_REQUEST, {"error": str(error)})
                return
            self.reply(HTTPStatus.CREATED, {"isbn": self.path.removeprefix("/books/")})

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: the tests read the replies, not a log

    return Handler


def main() -> None:
    inventory = Inventory(os.environ["DATABASE_URL"])
    shop = Shop(inventory, PriceCache(os.environ["REDIS_URL"]))
    port = int(os.environ.get("BOOKSHOP_PORT", str(DEFAULT_PORT)))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler_for(shop))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass  # stopped: coverage.py and the connections close on the way out
    finally:
        server.server_close()
        inventory.close()


if __name__ == "__main__":
    main()
