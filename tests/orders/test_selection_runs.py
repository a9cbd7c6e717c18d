"""``selection_runs``: a selection's keys as runs of consecutive keys, found by the database
(the keys where a run starts or ends), exactly the keys selected."""

import pytest
from django.db import connection

from orders.models import Order
from orders.models.bulk import runs_count, runs_slice
from orders.selectors import resubmit_breakdown, selection_runs
from orders.selectors.bulk import RUN_BLOCK_BITS
from tests.admin.conftest import orders_in_state

pytestmark = pytest.mark.django_db


def keys_of(runs: list[list[int]]) -> list[int]:
    return runs_slice(runs, 0, runs_count(runs))


def test_runs_hold_exactly_the_selected_keys_with_gaps_and_single_keys():
    orders = orders_in_state(12)
    pks = sorted(order.pk for order in orders)
    # runs of 3, 1 (alone), 2 and 1 (the last key alone), with gaps between
    chosen = [pks[0], pks[1], pks[2], pks[4], pks[6], pks[7], pks[11]]

    runs = selection_runs(orders=Order.objects.filter(pk__in=chosen))

    assert runs == [
        [pks[0], pks[2]],
        [pks[4], pks[4]],
        [pks[6], pks[7]],
        [pks[11], pks[11]],
    ]
    assert keys_of(runs) == chosen


def test_one_run_for_consecutive_keys_and_none_for_an_empty_selection():
    orders = orders_in_state(5)
    pks = sorted(order.pk for order in orders)

    assert selection_runs(orders=Order.objects.filter(pk__in=pks)) == [[pks[0], pks[-1]]]
    assert selection_runs(orders=Order.objects.filter(pk__in=[pks[2]])) == [[pks[2], pks[2]]]
    assert selection_runs(orders=Order.objects.filter(pk__lt=0)) == []


def test_runs_across_blocks_join_and_a_partial_block_is_read_by_its_edges():
    # given: keys from 3 before a block boundary (4,096) to 3 after, and one alone further on
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('orders_order_id_seq')")
        (current,) = cursor.fetchone()
        block = 1 << RUN_BLOCK_BITS
        start = (current // block + 2) * block - 3
        cursor.execute(f"ALTER SEQUENCE orders_order_id_seq RESTART WITH {start}")
    pks = sorted(order.pk for order in orders_in_state(10))
    assert pks[0] == start and pks[3] % block == 0
    chosen = [*pks[:6], pks[9]]

    # when: the runs of the selection, alone and counted with the breakdown
    selected = Order.objects.filter(pk__in=chosen)
    runs = selection_runs(orders=selected)
    counted = resubmit_breakdown(orders=selected, with_runs=True)

    # then: one run across the boundary (a whole block's keys joined to the partial one's
    # edges), and the key alone
    assert runs == [[pks[0], pks[5]], [pks[9], pks[9]]]
    assert counted.runs == runs
    assert counted.runs_without_needs_person is None


def test_the_breakdown_runs_without_those_needing_a_person():
    transient = orders_in_state(3)
    offering = transient[0].offering
    person = orders_in_state(2, offering=offering, failure_kind=Order.FailureKind.ACTION_REQUIRED)
    later = orders_in_state(2, offering=offering)
    selected = Order.objects.filter(offering=offering)

    counted = resubmit_breakdown(orders=selected, with_runs=True)

    assert keys_of(counted.runs) == sorted(o.pk for o in transient + person + later)
    assert keys_of(counted.runs_without_needs_person) == sorted(o.pk for o in transient + later)
    assert counted.needs_person == 2
