"""gunicorn reads this from the working directory: the settings every web host shares (the
rest is on the command line, see docs/production.md)."""

# Request lines up to gunicorn's maximum reach Django, which answers one over 4,096 characters
# under /api/ with a 414 in the API's JSON error shape (core.api.middleware); gunicorn's own
# default (4,094) would answer in HTML.
limit_request_line = 8190
