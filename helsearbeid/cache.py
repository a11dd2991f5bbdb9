"""Django's Redis cache, except that a Redis that is down is a cache miss instead of an error.

Django's RedisCache raises redis.ConnectionError on every call when Redis is down, and the page
that happened to touch the cache (API throttling, the summary rebuild's debounce) fails with a
500. Nothing in the portal needs the cache to be right, only fast, so here every failed call is
logged and answered as if the cache were empty: `get` gives the default, `set`/`delete` do nothing,
and `add` answers True ("not known to be taken"), so a debounce lets the work through rather than
dropping it. Do not use this cache as a lock. After a failure Redis is left alone for
PAUSE_SEKUNDER, so a Redis that hangs costs one request per process a short timeout, not every
request. /readyz asks Redis directly and still reports it as down.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

FEIL = (RedisConnectionError, RedisTimeoutError, OSError)
PAUSE_SEKUNDER = 5.0


class RobustRedisCache(RedisCache):
    _nede_til = 0.0  # monotonic time until which Redis is not tried (per process)

    def _prov(self, navn: str, standard: Any, kall: Callable[[], Any]) -> Any:
        if time.monotonic() < RobustRedisCache._nede_til:
            return standard
        try:
            return kall()
        except FEIL as feil:
            RobustRedisCache._nede_til = time.monotonic() + PAUSE_SEKUNDER
            logger.warning(
                "Redis-cachen svarer ikke (%s: %s); %s går uten cache i %s s",
                type(feil).__name__,
                feil,
                navn,
                PAUSE_SEKUNDER,
            )
            return standard

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._prov(
            "get", default, lambda: super(RobustRedisCache, self).get(key, default, version)
        )

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        return self._prov(
            "get_many", {}, lambda: super(RobustRedisCache, self).get_many(keys, version)
        )

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._prov(
            "has_key", False, lambda: super(RobustRedisCache, self).has_key(key, version)
        )

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._prov(
            "set", None, lambda: super(RobustRedisCache, self).set(key, value, timeout, version)
        )

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> list[Any]:
        return self._prov(
            "set_many",
            list(data),
            lambda: super(RobustRedisCache, self).set_many(data, timeout, version),
        )

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return self._prov(
            "add", True, lambda: super(RobustRedisCache, self).add(key, value, timeout, version)
        )

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._prov(
            "touch", False, lambda: super(RobustRedisCache, self).touch(key, timeout, version)
        )

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._prov(
            "delete", False, lambda: super(RobustRedisCache, self).delete(key, version)
        )

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._prov(
            "delete_many", None, lambda: super(RobustRedisCache, self).delete_many(keys, version)
        )

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        # Django answers a missing key with ValueError; a Redis that is down is the same to the
        # caller: there is no value to count from.
        verdi = self._prov(
            "incr", None, lambda: super(RobustRedisCache, self).incr(key, delta, version)
        )
        if verdi is None:
            raise ValueError(f"Nøkkelen {key!r} finnes ikke (eller Redis svarer ikke).")
        return verdi

    def clear(self) -> None:
        self._prov("clear", None, lambda: super(RobustRedisCache, self).clear())
