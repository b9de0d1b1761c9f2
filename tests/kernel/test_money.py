import pytest
from django.template import Context, Template

from peersnet.kernel.money import format_cents


@pytest.mark.parametrize(
    ("cents", "text"),
    [
        (6500, "$65"),
        (6550, "$65.50"),
        (6505, "$65.05"),
        (5, "$0.05"),
        (0, "$0"),
        (130000, "$1,300"),
        (130050, "$1,300.50"),
        (123456789, "$1,234,567.89"),
        (-500, "-$5"),
        (None, ""),
    ],
)
def test_format_cents_one_rule_dollars_with_separators_and_cents_only_when_some(cents, text):
    assert format_cents(cents) == text


def test_format_cents_money_filter_is_the_same_function():
    rendered = Template("{% load peersnet %}{{ a|money }} {{ b|money }}").render(
        Context({"a": 130000, "b": 6550})
    )
    assert rendered == "$1,300 $65.50"
