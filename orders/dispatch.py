"""The hand-off from an order entering ``executing`` to the delivery pipeline.

Services call ``queue`` inside their transaction; the delivery pipeline (integrations app)
creates the deliveries in that same transaction and sends them after commit.
"""


def queue(order_ids: list[int], *, trigger: str, actor) -> None:
    """Nothing is sent yet: the delivery pipeline lands with the integrations issue."""
