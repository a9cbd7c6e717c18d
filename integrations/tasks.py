"""The integrations' Celery tasks: thin interfaces over services.

The services queue these tasks (after commit), so each task looks its service up when it
runs rather than importing it with the module.
"""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def deliver(delivery_ids: list[int], lane: str = "first") -> None:
    """Send the deliveries (on their lane: ``first`` or ``recovery``); acks_late so a killed
    worker's task is delivered again.

    Running twice is safe: ``deliveries_send`` claims with SKIP LOCKED and a lease, and a
    delivery that already succeeded is never sent again.
    """
    from integrations.services import deliveries_send

    deliveries_send(delivery_ids=delivery_ids, lane=lane)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_again(order_ids: list[int]) -> None:
    """Send again the due retries a sweep claimed (``retries_send``). Running twice is safe:
    an order already sent again is no longer erred."""
    from integrations.services import retries_send

    retries_send(order_ids=order_ids)


@shared_task(ignore_result=True)
def releases_due() -> int:
    """The release tick (Celery beat every few seconds): windows that ended, probes due."""
    from integrations.services import releases_due as due

    return due()


@shared_task(ignore_result=True)
def sweep() -> str:
    """The retry sweep, run by Celery beat every minute (``manage.py retry_due`` for cron)."""
    from integrations.services import sweep_due

    return str(sweep_due())


@shared_task(ignore_result=True)
def prune_history() -> str:
    """Daily retention run (``CELERY_BEAT_SCHEDULE["prune-history"]``)."""
    from integrations.services import history_prune

    return str(history_prune())


@shared_task(ignore_result=True)
def warn_exhausting() -> int:
    """The before-give-up warnings (Celery beat, every 15 minutes); returns how many
    integrations have orders about to be given up."""
    from integrations.services.exhausting import exhausting_warn

    return len(exhausting_warn())
