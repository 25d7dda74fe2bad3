"""Every URL pattern of the project, and for each one what it names and
who may open it.

``walk()`` reads the patterns from Django's resolver, so a route added to
any urls.py shows up here by itself; ``ROUTES`` must then say what the new
route is, or the isolation tests fail naming it.

Route classes (what another tenant's manager, a technician of the tenant
who is not in the ticket's team, and an anonymous visitor get):

- MANAGER_ROW: a manager page about one of the tenant's rows (connection,
  company, mapping, team, run...): 404 / 403 / login.
- TICKET_ROW: a page about a ticket (or a write, or a company to open a
  ticket for) that technicians may open when the ticket is routed to one
  of their teams: 404 / 404 / login.
- MANAGER_PAGE: a manager page of the signed-in person's own tenant that
  names no row in its path: the other tenant's manager sees their own
  tenant (no row of A) / 403 / login.
- TENANT_PAGE: a page of the signed-in person's own tenant, shown to
  technicians too (lists are cut to what they may see): own data only /
  own data only / login.
- PUBLIC: no tenant behind it; its answers are listed per route.
- ADMIN: Django's admin, for staff (platform operators) only, with its own
  login: nobody in these tests is staff, so every page but its login
  redirects there.

The REST API's routes (under /api/v1/) are asked with the role's own API
token (``Authorization: Bearer``) beside its session cookie, POSTs with a
JSON body; the anonymous visitor has neither, and gets 401:

- API_MANAGER_ROW: one of the tenant's rows only managers read
  (connection, sync run, webhook event): 404 / 403 / 401.
- API_ROW: a row a technician reads when it is theirs (ticket, write,
  company, contact, team): 404 / 404 / 401.
- API_MANAGER_LIST: a managers' list of the token's own tenant: the other
  tenant's manager gets their own rows (no row of A) / 403 / 401.
- API_LIST: a list of the token's own tenant, cut to what a technician
  sees: own rows / own rows / 401.

405 is accepted wherever the method is refused for everyone (tenant A's
own manager gets 405 too).
"""

import re
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from psa.models import Connection

MANAGER_ROW = "manager row"
TICKET_ROW = "ticket row"
MANAGER_PAGE = "manager page"
TENANT_PAGE = "tenant page"
PUBLIC = "public"
ADMIN = "admin"
API_MANAGER_ROW = "api manager row"
API_ROW = "api row"
API_MANAGER_LIST = "api manager list"
API_LIST = "api list"
API_KINDS = (API_MANAGER_ROW, API_ROW, API_MANAGER_LIST, API_LIST)

OTHER_MANAGER = "other tenant's manager"
TECHNICIAN = "technician outside the team"
ANONYMOUS = "anonymous"
ROLES = (OTHER_MANAGER, TECHNICIAN, ANONYMOUS)
METHODS = ("get", "head", "post")

# Sentinels for expectations that are more than a status code.
LOGIN = "redirect to the login page"
ADMIN_LOGIN = "redirect to the admin's login page"
OWN_DATA = "the person's own tenant's page (no row of tenant A)"
# 400 when the query names tenant A's rows as filters, which the token's
# tenant does not have.
API_OWN = "the token's own tenant's answer (no row of tenant A)"

BY_CLASS = {
    MANAGER_ROW: {OTHER_MANAGER: {404}, TECHNICIAN: {403}, ANONYMOUS: {LOGIN}},
    TICKET_ROW: {OTHER_MANAGER: {404}, TECHNICIAN: {404}, ANONYMOUS: {LOGIN}},
    MANAGER_PAGE: {OTHER_MANAGER: {OWN_DATA}, TECHNICIAN: {403}, ANONYMOUS: {LOGIN}},
    TENANT_PAGE: {
        OTHER_MANAGER: {OWN_DATA},
        TECHNICIAN: {OWN_DATA},
        ANONYMOUS: {LOGIN},
    },
    ADMIN: {role: {ADMIN_LOGIN} for role in ROLES},
    API_MANAGER_ROW: {OTHER_MANAGER: {404}, TECHNICIAN: {403}, ANONYMOUS: {401}},
    API_ROW: {OTHER_MANAGER: {404}, TECHNICIAN: {404}, ANONYMOUS: {401}},
    API_MANAGER_LIST: {OTHER_MANAGER: {API_OWN}, TECHNICIAN: {403}, ANONYMOUS: {401}},
    API_LIST: {OTHER_MANAGER: {API_OWN}, TECHNICIAN: {API_OWN}, ANONYMOUS: {401}},
}


@dataclass(frozen=True)
class Row:
    """The primary key of an IsolationWorld attribute."""

    name: str


@dataclass(frozen=True)
class Attr:
    """Another value of an IsolationWorld attribute (``path`` dotted)."""

    path: str


@dataclass(frozen=True)
class Route:
    kind: str
    kwargs: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)
    # {role: {method: {expected...}}}, for answers the class does not give.
    expect: dict = field(default_factory=dict)
    reason: str = ""


CONNECTION = {"pk": Row("connection")}
TICKET = {"pk": Row("ticket")}
WRITE = {"pk": Row("write")}
TEAM = {"pk": Row("hidden_team")}
ALL_FILTERS = {
    "team": Row("hidden_team"),
    "connection": Row("connection"),
    "board": Row("board"),
    "status": Row("status"),
    "priority": Row("priority"),
    "owner": Row("member"),
    # A part of A's company name: the page echoes what was searched.
    "company": "Alpha Hidden",
    "q": "Alpha Hidden",
}
# The ticket list's filters through the API, which refuses a company name
# that matches nothing (the page shows the list empty): the identifier, so
# the control matches and what the refusal echoes is no name of tenant A.
API_FILTERS = {**ALL_FILTERS, "company": "ALPHADENT"}
DOCUMENTATION = {
    OTHER_MANAGER: {"get": {200}, "head": {200}, "post": {405}},
    TECHNICIAN: {"get": {200}, "head": {200}, "post": {405}},
    ANONYMOUS: {"get": {200}, "head": {200}, "post": {405}},
}
SAME_FOR_EVERYONE = {role: {m: {405} for m in ("get", "head")} for role in ROLES}

ROUTES = {
    # superit
    "superit:home": Route(TENANT_PAGE),
    "superit:login": Route(
        PUBLIC,
        reason="The sign-in page: a form, no tenant data; signed-in people "
        "are sent on to their home page.",
        expect={
            ANONYMOUS: {"get": {200}, "head": {200}, "post": {200}},
            OTHER_MANAGER: {m: {302} for m in METHODS},
            TECHNICIAN: {m: {302} for m in METHODS},
        },
    ),
    "superit:logout": Route(
        PUBLIC,
        reason="Signing out is POST only and ends at the sign-in page.",
        expect={role: {"get": {405}, "head": {405}, "post": {LOGIN}} for role in ROLES},
    ),
    "superit:switch-tenant": Route(
        TENANT_PAGE,
        data={"tenant": Row("tenant")},
        expect={
            OTHER_MANAGER: {"post": {404}},
            # Tenant A is the technician's own: switching to it is allowed.
            TECHNICIAN: {"post": {302}},
        },
        reason="Posts tenant A's id: only a member of A may switch to it.",
    ),
    "superit:notifications": Route(TENANT_PAGE),
    "superit:password-reset": Route(
        PUBLIC,
        reason="Asks for an address; the same answer for every address.",
        expect={role: {m: {200} for m in METHODS} for role in ROLES},
    ),
    "superit:password-reset-done": Route(
        PUBLIC,
        reason="Says a link may be on its way; names nobody.",
        expect={role: {m: {200} for m in METHODS} for role in ROLES},
    ),
    "superit:password-reset-confirm": Route(
        PUBLIC,
        kwargs={"uidb64": "MQ", "token": "not-a-real-token"},
        reason="A reset link: without Django's signed token it only says "
        "the link cannot be used.",
        expect={role: {m: {200} for m in METHODS} for role in ROLES},
    ),
    "superit:password-reset-complete": Route(
        PUBLIC,
        reason="Says the password was changed; names nobody.",
        expect={role: {m: {200} for m in METHODS} for role in ROLES},
    ),
    "superit:two-factor-setup": Route(TENANT_PAGE),
    "superit:two-factor-verify": Route(TENANT_PAGE),
    "superit:invitation": Route(
        PUBLIC,
        reason="An invitation link: the token travels in the query string "
        "and then the session; without one nothing is found.",
        expect={role: {m: {404} for m in METHODS} for role in ROLES},
    ),
    "superit:people": Route(MANAGER_PAGE),
    "superit:invitation-add": Route(
        MANAGER_PAGE, data={"email": "walker@isolation.test", "role": "manager"}
    ),
    "superit:invitation-resend": Route(MANAGER_ROW, kwargs={"pk": Row("invitation")}),
    "superit:invitation-revoke": Route(MANAGER_ROW, kwargs={"pk": Row("invitation")}),
    "superit:membership-deactivate": Route(
        MANAGER_ROW, kwargs={"pk": Row("technician_membership")}
    ),
    "superit:membership-reactivate": Route(
        MANAGER_ROW, kwargs={"pk": Row("technician_membership")}
    ),
    "superit:audit-log": Route(MANAGER_PAGE, query={"action": "connection.added"}),
    "superit:teams": Route(MANAGER_PAGE),
    "superit:team-add": Route(MANAGER_PAGE, data={"name": "Isolation new team"}),
    "superit:team-rename": Route(
        MANAGER_ROW, kwargs=TEAM, data={"name": "Renamed by another tenant"}
    ),
    "superit:team-member-add": Route(
        MANAGER_ROW, kwargs=TEAM, data={"email": Attr("world.technician.email")}
    ),
    "superit:team-member-remove": Route(
        MANAGER_ROW,
        kwargs={"pk": Row("world.team"), "membership_pk": Row("technician_membership")},
    ),
    # psa
    "psa:profile": Route(
        TENANT_PAGE,
        # Tenant A's member, in other letters than A's pages show it.
        data={"cw_member_identifier": "ALPHAMEMBER", "first_name": "Iso"},
        expect={OTHER_MANAGER: {"post": {200}}},
        reason="Tenant A's ConnectWise member is no member of tenant B: the "
        "form refuses it (200 with the error) instead of saving it.",
    ),
    "psa:api-token-add": Route(TENANT_PAGE, data={"token-name": "Walk token"}),
    "psa:api-token-revoke": Route(
        TICKET_ROW,
        kwargs={"pk": Row("api_token")},
        reason="Tenant A's manager's token: only its owner may revoke it.",
    ),
    "psa:connections": Route(MANAGER_PAGE),
    "psa:connection-add": Route(MANAGER_PAGE),
    "psa:connection-add-connectwise": Route(MANAGER_PAGE),
    "psa:connection": Route(MANAGER_ROW, kwargs=CONNECTION),
    "psa:connection-edit": Route(
        MANAGER_ROW, kwargs=CONNECTION, data={"name": "Taken over", "action": "save"}
    ),
    "psa:connection-keys": Route(
        MANAGER_ROW,
        kwargs=CONNECTION,
        data={"public_key": "taken-over", "private_key": "taken-over-secret"},
    ),
    "psa:connection-permissions": Route(MANAGER_ROW, kwargs=CONNECTION),
    "psa:connection-disable": Route(MANAGER_ROW, kwargs=CONNECTION),
    "psa:connection-enable": Route(MANAGER_ROW, kwargs=CONNECTION),
    "psa:connection-delete": Route(
        MANAGER_ROW,
        kwargs=CONNECTION,
        data={"confirm_name": Attr("connection.name")},
    ),
    "psa:connection-companies": Route(
        MANAGER_ROW, kwargs=CONNECTION, query={"q": "Alpha Hidden"}
    ),
    "psa:connection-companies-bulk": Route(
        MANAGER_ROW,
        kwargs=CONNECTION,
        data={"company": Row("company"), "action": "unlink"},
    ),
    "psa:company-link": Route(
        MANAGER_ROW,
        kwargs={"pk": Row("connection"), "company_pk": Row("company")},
        data={"team": Row("world.team")},
    ),
    "psa:company-unlink": Route(
        MANAGER_ROW, kwargs={"pk": Row("connection"), "company_pk": Row("company")}
    ),
    "psa:connection-mapping": Route(
        MANAGER_ROW, kwargs=CONNECTION, query={"board": Row("board")}
    ),
    "psa:status-mapping-add": Route(
        MANAGER_ROW,
        kwargs={"pk": Row("connection"), "board_pk": Row("board")},
        data={"board_status": Row("status"), "superit_status": "new"},
    ),
    "psa:status-mapping-edit": Route(
        MANAGER_ROW,
        kwargs={"pk": Row("connection"), "mapping_pk": Row("status_mapping")},
        data={"superit_status": "closed"},
    ),
    "psa:status-mapping-delete": Route(
        MANAGER_ROW,
        kwargs={"pk": Row("connection"), "mapping_pk": Row("status_mapping")},
    ),
    "psa:value-mapping-add": Route(
        MANAGER_ROW, kwargs={"pk": Row("connection"), "field": "priority"}
    ),
    "psa:value-mapping-edit": Route(
        MANAGER_ROW,
        kwargs={"pk": Row("connection"), "mapping_pk": Row("value_mapping")},
        data={"superit_value": "Low"},
    ),
    "psa:value-mapping-delete": Route(
        MANAGER_ROW,
        kwargs={"pk": Row("connection"), "mapping_pk": Row("value_mapping")},
    ),
    "psa:unrouted": Route(MANAGER_PAGE),
    "psa:unrouted-route": Route(
        MANAGER_PAGE, data={"ticket": Row("ticket"), "team": Row("hidden_team")}
    ),
    "psa:team-delete": Route(MANAGER_ROW, kwargs=TEAM),
    "psa:membership-member": Route(
        MANAGER_ROW,
        kwargs={"pk": Row("technician_membership")},
        data={"cw_member_identifier": "ALPHAMEMBER"},
    ),
    "psa:tickets": Route(TENANT_PAGE, query=ALL_FILTERS),
    "psa:ticket-rows": Route(TENANT_PAGE, query=ALL_FILTERS),
    "psa:ticket-count": Route(TENANT_PAGE, query=ALL_FILTERS),
    "psa:ticket-company-options": Route(TENANT_PAGE, query={"company": "Alpha"}),
    "psa:ticket": Route(TICKET_ROW, kwargs=TICKET),
    "psa:ticket-refs": Route(TICKET_ROW, kwargs=TICKET),
    # sync
    "sync:panel": Route(MANAGER_ROW, kwargs=CONNECTION),
    "sync:status": Route(MANAGER_ROW, kwargs=CONNECTION),
    "sync:schedule": Route(
        MANAGER_ROW, kwargs=CONNECTION, data={"sync_interval_minutes": "1"}
    ),
    "sync:run": Route(
        MANAGER_ROW, kwargs={"pk": Row("connection"), "run_pk": Row("run")}
    ),
    "sync:start": Route(
        MANAGER_ROW, kwargs={"pk": Row("connection"), "kind": "tickets"}
    ),
    "sync:refresh-notes": Route(TICKET_ROW, kwargs=TICKET),
    "sync:ticket-work": Route(TICKET_ROW, kwargs=TICKET),
    "sync:ticket-writes": Route(TICKET_ROW, kwargs=TICKET),
    "sync:ticket-status": Route(
        TICKET_ROW, kwargs=TICKET, data={"status": Row("status")}
    ),
    "sync:ticket-close": Route(
        TICKET_ROW, kwargs=TICKET, data={"resolution": "Closed by another tenant"}
    ),
    "sync:write-retry": Route(TICKET_ROW, kwargs=WRITE),
    "sync:write-send-anyway": Route(TICKET_ROW, kwargs=WRITE),
    "sync:write-discard": Route(TICKET_ROW, kwargs=WRITE),
    "sync:failed-writes": Route(MANAGER_ROW, kwargs=CONNECTION),
    "sync:add-note": Route(
        TICKET_ROW, kwargs=TICKET, data={"text": "Note from another tenant"}
    ),
    "sync:add-time": Route(TICKET_ROW, kwargs=TICKET, data={"hours": "1"}),
    "sync:assign": Route(TICKET_ROW, kwargs=TICKET, data={"member": Row("member")}),
    "sync:write-outcome": Route(
        TICKET_ROW, kwargs={"pk": Row("ticket"), "write_pk": Row("write")}
    ),
    # sparky
    "sparky:panel": Route(TICKET_ROW, kwargs=TICKET),
    "sparky:ask": Route(
        TICKET_ROW, kwargs=TICKET, data={"question": "Summarize this ticket"}
    ),
    "sparky:new": Route(TICKET_ROW, kwargs=TICKET),
    "sparky:message": Route(TICKET_ROW, kwargs={"pk": Row("sparky_message")}),
    "sparky:confirm": Route(TICKET_ROW, kwargs={"pk": Row("proposal")}),
    "sparky:decline": Route(TICKET_ROW, kwargs={"pk": Row("proposal")}),
    "sparky:settings": Route(
        MANAGER_PAGE,
        data={"provider": "openai", "base_url": "https://ai.example.test/v1"},
    ),
    "sync:create-ticket": Route(
        TICKET_ROW,
        query={"company": Row("company")},
        data={
            "company": Row("company"),
            "summary": "Opened by another tenant",
            "board": Row("board"),
        },
        reason="Names tenant A's company, linked only to a team the "
        "technician is not in.",
    ),
    "sync:create-ticket-write": Route(
        TICKET_ROW, kwargs={"write_pk": Row("create_write")}
    ),
    # webhooks
    "webhooks:settings": Route(MANAGER_ROW, kwargs=CONNECTION),
    "webhooks:enable": Route(MANAGER_ROW, kwargs=CONNECTION),
    "webhooks:disable": Route(MANAGER_ROW, kwargs=CONNECTION),
    "webhooks:regenerate": Route(MANAGER_ROW, kwargs=CONNECTION),
    "webhooks:register": Route(MANAGER_ROW, kwargs=CONNECTION),
    "webhooks:log": Route(MANAGER_ROW, kwargs=CONNECTION),
    "webhook-receive": Route(
        PUBLIC,
        kwargs={"public_id": Attr("endpoint.public_id")},
        reason="ConnectWise's callback address: POST only, and without the "
        "endpoint's secret it is not found for anyone.",
        expect={role: {"get": {405}, "head": {405}, "post": {404}} for role in ROLES},
    ),
    "webhooks/connectwise/<str:public_id>": Route(
        PUBLIC,
        kwargs={"public_id": Attr("endpoint.public_id")},
        reason="The same receiver typed without the trailing slash.",
        expect={role: {"get": {405}, "head": {405}, "post": {404}} for role in ROLES},
    ),
}

ROUTES.update(
    {
        # The REST API
        "api-schema": Route(
            PUBLIC,
            reason="The OpenAPI schema describes the API; it holds no row.",
            expect=DOCUMENTATION,
        ),
        "api-docs": Route(
            PUBLIC,
            reason="Swagger UI over the schema; it holds no row.",
            expect=DOCUMENTATION,
        ),
        "api-unmatched": Route(
            PUBLIC,
            reason="Any other path under /api/: a JSON 404 for everyone.",
            expect={
                role: {m: {404} for m in ("get", "head", "post")} for role in ROLES
            },
        ),
        "api:connection-list": Route(API_MANAGER_LIST),
        "api:connection": Route(API_MANAGER_ROW, kwargs=CONNECTION),
        "api:company-list": Route(API_LIST),
        "api:company": Route(API_ROW, kwargs={"pk": Row("company")}),
        "api:contact-list": Route(API_LIST),
        "api:contact": Route(API_ROW, kwargs={"pk": Row("contact")}),
        "api:team-list": Route(API_LIST),
        "api:team": Route(API_ROW, kwargs=TEAM),
        "api:ticket-list": Route(API_LIST, query=API_FILTERS),
        "api:ticket": Route(API_ROW, kwargs=TICKET),
        "api:ticket-status": Route(
            API_ROW,
            kwargs=TICKET,
            data={
                "board_status": Row("status"),
                "base_updated_at": Attr("ticket.cw_updated_at"),
            },
        ),
        "api:ticket-notes": Route(
            API_ROW,
            kwargs=TICKET,
            data={"text": "Note from the isolation walk", "kind": "internal"},
        ),
        "api:ticket-time-entries": Route(
            API_ROW,
            kwargs=TICKET,
            data={
                "time_start": Attr("ticket.cw_updated_at"),
                "hours": "1",
                "billable_option": "Billable",
            },
        ),
        "api:write": Route(API_ROW, kwargs=WRITE),
        "api:sync-run-list": Route(
            API_MANAGER_LIST, query={"connection": Row("connection")}
        ),
        "api:sync-run": Route(API_MANAGER_ROW, kwargs={"pk": Row("run")}),
        "api:webhook-event-list": Route(
            API_MANAGER_LIST, query={"connection": Row("connection")}
        ),
        "api:webhook-event": Route(API_MANAGER_ROW, kwargs={"pk": Row("event")}),
    }
)

# The admin's own pages: the login form answers; everything else sends a
# non-staff visitor to it (logout to the admin's index, which does too).
ADMIN_ANSWERS = {
    "admin:login": {m: {200} for m in METHODS},
}


@dataclass
class Pattern:
    """One URL pattern as the walker found it."""

    key: str  # its full name, or its route text when it has none
    route: str
    parts: list  # the pattern objects from the root down
    admin_model: type | None

    @property
    def kwarg_names(self):
        names = []
        for part in self.parts:
            if isinstance(part, RoutePattern):
                names.extend(part.converters)
            elif isinstance(part, RegexPattern):
                names.extend(part.regex.groupindex)
        return names

    @property
    def is_admin(self):
        return self.route.startswith("admin/")


def walk(patterns=None, parts=(), namespace=None, admin_model=None):
    """Every URL pattern under the root URLconf, included ones too."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = (
                    f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                )
            yield from walk(
                entry.url_patterns,
                (*parts, entry.pattern),
                inner,
                _model_of(entry.url_patterns) or admin_model,
            )
            continue
        all_parts = [*parts, entry.pattern]
        route = "".join(str(part) for part in all_parts)
        name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
        yield Pattern(name or route, route, all_parts, admin_model)


def _model_of(patterns):
    for entry in patterns:
        model_admin = getattr(getattr(entry, "callback", None), "model_admin", None)
        if model_admin is not None:
            return model_admin.model
    return None


_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def build_path(pattern, values):
    """The path of ``pattern`` with ``values`` in its placeholders."""
    text = ""
    for part in pattern.parts:
        if isinstance(part, RoutePattern):
            text += _CONVERTER.sub(lambda m: str(values[m.group(1)]), str(part))
        else:
            filled = _GROUP.sub(lambda m: str(values[m.group(1)]), str(part))
            text += filled.lstrip("^").rstrip("$")
    return "/" + text


def admin_values(pattern, iso):
    """Values for the admin's placeholders: tenant A's rows where it has
    one of the model, since nobody here may open them anyway."""
    model = pattern.admin_model
    values = {}
    for name in pattern.kwarg_names:
        if name == "object_id":
            values[name] = _admin_object_id(model, iso)
        elif name == "id":
            values[name] = iso.world.manager.pk
        elif name == "content_type_id":
            values[name] = ContentType.objects.get_for_model(Connection).pk
        elif name == "app_label":
            values[name] = "psa"
        elif name == "url":
            values[name] = "no-such-admin-page/"
        else:
            raise LookupError(name)
    if "content_type_id" in values:
        values["object_id"] = iso.connection.pk
    return values


def _admin_object_id(model, iso):
    if model is None:
        return 1
    fields = {f.name for f in model._meta.concrete_fields}
    if model._meta.label == "superit.User":
        return iso.world.manager.pk
    if model._meta.label == "superit.Tenant":
        return iso.tenant.pk
    if "tenant" in fields:
        row = model._default_manager.filter(tenant=iso.tenant).first()
        if row is not None:
            return row.pk
    return 1


def resolve_value(value, iso):
    """A Row, an Attr or a literal, read from the IsolationWorld."""
    if isinstance(value, (Row, Attr)):
        path = value.name if isinstance(value, Row) else value.path
        target = iso
        for step in path.split("."):
            target = getattr(target, step)
        return target.pk if isinstance(value, Row) else str(target)
    return value
