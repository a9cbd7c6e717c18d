"""Reads need the model permission, as writes do (the services check those): a role, not
membership alone and not ``is_staff`` alone.

``ReadPermission`` is in the API's default permission classes. On a read (GET, HEAD, OPTIONS)
it asks for ``view.read_permission``, or else ``<app>.view_<model>`` of the view's queryset;
scope (which rows) is the selectors' part. Without it the answer is a 403 that names the
permission; with it and out of scope, the row does not exist (404).
"""

from rest_framework import permissions


def read_permission_of(view) -> str | None:
    """The permission a read needs; a view that sets ``read_permission = None`` needs none
    (its rows are the caller's own)."""
    if hasattr(view, "read_permission"):
        return view.read_permission
    queryset = getattr(view, "queryset", None)
    if queryset is None and hasattr(view, "get_queryset"):
        queryset = view.get_queryset()
    if queryset is None:
        return None
    meta = queryset.model._meta
    return f"{meta.app_label}.view_{meta.model_name}"


class ReadPermission(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        if request.method not in permissions.SAFE_METHODS:
            return True
        needed = read_permission_of(view)
        if needed is None or request.user.has_perm(needed):
            return True
        self.message = (
            f"You hold no role that allows reading these ({needed}); ask an administrator for one."
        )
        return False
