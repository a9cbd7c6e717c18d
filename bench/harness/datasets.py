"""Seeded data sets: orders (each with a resource) under an integration and offering of
their own, created with COPY once and reused while their size and shape stay the same."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

COPY_CHUNK = 20_000


@dataclass
class Dataset:
    """Orders ``first_pk``..``last_pk`` of one offering (and integration) of its own."""

    name: str
    orders: int
    params: dict
    offering_id: int
    integration_id: int
    first_pk: int
    last_pk: int
    seeded_at: dt.datetime

    def clear_activity(self, *, keep_deliveries: bool = False) -> None:
        """Forget what earlier runs did to these orders: deliveries, attempts, transitions,
        alerts (the orders themselves are reset by each benchmark).

        ``keep_deliveries``: instead of deleting the deliveries, give every order one that
        failed before any attempt, so a run resends them (the upsert path) and, above all, the
        deliveries table is as big as a working system's from the start. PostgreSQL keeps a
        session's plan of each foreign-key check for the session, and a worker's session made
        while the table held a few rows checks each new attempt with a sequential scan.
        """
        deliveries = (
            [
                "INSERT INTO integrations_delivery (order_id, integration_id, state, "
                "idempotency_key, external_id, attempt_count, pending_trigger, counted_attempts, "
                "held_reason, required, created, modified) SELECT id, %(integration)s, "
                "'failed', gen_random_uuid(), '', 0, 'bulk', 0, '', true, now(), now() "
                "FROM orders_order "
                "WHERE id BETWEEN %(first)s AND %(last)s ON CONFLICT DO NOTHING",
                "UPDATE integrations_delivery SET state = 'failed', external_id = '', "
                "attempt_count = 0, counted_attempts = 0, first_failed_at = NULL, "
                "next_attempt_at = NULL, lease_expires_at = NULL, held_reason = '' "
                "WHERE integration_id = %(integration)s",
            ]
            if keep_deliveries
            else ["DELETE FROM integrations_delivery WHERE integration_id = %(integration)s"]
        )
        run_sql(
            [
                # a run stopped inside extra_routes left its routes: one route again
                "DELETE FROM integrations_attempt WHERE order_id BETWEEN %(first)s AND %(last)s "
                "AND integration_id <> %(integration)s",
                "DELETE FROM integrations_delivery WHERE order_id BETWEEN %(first)s AND %(last)s "
                "AND integration_id <> %(integration)s",
                "DELETE FROM integrations_route WHERE offering_id = %(offering)s "
                "AND integration_id <> %(integration)s",
                "DELETE FROM alerts_alertnotification WHERE alert_id IN "
                "(SELECT id FROM alerts_alert WHERE integration_id = %(integration)s "
                " OR order_id BETWEEN %(first)s AND %(last)s)",
                "DELETE FROM alerts_alert WHERE integration_id = %(integration)s "
                "OR order_id BETWEEN %(first)s AND %(last)s",
                "DELETE FROM alerts_alertnotification WHERE problem_id IN "
                "(SELECT id FROM alerts_problem WHERE integration_id = %(integration)s)",
                "DELETE FROM alerts_webhookdelivery WHERE problem_id IN "
                "(SELECT id FROM alerts_problem WHERE integration_id = %(integration)s)",
                "DELETE FROM alerts_problem WHERE integration_id = %(integration)s",
                "DELETE FROM integrations_attempt WHERE integration_id = %(integration)s",
                "DELETE FROM integrations_retryclaim WHERE order_id BETWEEN %(first)s AND %(last)s",
                *deliveries,
                "DELETE FROM integrations_maintenancewindow WHERE integration_id = %(integration)s",
                "DELETE FROM integrations_incident WHERE integration_id = %(integration)s",
                "DELETE FROM orders_ordertransition WHERE order_id BETWEEN %(first)s AND %(last)s",
            ],
            integration=self.integration_id,
            offering=self.offering_id,
            first=self.first_pk,
            last=self.last_pk,
        )


def reset_executing(dataset: Dataset, *, integration: str, **params: Any) -> None:
    """Every order of ``dataset`` executing, its delivery failed before any attempt (a send
    sends it again), its resource creating; the integration closed, with the settings of
    ``integration`` (an SQL ``SET`` list, its placeholders filled from ``params``)."""
    dataset.clear_activity(keep_deliveries=True)
    run_sql(
        [
            "UPDATE orders_order SET state = 'executing', completed_at = NULL, erred_at = NULL, "
            "error_message = '', failure_kind = '', next_retry_at = NULL, modified = created "
            "WHERE id BETWEEN %(first)s AND %(last)s",
            "UPDATE orders_resource SET state = 'creating' WHERE offering_id = %(offering)s",
            "UPDATE integrations_integration SET enabled = true, breaker_state = 'closed', "
            "breaker_failures = 0, breaker_trips = 0, breaker_probe_at = NULL, "
            f"{integration} WHERE id = %(integration)s",
        ],
        first=dataset.first_pk,
        last=dataset.last_pk,
        offering=dataset.offering_id,
        integration=dataset.integration_id,
        **params,
    )
    vacuum("orders_order", "integrations_delivery", "integrations_attempt")


def park(*, keep: Dataset | None = None) -> None:
    """Leave nothing for a sweep or a worker to pick up outside ``keep``: erred orders due
    within a day get their retry moved a month on, and unfinished deliveries are marked failed.
    Every benchmark resets its own data set when it starts, so this loses nothing; it keeps one
    benchmark's left-overs out of the next one's workers and sweep."""
    first, last, integration = (
        (keep.first_pk, keep.last_pk, keep.integration_id) if keep else (0, -1, -1)
    )
    run_sql(
        [
            "UPDATE orders_order SET next_retry_at = now() + interval '30 days' "
            "WHERE state = 'erred' AND next_retry_at <= now() + interval '1 day' "
            "AND NOT id BETWEEN %(first)s AND %(last)s",
            "UPDATE integrations_delivery SET state = 'failed', lease_expires_at = NULL, "
            "next_attempt_at = NULL WHERE state IN ('queued', 'in_flight', 'held') "
            "AND integration_id <> %(integration)s",
        ],
        first=first,
        last=last,
        integration=integration,
    )


def run_sql(statements: list[str], **params: Any) -> list[int]:
    """Run raw statements in one transaction; returns each one's row count."""
    from django.db import connection, transaction

    counts = []
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, params)
            counts.append(cursor.rowcount)
    return counts


OrderShape = Callable[[int, dt.datetime], dict[str, Any]]
"""``shape(i, seeded_at)``: the fields of the i-th order of a data set that differ from the
defaults (state, created, erred_at, failure_kind, next_retry_at, completed_at, error_message).
It must be deterministic: it is called once for the resource and once for the order."""


def dataset(
    name: str,
    *,
    orders: int,
    shape: OrderShape,
    params: dict | None = None,
    integration: dict | None = None,
) -> Dataset:
    """The data set ``name`` with ``orders`` orders shaped by ``shape``, seeded if missing or
    different (another size or ``params``). Each order has a resource of its own."""
    from django.db import connection, transaction

    from integrations.models import Integration
    from orders.models import Offering, Organization

    params = {"version": 1, **(params or {})}
    provider, _ = Organization.objects.get_or_create(name="Bench provider")
    consumer, _ = Organization.objects.get_or_create(name="Bench consumer")
    integration_row, _ = Integration.objects.get_or_create(
        name=f"bench {name}",
        defaults={
            "backend": Integration.Backend.HTTP_PUSH,
            "endpoint_url": "http://127.0.0.1:9/orders",
            **(integration or {}),
        },
    )
    offering, _ = Offering.objects.get_or_create(
        provider=provider,
        name=f"Bench {name}",
        defaults={"type": Offering.Type.REMOTE, "integration": integration_row},
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT orders, params, first_pk, last_pk, seeded_at FROM bench_dataset "
            "WHERE name = %s",
            [name],
        )
        marker = cursor.fetchone()
        if marker and marker[0] == orders and json.loads(marker[1]) == params:
            cursor.execute(
                "SELECT count(*) FROM orders_order WHERE offering_id = %s AND id BETWEEN %s AND %s",
                [offering.pk, marker[2], marker[3]],
            )
            if cursor.fetchone()[0] == orders:
                return Dataset(name, orders, params, offering.pk, integration_row.pk, *marker[2:])
    started = time.perf_counter()
    print(f"seeding data set {name!r}: {orders:,} orders ...", flush=True)
    with transaction.atomic(), connection.cursor() as cursor:
        _purge(offering_id=offering.pk, integration_id=integration_row.pk)
        first_pk, last_pk, seeded_at = _seed(
            offering_id=offering.pk,
            consumer_id=consumer.pk,
            orders=orders,
            shape=shape,
            prefix=name[:3].upper(),
        )
        cursor.execute(
            "INSERT INTO bench_dataset VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (name) DO UPDATE SET orders = EXCLUDED.orders, "
            "params = EXCLUDED.params, offering_id = EXCLUDED.offering_id, "
            "integration_id = EXCLUDED.integration_id, first_pk = EXCLUDED.first_pk, "
            "last_pk = EXCLUDED.last_pk, seeded_at = EXCLUDED.seeded_at",
            [
                name,
                orders,
                json.dumps(params),
                offering.pk,
                integration_row.pk,
                first_pk,
                last_pk,
                seeded_at,
            ],
        )
    print(f"seeded {orders:,} orders in {time.perf_counter() - started:.1f}s", flush=True)
    return Dataset(
        name, orders, params, offering.pk, integration_row.pk, first_pk, last_pk, seeded_at
    )


def _purge(*, offering_id: int, integration_id: int) -> None:
    run_sql(
        [
            "DELETE FROM alerts_alertnotification WHERE alert_id IN (SELECT a.id FROM "
            "alerts_alert a LEFT JOIN orders_order o ON o.id = a.order_id "
            "WHERE a.integration_id = %(integration)s OR o.offering_id = %(offering)s)",
            "DELETE FROM alerts_alert a USING orders_order o WHERE o.id = a.order_id "
            "AND o.offering_id = %(offering)s",
            "DELETE FROM alerts_alert WHERE integration_id = %(integration)s",
            "DELETE FROM integrations_attempt WHERE integration_id = %(integration)s",
            "DELETE FROM integrations_delivery WHERE integration_id = %(integration)s",
            "DELETE FROM orders_ordertransition t USING orders_order o "
            "WHERE o.id = t.order_id AND o.offering_id = %(offering)s",
            "DELETE FROM orders_order WHERE offering_id = %(offering)s",
            "DELETE FROM orders_resource WHERE offering_id = %(offering)s",
        ],
        offering=offering_id,
        integration=integration_id,
    )


def _copy_value(value: Any) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


ORDER_COLUMNS = [
    "id",
    "uuid",
    "number",
    "customer_name",
    "customer_email",
    "type",
    "attributes",
    "state",
    "error_message",
    "error_traceback",
    "created",
    "modified",
    "erred_at",
    "completed_at",
    "rejection_reason",
    "offering_id",
    "consumer_organization_id",
    "resource_id",
    "failure_kind",
    "next_retry_at",
]
RESOURCE_STATE = {
    "pending_consumer": "creating",
    "pending_provider": "creating",
    "executing": "creating",
    "done": "ok",
    "erred": "erred",
    "canceled": "creating",
    "rejected": "creating",
}
ATTRIBUTES = json.dumps(
    {"sku": "VM-SMALL", "shipping_address": {"street": "1 Main St", "postal_code": "10115"}}
)


def _seed(
    *, offering_id: int, consumer_id: int, orders: int, shape: OrderShape, prefix: str
) -> tuple[int, int, dt.datetime]:
    """COPY the resources and orders with explicit keys (then move the identity sequences
    past them), and ANALYZE so the planner knows the new rows. The caller holds a transaction,
    so the table locks keep the keys ours until the sequences are moved."""
    from django.db import connection

    seeded_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE orders_order, orders_resource IN EXCLUSIVE MODE")
        cursor.execute("SELECT coalesce(max(id), 0) FROM orders_order")
        first_order = cursor.fetchone()[0] + 1
        cursor.execute("SELECT coalesce(max(id), 0) FROM orders_resource")
        first_resource = cursor.fetchone()[0] + 1
    raw = connection.connection
    with raw.cursor() as cursor:
        with cursor.copy(
            "COPY orders_resource (id, uuid, name, state, created, modified, offering_id, "
            "organization_id) FROM STDIN"
        ) as copy:
            lines = []
            for i in range(orders):
                fields = shape(i, seeded_at)
                created = _copy_value(fields["created"])
                lines.append(
                    f"{first_resource + i}\t{uuid.uuid4()}\tbench resource {i}\t"
                    f"{RESOURCE_STATE[fields['state']]}\t{created}\t{created}\t"
                    f"{offering_id}\t{consumer_id}\n"
                )
                if len(lines) == COPY_CHUNK:
                    copy.write("".join(lines))
                    lines = []
            copy.write("".join(lines))
        with cursor.copy(f"COPY orders_order ({', '.join(ORDER_COLUMNS)}) FROM STDIN") as copy:
            lines = []
            for i in range(orders):
                fields = shape(i, seeded_at)
                row = {
                    "id": first_order + i,
                    "uuid": uuid.uuid4(),
                    "number": f"{prefix}-{i:09d}",
                    "customer_name": f"Customer {i % 5000}",
                    "customer_email": f"customer{i % 5000}@example.com",
                    "type": "create",
                    "attributes": ATTRIBUTES,
                    "error_message": "",
                    "error_traceback": "",
                    "modified": fields["created"],
                    "erred_at": None,
                    "completed_at": None,
                    "rejection_reason": "",
                    "offering_id": offering_id,
                    "consumer_organization_id": consumer_id,
                    "resource_id": first_resource + i,
                    "failure_kind": "",
                    "next_retry_at": None,
                    **fields,
                }
                lines.append("\t".join(_copy_value(row[c]) for c in ORDER_COLUMNS) + "\n")
                if len(lines) == COPY_CHUNK:
                    copy.write("".join(lines))
                    lines = []
            copy.write("".join(lines))
    with connection.cursor() as cursor:
        for table in ("orders_order", "orders_resource"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
            cursor.execute(f"ANALYZE {table}")
    return first_order, first_order + orders - 1, seeded_at


def vacuum(*tables: str) -> None:
    """VACUUM ANALYZE (outside a transaction) so reused rows start each run alike."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")


@contextmanager
def extra_routes(dataset: Dataset, *, endpoint_url: str = "http://127.0.0.1:9/orders", **settings):
    """Route the data set's offering to two more integrations while the block runs: one more
    required, one optional (three routes an order, one optional; the issue-19 shape). The
    integrations point at ``endpoint_url`` and take ``settings``; their deliveries and the
    routes are removed afterwards, so the data set is one route again. Yields their ids."""
    from integrations.models import Integration, Route

    made = []
    for position, (suffix, required) in enumerate((("erp", True), ("crm", False)), start=1):
        integration, _ = Integration.objects.update_or_create(
            name=f"bench {dataset.name} {suffix}",
            defaults={
                "backend": Integration.Backend.HTTP_PUSH,
                "endpoint_url": endpoint_url,
                "enabled": True,
                "breaker_state": "closed",
                "breaker_failures": 0,
                "breaker_probe_at": None,
                **settings,
            },
        )
        Route.objects.update_or_create(
            offering_id=dataset.offering_id,
            integration=integration,
            defaults={"required": required, "position": position},
        )
        made.append(integration.pk)
    try:
        yield made
    finally:
        routes_remove(dataset, made)


def routes_remove(dataset: Dataset, integration_ids: list[int]) -> None:
    """The data set's extra routes gone, with their deliveries and attempts."""
    run_sql(
        [
            "DELETE FROM integrations_attempt WHERE integration_id = ANY(%(ids)s)",
            "DELETE FROM integrations_delivery WHERE integration_id = ANY(%(ids)s)",
            "DELETE FROM integrations_route WHERE offering_id = %(offering)s "
            "AND integration_id = ANY(%(ids)s)",
        ],
        ids=integration_ids,
        offering=dataset.offering_id,
    )
