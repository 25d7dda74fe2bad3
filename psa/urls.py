from django.urls import path

from psa.views import (
    api_tokens,
    companies,
    company_links,
    connection_lifecycle,
    connections,
    key_rotation,
    mappings,
    permissions,
    profile,
    teams,
    ticket_page,
    ticket_refs,
    tickets,
    unrouted,
)

app_name = "psa"
urlpatterns = [
    path("profile/", profile.profile, name="profile"),
    path("profile/tokens/", api_tokens.token_add, name="api-token-add"),
    path(
        "profile/tokens/<int:pk>/revoke/",
        api_tokens.token_revoke,
        name="api-token-revoke",
    ),
    path("connections/", connections.connection_list, name="connections"),
    path("connections/add/", connections.connection_add, name="connection-add"),
    path(
        "connections/add/connectwise/",
        connections.connection_add_connectwise,
        name="connection-add-connectwise",
    ),
    path("connections/<int:pk>/", connections.connection_detail, name="connection"),
    path(
        "connections/<int:pk>/edit/",
        connections.connection_edit,
        name="connection-edit",
    ),
    path(
        "connections/<int:pk>/disable/",
        connection_lifecycle.disable,
        name="connection-disable",
    ),
    path(
        "connections/<int:pk>/enable/",
        connection_lifecycle.enable,
        name="connection-enable",
    ),
    path(
        "connections/<int:pk>/delete/",
        connection_lifecycle.delete,
        name="connection-delete",
    ),
    path(
        "connections/<int:pk>/keys/",
        key_rotation.rotate,
        name="connection-keys",
    ),
    path(
        "connections/<int:pk>/permissions/",
        permissions.check_permissions,
        name="connection-permissions",
    ),
    path(
        "connections/<int:pk>/companies/",
        companies.company_list,
        name="connection-companies",
    ),
    path(
        "connections/<int:pk>/companies/bulk/",
        company_links.bulk,
        name="connection-companies-bulk",
    ),
    path(
        "connections/<int:pk>/companies/<int:company_pk>/link/",
        company_links.link_dialog,
        name="company-link",
    ),
    path(
        "connections/<int:pk>/companies/<int:company_pk>/unlink/",
        company_links.unlink,
        name="company-unlink",
    ),
    path(
        "connections/<int:pk>/mapping/",
        mappings.field_mapping,
        name="connection-mapping",
    ),
    path(
        "connections/<int:pk>/mapping/boards/<int:board_pk>/add/",
        mappings.status_mapping_add,
        name="status-mapping-add",
    ),
    path(
        "connections/<int:pk>/mapping/status/<int:mapping_pk>/",
        mappings.status_mapping_edit,
        name="status-mapping-edit",
    ),
    path(
        "connections/<int:pk>/mapping/status/<int:mapping_pk>/delete/",
        mappings.status_mapping_delete,
        name="status-mapping-delete",
    ),
    path(
        "connections/<int:pk>/mapping/<str:field>/add/",
        mappings.value_mapping_add,
        name="value-mapping-add",
    ),
    path(
        "connections/<int:pk>/mapping/values/<int:mapping_pk>/",
        mappings.value_mapping_edit,
        name="value-mapping-edit",
    ),
    path(
        "connections/<int:pk>/mapping/values/<int:mapping_pk>/delete/",
        mappings.value_mapping_delete,
        name="value-mapping-delete",
    ),
    path("unrouted/", unrouted.unrouted_list, name="unrouted"),
    path("unrouted/route/", unrouted.route_tickets, name="unrouted-route"),
    path("teams/<int:pk>/delete/", teams.team_delete, name="team-delete"),
    path(
        "memberships/<int:pk>/member/",
        teams.membership_member,
        name="membership-member",
    ),
    path("tickets/", tickets.ticket_list, name="tickets"),
    path("tickets/rows/", tickets.ticket_rows, name="ticket-rows"),
    path("tickets/count/", tickets.ticket_count, name="ticket-count"),
    path(
        "tickets/companies/",
        tickets.company_suggestions,
        name="ticket-company-options",
    ),
    path("tickets/<int:pk>/", ticket_page.ticket_detail, name="ticket"),
    path("tickets/<int:pk>/refs/", ticket_refs.ticket_refs, name="ticket-refs"),
]
