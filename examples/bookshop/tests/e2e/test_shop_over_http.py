"""The shop as a customer meets it: over HTTP, with PostgreSQL and Redis behind it."""

import json
import os
import urllib.error
import urllib.request
import uuid
from typing import Any

import pytest

URL = os.environ.get("BOOKSHOP_URL", "http://127.0.0.1:8765")


def call(method: str, path: str, document: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
    body = None if document is None else json.dumps(document).encode()
    request = urllib.request.Request(f"{URL}{path}", data=body, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def running() -> bool:
    try:
        return call("GET", "/health")[0] == 200
    except OSError:
        return False


pytestmark = pytest.mark.skipif(
    not running(), reason=f"the shop is not running at {URL}: run the e2e group (py-ci run --group e2e)"
)


def test_a_book_round_trips_through_postgres_and_redis() -> None:
    isbn = uuid.uuid4().hex
    created = call("PUT", f"/books/{isbn}", {"title": "Dune", "price": "9.99", "stock": 3})
    assert created == (201, {"isbn": isbn})
    status, book = call("GET", f"/books/{isbn}")
    assert status == 200
    assert book == {"isbn": isbn, "title": "Dune", "price": "9.99", "price_from": "cache", "stock": 3}


def test_unknown_books_and_bad_requests() -> None:
    assert call("GET", f"/books/{uuid.uuid4().hex}") == (404, {"error": "no such book"})
    status, reply = call("PUT", f"/books/{uuid.uuid4().hex}", {"title": "No price"})
    assert status == 400
    assert "a book is {title, price, stock}" in reply["error"]
