from celery import shared_task

from integrations import recovery, services


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def deliver(delivery_ids: list[int]) -> None:
    """Send the deliveries; acks_late so a killed worker's task is delivered again.

    Running twice is safe: ``deliveries_send`` claims with SKIP LOCKED and a lease, and a
    delivery that already succeeded is never sent again.
    """
    services.deliveries_send(delivery_ids=delivery_ids)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_again(order_ids: list[int]) -> None:
    """Send again the due retries a sweep claimed (``recovery.retries_send``). Running twice
    is safe: an order already sent again is no longer erred."""
    recovery.retries_send(order_ids=order_ids)


@shared_task(ignore_result=True)
def sweep() -> str:
    """The retry sweep, run by Celery beat every minute (``manage.py retry_due`` for cron)."""
    return str(recovery.sweep_due())
