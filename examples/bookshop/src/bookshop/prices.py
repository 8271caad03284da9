"""Prices cached in Redis, so a busy shop does not ask the database for every basket."""

from __future__ import annotations

from decimal import Decimal

import redis

TTL_SECONDS = 300


class PriceCache:
    def __init__(self, redis_url: str) -> None:
        self._redis = redis.Redis.from_url(redis_url, decode_responses=True)

    def get(self, isbn: str) -> Decimal | None:
        value = self._redis.get(f"price:{isbn}")
        return None if value is None else Decimal(str(value))

    def put(self, isbn: str, price: Decimal) -> None:
        self._redis.set(f"price:{isbn}", str(price), ex=TTL_SECONDS)

    def forget(self, isbn: str) -> None:
        self._redis.delete(f"price:{isbn}")
