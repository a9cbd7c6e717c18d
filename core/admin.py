"""Admin actions in two steps, as Django's own ``delete_selected``: the first POST shows what
the action would do, the second (``post=yes``) does it through a service and goes back.

``two_step`` is the one way every such action of the console confirms: the same hidden
fields (the ticked ids, or ``select_across`` with the change list's filters kept in the URL,
so a confirmation for 100,000 rows carries one id), the same handling of a service's refusal,
and the same safe way back (``_redirect``, only to this host, over HTTPS when the request is).
Pages extend ``admin/core/confirmation.html``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme

from core.errors import ApplicationError

REDIRECT_FIELD = "_redirect"


def confirmed(request: HttpRequest) -> bool:
    """Is this the second POST, the one that acts?"""
    return request.POST.get("post") == "yes"


def confirmation_page(
    modeladmin, request: HttpRequest, *, template: str | list[str], title: str, context: dict
) -> TemplateResponse:
    """The confirmation: ``context`` (what the action would do) and what its form carries."""
    select_across = request.POST.get("select_across") == "1"
    selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(
        request,
        template,
        {
            **modeladmin.admin_site.each_context(request),
            "opts": modeladmin.model._meta,
            "title": title,
            "action_name": request.POST.get("action", ""),
            "select_across": select_across,
            "selected_ids": selected[:1] if select_across else selected,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "redirect_to": request.POST.get(REDIRECT_FIELD, ""),
            "redirect_field": REDIRECT_FIELD,
            "media": modeladmin.media,
            **context,
        },
    )


def back(request: HttpRequest) -> HttpResponseRedirect | None:
    """Where the action was started from (an order's page), if it is safe to go; else
    ``None``, which takes the admin back to the change list."""
    target = request.POST.get(REDIRECT_FIELD, "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return None


def two_step(
    modeladmin,
    request: HttpRequest,
    *,
    template: str | list[str],
    title: str,
    context: Callable[[], dict],
    act: Callable[[], HttpResponse | None],
) -> HttpResponse | None:
    """Confirm, then act: ``context()`` fills the confirmation page of the first POST;
    ``act()`` runs on the second and may answer a page of its own (a form to correct).
    A service's ``ApplicationError`` becomes an error message, and nothing more happens."""
    if not confirmed(request):
        return confirmation_page(
            modeladmin, request, template=template, title=title, context=context()
        )
    try:
        answer = act()
    except ApplicationError as error:
        modeladmin.message_user(request, error.message, messages.ERROR)
        answer = None
    return answer if answer is not None else back(request)


def _register_api_tokens() -> None:
    """Staff see every API key by name and owner (never the key: only its digest is kept) and
    revoke one by deleting it; people make their own at /api/tokens/ or with
    ``issue_api_token``."""
    from django.contrib import admin

    from core.models import ApiToken

    @admin.register(ApiToken)
    class ApiTokenAdmin(admin.ModelAdmin):
        list_display = ["name", "user", "prefix", "created", "last_used_at", "expires_at"]
        list_select_related = ["user"]
        search_fields = ["name", "user__username", "prefix"]
        readonly_fields = ["user", "name", "prefix", "created", "last_used_at", "expires_at"]
        fields = readonly_fields

        def has_add_permission(self, request):
            return False

        def has_change_permission(self, request, obj=None):
            return False


_register_api_tokens()


class RecordAdmin(admin.ModelAdmin):
    """A record that only the services write: nobody adds, changes or deletes it here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
