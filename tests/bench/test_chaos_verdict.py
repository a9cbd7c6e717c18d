"""The fault-injection run's verdict (``bench.chaos_checks.verify``): it must catch every kind
of loss or duplicate, or a green chaos run would mean nothing. Plain data, no database."""

from bench.chaos_checks import verify


def clean_run(orders: int = 3) -> dict:
    """What a run that lost and duplicated nothing leaves: one delivery per order, accepted
    once under its key; the second order needed a retry."""
    uuids = [f"order-{n}" for n in range(orders)]
    deliveries, attempts, accepted, send_counts = [], {}, {}, {}
    for n, uuid in enumerate(uuids):
        key = f"key-{n}"
        tries = 2 if n == 1 else 1
        deliveries.append(
            {
                "id": n,
                "order_uuid": uuid,
                "key": key,
                "state": "succeeded",
                "attempt_count": tries,
                "external_id": f"SBX-{n}",
            }
        )
        attempts[n] = [(i, "transient") for i in range(1, tries)] + [(tries, "success")]
        accepted[key] = {"id": f"SBX-{n}", "order": {"uuid": uuid}}
        send_counts[key] = tries
    return {
        "orders": dict.fromkeys(uuids, "done"),
        "deliveries": deliveries,
        "attempts": attempts,
        "accepted": accepted,
        "send_counts": send_counts,
    }


def test_a_clean_run_passes_with_its_figures():
    findings = verify(**clean_run())

    assert findings.ok, findings.problems
    assert findings.figures["accepted"] == 3
    assert findings.figures["posts"] == 4
    assert findings.figures["keys_sent_more_than_once"] == 1
    assert findings.figures["attempt_outcomes"] == {"success": 3, "transient": 1}


def test_an_order_not_done_fails():
    run = clean_run()
    run["orders"]["order-2"] = "executing"

    findings = verify(**run)

    assert any("1 orders are not done" in p for p in findings.problems)


def test_an_order_accepted_under_two_keys_fails():
    # given: a second delivery (a new idempotency key) for an order already accepted
    run = clean_run()
    run["deliveries"].append({**run["deliveries"][0], "id": 9, "key": "key-9"})
    run["attempts"][9] = [(1, "success")]
    run["accepted"]["key-9"] = {"id": "SBX-9", "order": {"uuid": "order-0"}}
    run["send_counts"]["key-9"] = 1

    findings = verify(**run)

    assert any("several deliveries" in p for p in findings.problems)
    assert any("accepted under several keys" in p for p in findings.problems)
    assert any("accepted 4 orders, expected 3" in p for p in findings.problems)


def test_a_lost_order_fails():
    run = clean_run()
    del run["accepted"]["key-2"]

    findings = verify(**run)

    assert any("never accepted" in p for p in findings.problems)


def test_a_missing_attempt_row_fails():
    # given: attempt 1 of the retried delivery is gone, attempt_count still says 2
    run = clean_run()
    run["attempts"][1] = [(2, "success")]

    findings = verify(**run)

    assert any("do not match attempt_count" in p for p in findings.problems)


def test_an_attempt_never_closed_fails():
    run = clean_run()
    run["attempts"][1][0] = (1, "")

    findings = verify(**run)

    assert any("never closed" in p for p in findings.problems)


def test_a_key_no_delivery_has_fails():
    run = clean_run()
    run["send_counts"]["key-from-nowhere"] = 1

    findings = verify(**run)

    assert any("no delivery has" in p for p in findings.problems)


def test_an_external_id_other_than_the_sandbox_gave_fails():
    run = clean_run()
    run["deliveries"][0]["external_id"] = "SBX-999"

    findings = verify(**run)

    assert any("another external id" in p for p in findings.problems)
