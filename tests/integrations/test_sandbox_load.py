"""The sandbox under load: its rate limit and what it counts of the traffic it serves."""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from integrations.sandbox import FulfillmentSandbox
from tests.integrations.sandbox_support import push


@pytest.fixture
def client(sandbox: FulfillmentSandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.url, timeout=5) as http:
        yield http


def test_rate_limit_answers_429_with_retry_after_beyond_it(
    sandbox: FulfillmentSandbox, client: httpx.Client
) -> None:
    # given: at most 3 a second, 3 saved up
    sandbox.set_mode(rate_limit_per_second=3)

    # when: five at once
    statuses = [push(client, key=f"k{n}") for n in range(5)]

    # then: three accepted, two refused with a Retry-After of at least a second, all counted
    assert [r.status_code for r in statuses] == [201, 201, 201, 429, 429]
    assert statuses[3].json()["code"] == "rate_limited"
    assert int(statuses[3].headers["retry-after"]) >= 1
    assert len(sandbox.accepted()) == 3
    assert sandbox.load()["rate_limited"] == 2
    assert sandbox.send_counts()["k4"] == 1


def test_bad_rate_limit_is_refused(sandbox: FulfillmentSandbox, client: httpx.Client) -> None:
    response = client.post("/_sandbox/mode", json={"rate_limit_per_second": 0})
    assert response.status_code == 400
    assert response.json()["field"] == "rate_limit_per_second"


def test_load_counts_requests_and_the_most_in_flight_at_once(sandbox: FulfillmentSandbox) -> None:
    # given: answers that take a while, so that requests overlap
    sandbox.set_mode(latency_ms=300)

    def send(n: int) -> int:
        with httpx.Client(base_url=sandbox.url, timeout=5) as http:
            return push(http, key=f"k{n}").status_code

    # when: six at once
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(send, range(6)))

    # then
    load = sandbox.load()
    assert statuses == [201] * 6
    assert load["requests"] == 6
    assert load["in_flight"] == 0
    assert 2 <= load["peak_in_flight"] <= 6
    with httpx.Client(base_url=sandbox.url) as http:
        assert http.get("/_sandbox/load").json() == load
    sandbox.reset()
    assert sandbox.load() == {
        "requests": 0,
        "in_flight": 0,
        "peak_in_flight": 0,
        "rate_limited": 0,
        "already_accepted": 0,
    }
