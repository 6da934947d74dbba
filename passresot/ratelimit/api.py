"""Count a request against a limit: `hit(bucket, limit, window_seconds)` raises RateLimited past it.

Fixed windows, counted where every worker sees them: an upsert on the `rate_limits` table in a
connection of its own (committed at once, so a request that fails later still counts and no row
lock is held while it runs), or INCR/EXPIRE on Redis when REDIS_URL is set. Old windows are
deleted now and then.
"""
import math
import random
from datetime import datetime, timedelta
from typing import Optional

from flask import current_app
from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from ..timeutil import utcnow
from .exceptions import RateLimited
from .models import RateLimit

PURGE_CHANCE = 0.01
KEEP_WINDOWS_FOR = timedelta(days=1)


def hit(bucket: str, limit: int, window_seconds: int, now: Optional[datetime] = None, *, amount: int = 1) -> int:
    """Count `amount` (one request, or a batch's items) in `bucket`; returns the count, raises
    RateLimited once it passes `limit`."""
    now = now or utcnow()
    start = _window_start(now, window_seconds)
    count = _count(bucket, start, window_seconds, amount)
    if count > limit:
        retry_after = math.ceil((start + timedelta(seconds=window_seconds) - now).total_seconds())
        raise RateLimited(max(1, retry_after))
    return count


def within_limit(bucket: str, limit: int, window_seconds: int, amount: int,
                 now: Optional[datetime] = None) -> int:
    """Count `amount` in `bucket` without refusing anything: how many of them (the first ones) fit
    under `limit`, for a caller that treats the rest differently instead of turning them away."""
    count = _count(bucket, _window_start(now or utcnow(), window_seconds), window_seconds, amount)
    return max(0, min(amount, limit - (count - amount)))


def _count(bucket: str, start: datetime, window_seconds: int, amount: int) -> int:
    redis_url = current_app.config.get("REDIS_URL")
    return (_redis_hit(redis_url, bucket, start, window_seconds, amount) if redis_url
            else _database_hit(bucket, start, amount))


def limit_from_config(name: str) -> tuple[int, int]:
    """A "COUNT/SECONDS" setting, e.g. "120/60", as (count, seconds)."""
    count, seconds = current_app.config[name].split("/")
    return int(count), int(seconds)


def _window_start(now: datetime, window_seconds: int) -> datetime:
    epoch = datetime(1970, 1, 1)
    elapsed = int((now - epoch).total_seconds())
    return epoch + timedelta(seconds=elapsed - elapsed % window_seconds)


def _database_hit(bucket: str, start: datetime, amount: int) -> int:
    table = RateLimit.__table__
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = (insert(table).values(bucket=bucket, window_start=start, hits=amount)
                 .on_conflict_do_update(index_elements=["bucket", "window_start"],
                                        set_={"hits": table.c.hits + amount})
                 .returning(table.c.hits))
    with db.engine.begin() as connection:
        count = connection.execute(statement).scalar_one()
        if random.random() < PURGE_CHANCE:
            connection.execute(delete(table).where(table.c.window_start < start - KEEP_WINDOWS_FOR))
    return count


_redis_clients: dict = {}


def _redis_hit(url: str, bucket: str, start: datetime, window_seconds: int, amount: int) -> int:
    import redis

    client = _redis_clients.get(url)
    if client is None:
        client = _redis_clients[url] = redis.Redis.from_url(url, socket_timeout=2)
    key = f"passresot:ratelimit:{bucket}:{int(start.timestamp())}"
    pipeline = client.pipeline()
    pipeline.incrby(key, amount)
    pipeline.expire(key, window_seconds + 5)
    count, _ = pipeline.execute()
    return int(count)
