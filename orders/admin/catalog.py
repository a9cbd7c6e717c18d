from django.contrib import admin

from orders.models import Offering, Organization, Resource


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "created"]
    search_fields = ["name"]
    filter_horizontal = ["owners"]


@admin.register(Offering)
class OfferingAdmin(admin.ModelAdmin):
    list_display = ["name", "provider", "type", "integration", "auto_approve"]
    list_filter = ["type", "provider", "integration"]
    search_fields = ["name", "provider__name"]
    filter_horizontal = ["managers"]
    list_select_related = ["provider", "integration"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "offering", "organization", "state", "modified"]
    list_filter = ["state", "offering"]
    search_fields = ["name", "uuid"]
    readonly_fields = ["uuid", "state", "created", "modified"]
    list_select_related = ["offering", "organization"]
