"""The offering page's routes: which integrations its orders go to, which must succeed for
an order to be done, and which wait for another."""

from django import forms
from django.contrib import admin

from integrations.models import Route
from orders.admin import offering_page_shows


class RouteForm(forms.ModelForm):
    """A route; ``Route.clean`` refuses one that waits for itself, for another offering's
    route or in a circle (the inline sets the offering on the route before it runs)."""

    class Meta:
        model = Route
        fields = ["integration", "required", "position", "after"]


@offering_page_shows
class RouteInline(admin.TabularInline):
    """Each integration the offering's orders go to: one delivery per route and order."""

    model = Route
    form = RouteForm
    fk_name = "offering"
    extra = 0
    verbose_name = "route"
    verbose_name_plural = "Routes (where each order is sent)"
    ordering = ["position", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("integration")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        after = formset.form.base_fields["after"]
        after.queryset = (
            Route.objects.filter(offering=obj).select_related("integration")
            if obj is not None
            else Route.objects.none()
        )
        after.label_from_instance = lambda route: str(route.integration)
        after.help_text = "Sent only after the delivery of this route succeeded (saved routes)."
        return formset
