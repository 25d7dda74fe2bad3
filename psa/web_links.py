"""Links into ConnectWise's own web pages (not its API).

The ticket address below is not in ConnectWise's API documentation: it
rests on several independent public integrations (chat bots, scripts,
API clients) that link a ticket as
``{site}/v4_6_release/services/system_io/Service/fv_sr100_request.rails
?service_recid={ticket id}&companyName={company id}``. ``v4_6_release``
is the codebase those links use on cloud and on-premises sites alike.
The browser uses the site's own host (na.myconnectwise.net), not the API
host (api-na.myconnectwise.net), see ../shared/connectwise/API.md §1.

No web address for opening one attachment could be confirmed, so an
attachment links to its ticket's page, whose Documents tab lists it.
"""

from urllib.parse import urlencode

from connectwise.urls import InvalidUrl, host_port, normalise_site_url

TICKET_PAGE = "/v4_6_release/services/system_io/Service/fv_sr100_request.rails"
CLOUD_DOMAIN = ".myconnectwise.net"
API_HOSTS = {"api-staging.connectwisedev.com": "staging.connectwisedev.com"}


def browser_site(api_url):
    """The site address people browse, from the connection's API URL."""
    try:
        site = normalise_site_url(api_url)
    except InvalidUrl:
        return None
    host = API_HOSTS.get(site.host, site.host)
    if host.startswith("api-") and host.endswith(CLOUD_DOMAIN):
        host = host[len("api-") :]
    shown = host_port(site).replace(site.host, host, 1)
    return f"{site.scheme}://{shown}"


def ticket_url(connection, cw_ticket_id):
    site = browser_site(connection.api_url)
    if site is None:
        return None
    query = urlencode(
        {"service_recid": cw_ticket_id, "companyName": connection.cw_company}
    )
    return f"{site}{TICKET_PAGE}?{query}"
