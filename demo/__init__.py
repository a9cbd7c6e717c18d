"""The demo (``manage.py seed_demo``): organizations, offerings, integrations, users in every
role and orders in every state with their real history. It builds on every app, so it lives
above them all."""
