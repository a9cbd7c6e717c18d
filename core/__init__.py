"""The ground floor: what every app shares and nothing of any app.

- ``errors``: the one ``ApplicationError`` every service raises;
- ``sql``: set-based statements the ORM has no form for, and the ``any`` lookup;
- ``parallel``: many batches at once, each on a database connection of its own;
- ``metrics``: process metrics and the ``/metrics`` view (apps register their gauges);
- ``logging``: the log formatters;
- ``admin``: the two-step confirmation of admin actions;
- ``api``: the API's error shape, exception handler, cursor paging and schema helpers.

Nothing here imports ``orders``, ``integrations``, ``alerts`` or ``config``; ``make lint``
checks it (see docs/architecture.md).
"""
