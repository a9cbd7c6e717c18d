"""The pure parts of ``bench.hosts``' test hosts: the address plan and the cleanup bookkeeping
(the namespaces themselves need root and are checked by ``python -m bench.hosts --check``)."""

import ipaddress

import pytest

from bench.hosts_lab import AddressPlan, Undo


def test_each_host_has_its_own_namespace_interface_and_address_on_the_subnet():
    plan = AddressPlan()
    hosts = plan.all()
    assert [h.name for h in hosts] == ["db", "sandbox", "web", "worker1", "worker2"]
    addresses = [h.address for h in hosts]
    assert len(set(addresses)) == len(hosts)
    assert plan.gateway not in addresses
    network = ipaddress.ip_network(plan.subnet)
    assert all(ipaddress.ip_address(a) in network for a in [*addresses, plan.gateway])
    assert len({h.namespace for h in hosts}) == len({h.veth for h in hosts}) == len(hosts)
    assert all(len(name) <= 15 for name in [plan.bridge, *(h.veth for h in hosts)])
    assert plan.host("db").address == "10.122.22.10" and plan.gateway == "10.122.22.1"


def test_only_the_plans_own_addresses_are_targets():
    plan = AddressPlan()
    assert all(plan.owns(h.address) for h in plan.all())
    assert plan.owns(plan.gateway)
    assert not plan.owns("10.122.22.200")
    assert not plan.owns("127.0.0.1")
    assert not plan.owns("10.0.0.1")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"subnet": "8.8.8.0/24"}, "not a private IPv4 subnet"),
        ({"subnet": "10.122.22.0/29"}, "too small"),
        ({"prefix": "a-very-long-prefix"}, "longer than 15 characters"),
        ({"hosts": ("db", "db")}, "host names repeat"),
    ],
)
def test_a_plan_that_cannot_work_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        AddressPlan(**kwargs)


def test_undo_runs_last_done_first_each_step_once_and_keeps_going_past_a_failure():
    ran = []
    undo = Undo()
    undo.push("bridge", lambda: ran.append("bridge"))
    undo.push("namespace", lambda: ran.append("namespace"))

    def broken():
        ran.append("process")
        raise OSError("already gone")

    undo.push("process", broken)
    failed = undo.run()
    assert ran == ["process", "namespace", "bridge"]
    assert failed == [("process", "OSError: already gone")]
    assert undo.done == ["namespace", "bridge"]
    assert undo.run() == failed  # nothing runs twice
    assert ran == ["process", "namespace", "bridge"]


def test_a_step_undone_another_way_is_not_undone_again():
    ran = []
    undo = Undo()
    undo.push("process worker", lambda: ran.append("worker"))
    undo.push("process sweep", lambda: ran.append("sweep"))
    undo.discard("process worker")
    undo.run()
    assert ran == ["sweep"]
