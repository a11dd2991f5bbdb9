"""Operations: what keeps the portal working when one of its parts fails (drift = operations).

- `drift.utboks`: Celery messages the broker did not take (Redis down) are kept in PostgreSQL
  and sent when the broker is back, so no task is lost.
- `helsearbeid.cache.RobustRedisCache`: a Redis that is down is a cache miss, not an error page.
- `helsearbeid.driftsfeil`: a database that is down gives a friendly 503, not a traceback.
"""
