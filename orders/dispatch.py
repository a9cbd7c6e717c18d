"""The hand-off from an order entering ``executing`` to the delivery pipeline.

Services call ``queue`` inside their transaction; the deliveries are written in that same
transaction and handed to the Celery worker after commit.
"""


def queue(order_ids: list[int], *, trigger: str, actor) -> None:
    from integrations.services import deliveries_queue

    deliveries_queue(order_ids=order_ids, trigger=trigger, actor=actor)
