"""``bench.bulk_operation --only``: the parts to measure, each named; an unknown one is
refused naming it and the known ones."""

import argparse

import pytest

from bench.bulk_operation import PARTS, parts


def test_parts_in_the_order_given_once_each():
    assert parts("api, admin,api") == ("api", "admin")


@pytest.mark.parametrize("value", ["previews,nope", "", " , "])
def test_an_unknown_or_empty_part_is_refused_naming_it(value):
    with pytest.raises(argparse.ArgumentTypeError) as refused:
        parts(value)
    message = str(refused.value)
    assert ("nope" in message) if "nope" in value else ("none given" in message)
    assert ", ".join(PARTS) in message
