from django.urls import path

from psa.views import companies, connections, tickets

app_name = "psa"
urlpatterns = [
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
        "connections/<int:pk>/companies/",
        companies.company_list,
        name="connection-companies",
    ),
    path("tickets/", tickets.ticket_list, name="tickets"),
    path("tickets/<int:pk>/", tickets.ticket_detail, name="ticket"),
]
