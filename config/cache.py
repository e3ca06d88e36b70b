"""The cache degrades instead of failing: with Redis down, a read misses and a write is skipped.

What the cache holds (login-failure counters, API rate counters, heartbeats) is an aid, never the
record: a page or an API call must still answer while Redis is away (issue 14; DESIGN.md
invariant 11). Each degraded call logs one warning line.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# method -> what it answers when Redis does not
_DEGRADED: dict[str, Callable[..., Any]] = {
    "get": lambda key, default=None, *args, **kwargs: default,
    "get_many": lambda *args, **kwargs: {},
    "has_key": lambda *args, **kwargs: False,
    "add": lambda *args, **kwargs: False,
    "set": lambda *args, **kwargs: None,
    "set_many": lambda *args, **kwargs: [],
    "touch": lambda *args, **kwargs: False,
    "delete": lambda *args, **kwargs: False,
    "delete_many": lambda *args, **kwargs: None,
    "clear": lambda *args, **kwargs: None,
    "hit": lambda *args, **kwargs: None,
}


def _tolerant(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except (RedisError, OSError) as exc:
            logger.warning("cache unavailable (%s): %s skipped", exc.__class__.__name__, name)
            if name in {"incr", "decr"}:
                raise ValueError("cache unavailable") from exc  # what callers of incr handle for a missing key
            return _DEGRADED[name](*args, **kwargs)

    return call


class TolerantRedisCache(RedisCache):
    """Django's Redis cache, answering a miss (or doing nothing) while Redis is unreachable."""

    @functools.cached_property
    def _writer(self) -> Any:
        """The client ``hit`` sends through, made once: Django makes a new one (with its table of some 170 reply
        parsers) for every call, which an API request, counted by ``hit``, paid for each time. Django keeps a
        cache object per thread, so this client is never shared between threads."""
        return self._cache.get_client(write=True)

    def hit(self, key: str, lifetime: int) -> int | None:
        """Adds one to the counter ``key`` (kept ``lifetime`` seconds after its last hit) and returns it, in
        one round trip; None while Redis is away."""
        key = self.make_and_validate_key(key)
        pipe = self._writer.pipeline(transaction=False)
        pipe.incr(key)
        pipe.expire(key, lifetime)
        count, _ = pipe.execute()
        return int(count)


for _name in [*_DEGRADED, "incr", "decr"]:
    setattr(TolerantRedisCache, _name, _tolerant(_name, getattr(TolerantRedisCache, _name)))
