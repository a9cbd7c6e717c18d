import pytest
from django.core.management import load_command_class

COMMANDS = {
    "retry_orders": ("orders", "python manage.py retry_orders --number RD-7K3M9Q2P"),
    "resubmit_orders": ("orders", "python manage.py resubmit_orders --integration"),
    "retry_due": ("integrations", "python manage.py retry_due --loop --interval 30"),
    "seed_demo": ("demo", "python manage.py seed_demo --orders 5000"),
}


@pytest.mark.parametrize("name", COMMANDS)
def test_help_explains_the_command_with_an_example_on_its_own_line(name):
    app, example = COMMANDS[name]
    parser = load_command_class(app, name).create_parser("manage.py", name)

    text = parser.format_help()

    assert "examples:\n" in text
    assert f"\n  {example}" in text


PROJECT_COMMANDS = [
    ("orders", "setup_roles"),
    ("demo", "seed_demo"),
    ("orders", "retry_orders"),
    ("orders", "resubmit_orders"),
    ("core", "issue_api_token"),
    ("integrations", "retry_due"),
    ("integrations", "run_fulfillment_sandbox"),
    ("integrations", "issue_agent_token"),
    ("integrations", "prune_history"),
    ("alerts", "send_alert_digests"),
]


@pytest.mark.parametrize(("app", "name"), PROJECT_COMMANDS)
def test_every_command_explains_itself_with_an_example(app, name):
    text = " ".join(
        load_command_class(app, name).create_parser("manage.py", name).format_help().split()
    )
    assert "example" in text.lower()
    assert f"python manage.py {name}" in text
