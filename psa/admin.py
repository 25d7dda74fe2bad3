from django.contrib import admin

from psa.models import (
    Board,
    BoardStatus,
    Company,
    Connection,
    Contact,
    Member,
    Priority,
    Ticket,
)


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = ["name", "tenant", "provider", "cw_company", "api_url", "status"]
    list_filter = ["status", "provider", "tenant"]
    search_fields = ["name", "cw_company"]
    # The private key is never shown, not even encrypted.
    exclude = ["private_key_token"]
    readonly_fields = [
        "codebase",
        "cw_company_name",
        "cw_version",
        "last_tested_at",
        "last_synced_at",
        "last_error",
        "created_by",
        "replaces",
    ]


class CWEntityAdmin(admin.ModelAdmin):
    list_filter = ["tenant", "connection"]
    readonly_fields = [
        "tenant",
        "connection",
        "cw_id",
        "cw_updated_at",
        "synced_at",
        "raw",
    ]


@admin.register(Company)
class CompanyAdmin(CWEntityAdmin):
    list_display = ["name", "identifier", "status_name", "cw_id", "tenant"]
    search_fields = ["name", "identifier"]


@admin.register(Contact)
class ContactAdmin(CWEntityAdmin):
    list_display = ["first_name", "last_name", "email", "company", "cw_id"]
    search_fields = ["first_name", "last_name", "email"]
    raw_id_fields = ["company"]


@admin.register(Ticket)
class TicketAdmin(CWEntityAdmin):
    list_display = ["cw_id", "summary", "company_name", "status_name", "tenant"]
    search_fields = ["summary", "company_name"]
    raw_id_fields = [
        "company",
        "contact",
        "board",
        "status",
        "priority",
        "owner",
        "routed_team",
    ]


for model in (Board, BoardStatus, Member, Priority):
    admin.site.register(model, CWEntityAdmin)
