"""Set-based statements the ORM has no form for, on PostgreSQL and SQLite alike.

- ``insert_select``: ``INSERT INTO ... SELECT ...`` from a queryset, so rows are built by the
  database and never travel through Python (optionally ``ON CONFLICT ...`` and ``RETURNING``);
- ``insert_values``: many rows in one ``INSERT``, from values already in database form,
  without the per-field preparation of ``bulk_create``;
- ``update_from_values``: one ``UPDATE`` that gives each row its own values, with an extra
  condition and ``RETURNING``: one statement where a loop of ``save()`` sends one per row;
- the ``any`` lookup (``pk__any=[...]``): ``IN`` as one array parameter on PostgreSQL;
- ``RandomKey`` (a fresh UUID made by the database per row) and ``IsoFormat`` (a datetime as
  Python's ``isoformat()`` writes it, for JSON built by the database).

On PostgreSQL the rows travel as one typed array per column (``unnest``), so a statement has a
handful of parameters whatever the number of rows: psycopg parses a statement with more than
50 parameters again on every call, and PostgreSQL binds each one. SQLite gets ``VALUES``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.core.exceptions import EmptyResultSet
from django.db import NotSupportedError, connection
from django.db.models import (
    CharField,
    Field,
    ForeignObject,
    Func,
    IntegerField,
    Model,
    QuerySet,
    UUIDField,
    lookups,
)
from django.db.models.expressions import ColPairs
from django.db.models.fields.related_lookups import RelatedIn


class AnyOf(lookups.In):
    """``field__any=values``: ``field = ANY(%s)`` with the values as one array on PostgreSQL,
    so the statement text and its one parameter stay the same whatever their number (the
    driver caches it); ``IN (...)`` elsewhere. See ``register_lookups``."""

    lookup_name = "any"

    def get_prep_lookup(self):
        if _plain_integers(self, self.lhs.output_field):
            return list(self.rhs)
        return super().get_prep_lookup()

    def as_postgresql(self, compiler, connection):
        if not self.rhs_is_direct_value() or any(
            hasattr(value, "resolve_expression") for value in self.rhs
        ):
            return super().as_sql(compiler, connection)
        field = self.lhs.output_field
        if _all_integers(self.rhs):  # as they are in the database: nothing to prepare
            values = [value for value in self.rhs if value is not None]
        else:
            values = [
                field.get_db_prep_value(value, connection, prepared=True)
                for value in self.rhs
                if value is not None
            ]
        if not values:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        array = f"CAST(%s AS {field.db_type(connection)}[])"
        return f"{lhs} = ANY({array})", (*lhs_params, array_literal(values))


class RelatedAnyOf(RelatedIn):
    """``any`` for foreign keys (model instances or their keys)."""

    lookup_name = "any"
    as_postgresql = AnyOf.as_postgresql

    def get_prep_lookup(self):
        target = getattr(self.lhs.output_field, "target_field", None)
        if not isinstance(self.lhs, ColPairs) and _plain_integers(self, target):
            self.rhs = list(self.rhs)
            return self.rhs
        return super().get_prep_lookup()


def _all_integers(values) -> bool:
    return all(type(value) is int for value in values)


def _plain_integers(lookup, field) -> bool:
    """Are the lookup's values a list of ``int`` for an integer field (a key)? Then the
    per-value preparation (``get_prep_value``: ``int(value)``) has nothing to do: skipped,
    as it costs a few microseconds a value, and a task looks up hundreds at a time."""
    return (
        isinstance(field, IntegerField)
        and isinstance(lookup.rhs, list | tuple)
        and _all_integers(lookup.rhs)
    )


def array_literal(values: Sequence) -> str | list:
    """``values`` as PostgreSQL's text form of an array (``{1,2,"a \\"b\\""}``), for a
    parameter cast to an array type: one string to quote rather than a list the driver
    dumps value by value in Python (psycopg's array dumper: about a tenth of a worker's CPU
    in bench.dispatch at three routes). Keys, text, booleans, aware datetimes, UUIDs and
    NULLs; the list itself, for the driver, if it holds anything else."""
    if _all_integers(values):
        return "{" + ",".join(map(str, values)) + "}"
    parts = []
    for value in values:
        kind = type(value)
        if value is None:
            parts.append("NULL")
        elif kind is int:
            parts.append(str(value))
        elif kind is str:
            parts.append('"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"')
        elif kind is bool:
            parts.append("t" if value else "f")
        elif isinstance(value, datetime) and value.tzinfo is not None:
            parts.append('"' + value.isoformat() + '"')
        elif isinstance(value, uuid.UUID):
            parts.append(str(value))
        else:
            return list(values)
    return "{" + ",".join(parts) + "}"


def register_lookups() -> None:
    """Make ``field__any`` available on every field (the orders app calls it when ready)."""
    Field.register_lookup(AnyOf)
    ForeignObject.register_lookup(RelatedAnyOf)


class RandomKey(Func):
    """A fresh random 128-bit key (an idempotency key), made by the database for each row."""

    output_field = UUIDField()

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError(f"No random key function for {connection.vendor}.")

    def as_postgresql(self, compiler, connection, **extra):
        return "gen_random_uuid()", []

    def as_sqlite(self, compiler, connection, **extra):
        return "lower(hex(randomblob(16)))", []


class IsoFormat(Func):
    """A UTC datetime column as text, exactly as Python's ``datetime.isoformat()`` writes it
    (``2026-12-01T10:00:00.120000+00:00``, no fraction when there is none); NULL stays NULL.

    PostgreSQL's own JSON rendering drops trailing zeros of the fraction (``.12``), so JSON a
    set-based statement builds would differ from the same JSON built in Python.
    """

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError(f"No ISO datetime format for {connection.vendor}.")

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        text = f"to_char(({sql}) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
        return f"(replace({text}, '.000000', '') || '+00:00')", params

    def as_sqlite(self, compiler, connection, **extra):
        # Stored as Python's str() of the naive UTC value: only the separator and offset differ.
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(replace({sql}, ' ', 'T') || '+00:00')", params


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _column(model: type[Model], name: str) -> str:
    return _quote(model._meta.get_field(name).column)


def _rows(model: type[Model], columns: Sequence[str], rows: list[tuple]) -> tuple[str, list]:
    """A row source of ``columns`` (fields of ``model``): one typed array per column on
    PostgreSQL, ``VALUES`` elsewhere. Returns the SQL and its parameters."""
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"CAST(%s AS {_db_type(model, name)}[])" for name in columns)
        columns_values = zip(*rows, strict=True)
        return f"SELECT * FROM unnest({arrays})", [array_literal(c) for c in columns_values]
    row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
    return f"VALUES {', '.join([row_sql] * len(rows))}", [v for row in rows for v in row]


def _db_type(model: type[Model], name: str) -> str:
    return model._meta.get_field(name).db_type(connection)


def insert_select(
    model: type[Model],
    fields: Sequence[str],
    source: QuerySet,
    *,
    on_conflict: str = "",
    returning: Sequence[str] = (),
) -> list[tuple]:
    """``INSERT INTO <model> (<fields>) <source>``; ``source`` is a ``values_list`` queryset
    whose columns are ``fields`` in order. Returns the ``returning`` columns of each row."""
    select, params = source.query.sql_with_params()
    sql = (
        f"INSERT INTO {_quote(model._meta.db_table)} "
        f"({', '.join(_column(model, name) for name in fields)}) {select}"
    )
    if on_conflict:
        sql += f" {on_conflict}"
    if returning:
        sql += " RETURNING " + ", ".join(_column(model, name) for name in returning)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if returning else []


def insert_values(
    model: type[Model], fields: Sequence[str], rows: Iterable[Sequence], *, on_conflict: str = ""
) -> None:
    """Insert ``rows`` (tuples of ``fields``) in one statement, optionally ``ON CONFLICT
    ...``. Each row holds the values as the database takes them: adapted datetimes
    (``connection.ops.adapt_datetimefield_value``), JSON as text, foreign keys as their ids."""
    rows = [tuple(row) for row in rows]
    if not rows:
        return
    source, params = _rows(model, fields, rows)
    sql = (
        f"INSERT INTO {_quote(model._meta.db_table)} "
        f"({', '.join(_column(model, name) for name in fields)}) {source}"
    )
    if on_conflict:
        sql += f" {on_conflict}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def update_from_values(
    model: type[Model],
    *,
    key: str,
    columns: Sequence[str],
    rows: Iterable[Sequence],
    assign: dict[str, str],
    condition: str = "",
    params: Sequence = (),
    returning: Sequence[str] = (),
) -> list[tuple]:
    """Update many rows of ``model``, each with its own values, in one statement.

    ``rows`` are tuples of ``columns`` (fields of ``model``, values in database form), the
    first of which is matched against the model's ``key`` field. ``assign`` maps a field to
    an SQL expression over ``v.<column>`` (the row's values) and ``t.<column>`` (the row as it
    is), or ``%s`` placeholders filled from ``params`` in order; ``condition`` is ANDed to the
    key match (its placeholders follow those of ``assign``). Rows that do not match are left
    alone and not returned.
    """
    rows = [tuple(row) for row in rows]
    if not rows:
        return []
    source, values = _rows(model, columns, rows)
    assignments = ", ".join(
        f"{_column(model, name)} = {expression}" for name, expression in assign.items()
    )
    where = f"t.{_column(model, key)} = v.{_column(model, columns[0])}"
    if condition:
        where += f" AND ({condition})"
    sql = (
        f"WITH v ({', '.join(_column(model, name) for name in columns)}) AS ({source}) "
        f"UPDATE {_quote(model._meta.db_table)} AS t SET {assignments} FROM v WHERE {where}"
    )
    if returning:
        # PostgreSQL needs the table's name (v has the same columns); SQLite takes only the
        # table's own columns there, unqualified.
        table = "t." if connection.vendor == "postgresql" else ""
        sql += " RETURNING " + ", ".join(f"{table}{_column(model, name)}" for name in returning)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, *params])
        return cursor.fetchall() if returning else []
