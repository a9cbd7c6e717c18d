from django import forms
from django.contrib import admin

from orders.models import Offering, Organization, Resource
from orders.models.catalog import required_paths_problem


class PathsField(forms.CharField):
    """A list of attribute paths, one a line."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 40})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        lines = (line.strip() for line in (value or "").splitlines())
        paths = [line for line in lines if line]
        problem = required_paths_problem(paths)
        if problem:
            raise forms.ValidationError(problem)
        return paths


class OfferingForm(forms.ModelForm):
    required_attributes = PathsField(
        required=False,
        help_text="One attribute path a line (e.g. sku, shipping_address.postal_code): every "
        "order must have it, not empty, when placed and before an edit is saved or sent again.",
    )

    class Meta:
        model = Offering
        fields = [
            "name",
            "provider",
            "managers",
            "type",
            "integration",
            "auto_approve",
            "required_attributes",
        ]
        help_texts = {
            "integration": "The main integration: orders are sent there (a required route to it "
            "is kept). Routes below send them to more systems, required or optional, some "
            "only after another succeeded."
        }


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "created"]
    search_fields = ["name"]
    filter_horizontal = ["owners"]


OFFERING_PAGE_INLINES: list[type[admin.options.InlineModelAdmin]] = []
"""What the apps above orders show on the offering page (its routes), added by their own admin
modules with ``offering_page_shows``."""


def offering_page_shows(inline: type[admin.options.InlineModelAdmin]):
    """Show ``inline`` on the offering page (the apps' admin modules call it when loaded)."""
    if inline not in OFFERING_PAGE_INLINES:
        OFFERING_PAGE_INLINES.append(inline)
    return inline


@admin.register(Offering)
class OfferingAdmin(admin.ModelAdmin):
    form = OfferingForm
    list_display = ["name", "provider", "type", "integration", "auto_approve"]
    list_filter = ["type", "provider", "integration"]
    search_fields = ["name", "provider__name"]
    filter_horizontal = ["managers"]
    list_select_related = ["provider", "integration"]

    def get_inlines(self, request, obj):
        return OFFERING_PAGE_INLINES


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "offering", "organization", "state", "modified"]
    list_filter = ["state", "offering"]
    search_fields = ["name", "uuid"]
    readonly_fields = ["uuid", "state", "created", "modified"]
    list_select_related = ["offering", "organization"]
