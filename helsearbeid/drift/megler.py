"""A Celery worker survives Redis going away while it holds delayed tasks.

kombu 5.7 (the Redis transport) crashes the worker when the broker connection is lost while the
worker holds reserved messages, e.g. a task with a countdown (the debounced summary rebuild, an
e-mail retry): closing the dead channel tries to put those messages back in the queue, finds the
connection already gone (`'NoneType' object has no attribute 'hostname'`) and the worker stops
with «Unrecoverable error» (tests/drift/test_feil_redis.py showed it). The messages cannot be put
back anyway while Redis is down; they are still in Redis's unacked set, and Redis gives them to a
worker again after the visibility timeout. So that case is logged and the worker goes on to
reconnect, as it does when it holds nothing. Any other AttributeError is raised as before.
"""

import logging
from typing import Any

logger = logging.getLogger(__name__)


def installer() -> None:
    from kombu.transport import redis as kombu_redis

    opprinnelig = kombu_redis.QoS.restore_unacked
    if getattr(opprinnelig, "helsearbeid_vern", False):
        return

    def restore_unacked(self: Any, client: Any = None) -> Any:
        try:
            return opprinnelig(self, client)
        except AttributeError:
            if getattr(self.channel.connection, "client", None) is not None:
                raise
            logger.warning(
                "Mistet forbindelsen til Redis med %d reserverte meldinger; de ligger fortsatt i "
                "Redis og leveres på nytt etter visibility timeout",
                len(self._delivered),
            )
            self._delivered.clear()
            return None

    restore_unacked.helsearbeid_vern = True  # type: ignore[attr-defined]
    kombu_redis.QoS.restore_unacked = restore_unacked
