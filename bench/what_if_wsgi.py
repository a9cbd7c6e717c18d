"""The WSGI application with one change the api benchmark measures as a what-if: the orders
list may also be ordered by failure time (``?ordering=-erred_at``).

The list orders by ``-created``. Filtered by a failure window that starts well before now, the
planner walks ``order_state_created`` from the newest erred order and skips every order that
failed after the window before it finds the first row of the page. Ordered by ``-erred_at``
the same filter is one range of ``order_state_erred_at``, read in index order, no sort.

    gunicorn bench.what_if_wsgi:application
"""

from config.wsgi import application
from orders.apis import OrderListCreateApi

OrderListCreateApi.ordering_fields = [*OrderListCreateApi.ordering_fields, "erred_at"]

__all__ = ["application"]
