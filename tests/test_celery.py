"""Celery follows the settings: eager without Redis (make run), Redis as broker with it."""

from django.conf import settings

from helsearbeid.celery import app


def test_celery_uses_redis_when_configured_and_runs_eagerly_otherwise() -> None:
    if settings.REDIS_URL:
        assert app.conf.broker_url == settings.REDIS_URL
        assert app.conf.task_always_eager is False
    else:
        assert app.conf.broker_url == "memory://"
        assert app.conf.task_always_eager is True
    # A worker that dies mid-task must leave the message for another worker.
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
