from celery import shared_task

from integrations import recovery, services


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def deliver(delivery_ids: list[int]) -> None:
    """Send each delivery; acks_late so a killed worker's task is delivered again.

    Running twice is safe: ``delivery_send`` claims with SKIP LOCKED and a lease, and a
    delivery that already succeeded is never sent again.
    """
    for delivery_id in delivery_ids:
        services.delivery_send(delivery_id=delivery_id)


@shared_task(ignore_result=True)
def sweep() -> str:
    """The retry sweep, run by Celery beat every minute (``manage.py retry_due`` for cron)."""
    return str(recovery.sweep_due())
