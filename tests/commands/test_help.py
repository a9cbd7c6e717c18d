import pytest
from django.core.management import load_command_class

COMMANDS = {
    "retry_orders": ("orders", "python manage.py retry_orders --number RD-7K3M9Q2P"),
    "resubmit_orders": ("orders", "python manage.py resubmit_orders --integration"),
    "retry_due": ("integrations", "python manage.py retry_due --loop --interval 30"),
    "seed_demo": ("orders", "python manage.py seed_demo --orders 5000"),
}


@pytest.mark.parametrize("name", COMMANDS)
def test_help_explains_the_command_with_an_example_on_its_own_line(name):
    app, example = COMMANDS[name]
    parser = load_command_class(app, name).create_parser("manage.py", name)

    text = parser.format_help()

    assert "examples:\n" in text
    assert f"\n  {example}" in text
