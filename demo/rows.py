"""The demo's rows written in bulk: many rows a statement, without ``bulk_create``'s model
instances and per-value preparation, which took most of the demo's time."""

from __future__ import annotations

import json

from django.db import connection
from django.utils import timezone

from core.sql import insert_values

BATCH = 1000


def rows_insert(model, rows: list[dict]) -> None:
    """Rows (field -> value as the database takes it, every row the same fields) in
    statements of ``BATCH`` rows."""
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        insert_values(model, list(batch[0]), [tuple(row.values()) for row in batch])


def _adapter(field):
    """How a value of ``field`` goes to the database, for the few types that need it."""
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    if kind == "JSONField":
        return json.dumps
    if kind == "UUIDField":
        return lambda value: field.get_db_prep_value(value, connection)
    return None


def rows_insert_returning(model, rows: list[dict], *, key: str) -> list[int]:
    """Insert ``rows`` of ``model`` (attribute name -> value; the fields left out take their
    defaults), ``BATCH`` a statement; returns their primary keys in order, matched by ``key``
    (unique among the rows). What ``bulk_create`` does without making a model instance and
    preparing each value, which took most of the demo's time."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    adapters = [_adapter(field) for field in fields]
    now = timezone.now()
    made = {
        field.attname: field.default
        for field in fields
        if field.has_default() and callable(field.default)
    }
    stamped = {field.attname for field in fields if getattr(field, "auto_now", False)}
    defaults = {field.attname: field.get_default() for field in fields if field.attname not in made}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    key_column = model._meta.get_field(key).column
    returning = f"{quote(model._meta.pk.column)}, {quote(key_column)}"
    pks = []
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        params = []
        for row in batch:
            for field, adapt in zip(fields, adapters, strict=True):
                name = field.attname
                if name in row and not (row[name] is None and name in stamped):
                    value = row[name]
                elif name in stamped:
                    value = now
                elif name in made:
                    value = row[name] = made[name]()
                else:
                    value = defaults[name]
                params.append(value if adapt is None or value is None else adapt(value))
        sql = (
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
            f"VALUES {', '.join([row_sql] * len(batch))} RETURNING {returning}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = {value: pk for pk, value in cursor.fetchall()}
        pks += [found[row[model._meta.get_field(key).attname]] for row in batch]
    return pks
