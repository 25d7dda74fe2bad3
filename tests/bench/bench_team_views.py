"""Benchmark of the team views (run by `make bench` as its team-views part).

On a scratch PostgreSQL database (made, migrated and dropped), 100,000
tickets are loaded into one tenant with COPY: 5,000 companies linked to
six managed teams (a tenth of the companies unlinked, their tickets
unrouted), four boards with mapped statuses, priorities, members, notes
and time entries; a technician works two of the teams. Requests run in
this process through Django's test client, so the figures are server
time (middleware, views, queries, templates) without a network.

It prints p50/p95 per request kind: the technician's and the manager's
default page, a filtered page, page 50 (reached by following "Older"), a
text search, a number search, an idle poll of the rows, and the ticket
page; then, with --explain, PostgreSQL's plan of each page's row query.
"""

import argparse
import html
import os
import random
import re
import statistics
import time
from datetime import UTC, datetime, timedelta

import orjson

from tests.bench.common import drop_database, environment, scratch_database

REQUESTS = 200
WORDS = (
    "Printer offline", "VPN drops", "Outlook crashes", "New starter laptop",
    "Password reset", "Switch port dead", "Backup failed", "Slow Wi-Fi",
    "Teams audio echo", "Disk almost full", "Certificate expiring",
    "Firewall alert", "Scanner to e-mail", "MFA prompt loop", "Mailbox full",
)  # fmt: skip
OLDER = re.compile(r'rel="next" href="\?([^"]*)"')
POLL = re.compile(r'<tbody id="ticket-rows" hx-get="([^"]*)"')
STATUS_NAMES = ("New", "In Progress", "Waiting on Client", "Resolved", ">Closed")


def main():
    options = _options()
    env = environment(options.database, options.port)
    env.pop("REDIS_URL", None)
    scratch_database(options.database, env)
    try:
        os.environ.update(env)
        _django()
        world = _load(options.tickets)
        _report(world, options)
    finally:
        _close()
        if not options.keep:
            drop_database(options.database, env)


def _options():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--port", type=int, default=18766)
    parser.add_argument("--database", default="superit_bench_views")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--keep", action="store_true")
    return parser.parse_args()


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "superit.settings")
    os.environ["DEBUG"] = "0"
    # The test client speaks plain http; production redirects it to https.
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _close():
    from django.db import connections

    connections.close_all()


# -- loading


def _load(tickets):
    started = time.perf_counter()
    world = _reference_rows()
    _copy_tickets(world, tickets)
    _children(world)
    _analyze()
    seconds = time.perf_counter() - started
    print(f"loaded {tickets:,} tickets in {seconds:.1f} s")
    return world


def _reference_rows():
    from django.utils import timezone

    from psa.mapping import propose_defaults
    from psa.models import Board, BoardStatus, Company, Connection, Member, Priority
    from superit.models import Membership, Team, Tenant, User

    now = timezone.now()
    tenant = Tenant.objects.create(name="Bench MSP")
    connection = Connection(
        tenant=tenant, name="Bench", cw_company="bench", status=Connection.ACTIVE,
        api_url="https://na.myconnectwise.net", public_key="pub",
    )  # fmt: skip
    connection.set_private_key("priv")
    connection.save()
    row = {"tenant": tenant, "connection": connection, "synced_at": now}
    boards = Board.objects.bulk_create(
        Board(cw_id=10 + b, name=f"Board {b}", **row) for b in range(4)
    )
    statuses = BoardStatus.objects.bulk_create(
        BoardStatus(
            cw_id=100 + 10 * b + s,
            board=board,
            cw_board_id=board.cw_id,
            name=name,
            sort_order=s,
            closed=name.startswith(">"),
            **row,
        )  # fmt: skip
        for b, board in enumerate(boards)
        for s, name in enumerate(STATUS_NAMES)
    )
    priorities = Priority.objects.bulk_create(
        Priority(cw_id=p, name=f"Priority {p} - Level", sort=p, **row)
        for p in range(1, 6)
    )
    members = Member.objects.bulk_create(
        Member(cw_id=200 + m, identifier=f"tech{m}", first_name=f"T{m}", **row)
        for m in range(10)
    )
    companies = Company.objects.bulk_create(
        Company(cw_id=1000 + c, name=f"Company {c:04d}", identifier=f"CO{c}", **row)
        for c in range(5000)
    )
    propose_defaults(connection)
    teams = [Team.objects.create(tenant=tenant, name=f"Team {t}") for t in range(6)]
    _links(tenant, connection, companies, teams)
    users = _people(tenant, teams, User, Membership)
    return {
        "tenant": tenant, "connection": connection, "boards": boards,
        "statuses": statuses, "priorities": priorities, "members": members,
        "companies": companies, "teams": teams, **users,
    }  # fmt: skip


def _links(tenant, connection, companies, teams):
    from psa.models import CompanyTeamLink

    CompanyTeamLink.objects.bulk_create(
        CompanyTeamLink(
            tenant=tenant,
            connection=connection,
            company=company,
            team=teams[i % len(teams)],
        )  # fmt: skip
        for i, company in enumerate(companies)
        if i % 10 != 9
    )


def _people(tenant, teams, User, Membership):
    manager = User.objects.create_user("manager@bench.test", "x")
    technician = User.objects.create_user("tech@bench.test", "x")
    Membership.objects.create(user=manager, tenant=tenant, role=Membership.MANAGER)
    tech = Membership.objects.create(user=technician, tenant=tenant)
    tech.teams.add(teams[0], teams[1])
    return {"manager": manager, "technician": technician}


def _copy_tickets(world, count):
    from django.db import connection as db

    from psa.models import Ticket

    columns = [f.column for f in Ticket._meta.concrete_fields if f.column != "id"]
    draw = random.Random(5)
    now = datetime.now(UTC)
    with db.cursor() as cursor:
        copy_sql = f"COPY psa_ticket ({', '.join(columns)}) FROM STDIN"
        with cursor.cursor.copy(copy_sql) as copy:
            for n in range(count):
                values = _ticket_values(world, n, draw, now)
                copy.write_row([values.get(c) for c in columns])


def _ticket_values(world, n, draw, now):
    company_index = draw.randrange(len(world["companies"]))
    company = world["companies"][company_index]
    status = draw.choice(world["statuses"])
    board = world["boards"][(status.cw_id - 100) // 10]
    priority = draw.choice(world["priorities"])
    owner = draw.choice(world["members"])
    routed = company_index % 10 != 9
    team = world["teams"][company_index % 6] if routed else None
    updated = now - timedelta(seconds=draw.randrange(3 * 365 * 86_400))
    summary = f"{draw.choice(WORDS)} #{n}"
    raw = {
        "id": 10_000 + n, "summary": summary, "contactEmailAddress": "a@b.test",
        "contactPhoneNumber": "555-0100", "padding": "x" * 2500,
    }  # fmt: skip
    return {
        "tenant_id": world["tenant"].pk, "connection_id": world["connection"].pk,
        "cw_id": 10_000 + n, "cw_updated_at": updated, "synced_at": now,
        "raw": orjson.dumps(raw).decode(), "summary": summary,
        "record_type": "ServiceTicket", "board_id": board.pk,
        "cw_board_id": board.cw_id, "board_name": board.name,
        "status_id": status.pk, "cw_status_id": status.cw_id,
        "status_name": status.name, "company_id": company.pk,
        "cw_company_id": company.cw_id, "company_name": company.name,
        "contact_name": "Dana Scully", "priority_id": priority.pk,
        "cw_priority_id": priority.cw_id, "priority_name": priority.name,
        "owner_id": owner.pk, "cw_owner_id": owner.cw_id,
        "owner_identifier": owner.identifier, "owner_name": owner.first_name,
        "resources": owner.identifier, "closed": status.closed,
        "cw_team_name": "", "type_name": "Incident", "severity": "Medium",
        "impact": "Medium", "cw_entered_at": updated - timedelta(days=2),
        "routed_team_id": team.pk if team else None,
        "routing": "linked" if team else "",
    }  # fmt: skip


def _children(world):
    """Three notes and a time entry on each ticket the benchmark opens."""
    from django.utils import timezone

    from psa.models import Ticket, TicketNote, TimeEntry

    opened = _opened(world)
    now = timezone.now()
    row = {"tenant": world["tenant"], "connection": world["connection"]}
    TicketNote.objects.bulk_create(
        TicketNote(
            cw_id=t.cw_id * 10 + k,
            ticket=t,
            cw_ticket_id=t.cw_id,
            text="Checked.",
            internal=k == 1,
            synced_at=now,
            cw_created_at=now,
            **row,
        )  # fmt: skip
        for t in Ticket.objects.filter(pk__in=opened)
        for k in range(3)
    )
    TimeEntry.objects.bulk_create(
        TimeEntry(
            cw_id=t.cw_id,
            ticket=t,
            cw_charge_to_id=t.cw_id,
            synced_at=now,
            member_identifier="tech1",
            actual_hours="0.50",
            **row,
        )  # fmt: skip
        for t in Ticket.objects.filter(pk__in=opened)
    )


def _opened(world):
    from psa.models import Ticket

    if "opened" not in world:
        teams = [t.pk for t in world["teams"][:2]]
        rows = Ticket.objects.filter(routed_team_id__in=teams).order_by("?")
        world["opened"] = list(rows.values_list("pk", flat=True)[:REQUESTS])
    return world["opened"]


def _analyze():
    from django.db import connection as db

    with db.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE psa_ticket")


# -- measuring


def _report(world, options):
    from django.test import Client
    from django.urls import reverse

    tech, manager = Client(), Client()
    tech.force_login(world["technician"])
    manager.force_login(world["manager"])
    _past_second_factor(manager, world["manager"])
    tickets = reverse("psa:tickets")
    new_status = world["statuses"][0].pk
    pages = [reverse("psa:ticket", args=[pk]) for pk in _opened(world)]
    cases = [
        ("technician, default page", tech, [tickets]),
        ("manager, default page", manager, [tickets]),
        (
            "filtered (Super IT status, priority, board)",
            tech,
            [f"{tickets}?superit=new&priority={world['priorities'][1].pk}"
             f"&board={world['boards'][0].pk}"],
        ),  # fmt: skip
        ("ConnectWise status + owner", tech, [
            f"{tickets}?status={new_status}&owner={world['members'][3].pk}"
        ]),  # fmt: skip
        ("page 50 (technician)", tech, [_page_50(tech, tickets)]),
        ("text search 'printer'", tech, [f"{tickets}?q=printer"]),
        ("number search", tech, [f"{tickets}?q=%23{10_000 + n}" for n in range(50)]),
        ("company filter", tech, [f"{tickets}?company=Company 0006"]),
        ("idle poll of the rows", tech, [_poll_url(tech, tickets)]),
        ("count fragment, default", tech, [reverse("psa:ticket-count")]),
        ("count fragment, text search", tech, [
            f"{reverse('psa:ticket-count')}?q=printer"
        ]),  # fmt: skip
        ("ticket page", tech, pages),
    ]  # fmt: skip
    print(f"\n== Team views, {options.tickets:,} tickets, {options.requests} requests")
    print(f"{'request':46} {'p50 ms':>8} {'p95 ms':>8}  status")
    for name, client, urls in cases:
        times, status = _time(client, urls, options.requests)
        print(f"{name:46} {_pct(times, 50):8.1f} {_pct(times, 95):8.1f}  {status}")
    if options.explain:
        _explain(tech, [urls[0] for _, _, urls in cases[:8]])


def _past_second_factor(client, user):
    """A manager's session as after the authenticator code (django-otp's
    mark), so the manager's pages answer instead of asking for it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="Bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def _page_50(client, url):
    """The address of page 50, by following "Older" as a reader would."""
    query = ""
    for _ in range(49):
        page = client.get(f"{url}?{query}").content.decode()
        query = html.unescape(OLDER.search(page).group(1))
    return f"{url}?{query}"


def _poll_url(client, url):
    page = client.get(url).content.decode()
    return html.unescape(POLL.search(page).group(1))


def _time(client, urls, count):
    for url in urls[:5]:
        client.get(url)
    times, statuses = [], set()
    for n in range(count):
        started = time.perf_counter()
        response = client.get(urls[n % len(urls)])
        times.append((time.perf_counter() - started) * 1000)
        statuses.add(response.status_code)
    return times, ",".join(map(str, sorted(statuses)))


def _pct(values, pct):
    return statistics.quantiles(values, n=100)[pct - 1]


def _explain(client, urls):
    """PostgreSQL's plan of every ticket query each page makes."""
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    for url in urls:
        with CaptureQueriesContext(db) as queries:
            client.get(url)
        for sql in (q["sql"] for q in queries if '"psa_ticket"' in q["sql"]):
            with db.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = "\n".join(line for (line,) in cursor.fetchall())
            print(f"\n-- {url}\n{plan}")


if __name__ == "__main__":
    main()
