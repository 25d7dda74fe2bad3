"""Sparky's panel on the ticket page: ask, read the answer as it grows, and
confirm or decline what Sparky proposes.

Every view starts from the tickets the person may open (psa.visibility),
and a conversation is the person's own: another person's, team's or
tenant's is a 404.
"""

from django.shortcuts import render
from django.views.decorators.http import require_POST, require_safe

from psa.visibility import visible_ticket, visible_tickets
from sparky import actions, answering
from sparky.forms import QUICK_QUESTIONS, AskForm
from sparky.models import Conversation, Message, Proposal
from superit.permissions import tenant_required
from superit.tenancy import get_for_tenant_or_404
from sync.models import TicketWrite
from sync.page_events import announce_change
from sync.writeback import describe
from sync.writeback_forms import base_value

SHOWN_MESSAGES = 40
# What a technician may change on a proposal's card before confirming.
EDITABLE = ("text", "hours", "notes")


@require_safe
@tenant_required
def panel(request, pk):
    ticket = visible_ticket(request, pk)
    return _panel(request, ticket, _conversation(request, ticket))


@require_POST
@tenant_required
def ask(request, pk):
    ticket = visible_ticket(request, pk)
    conversation = _conversation(request, ticket)
    form = AskForm(request.POST)
    if form.is_valid() and (wait := answering.why_not_now(request.membership)):
        form.add_error("question", wait)
    if not form.is_valid():
        return _panel(request, ticket, conversation, form=form, status=400)
    question = form.cleaned_data["question"]
    answering.ask(ticket, request.membership, question, conversation)
    return _panel(request, ticket, _conversation(request, ticket))


@require_POST
@tenant_required
def new_conversation(request, pk):
    ticket = visible_ticket(request, pk)
    conversation = Conversation.objects.create(
        tenant=request.tenant, ticket=ticket, user=request.user
    )
    return _panel(request, ticket, conversation)


@require_safe
@tenant_required
def message(request, pk):
    """One answer, polled by the panel while it is being produced."""
    shown = get_for_tenant_or_404(_own(request, Message), request.tenant, pk=pk)
    answering.give_up_lost(shown)
    return render(request, "sparky/message.html", {"message": _decorated(shown)})


@require_POST
@tenant_required
def confirm(request, pk):
    proposal = _proposal(request, pk)
    edits = {k: request.POST[k] for k in EDITABLE if k in request.POST}
    problem = actions.confirm(proposal, request.membership, edits)
    return _card(request, proposal, problem)


@require_POST
@tenant_required
def decline(request, pk):
    proposal = _proposal(request, pk)
    problem = actions.decline(proposal, request.user)
    return _card(request, proposal, problem)


# -- helpers ------------------------------------------------------------------


def _own(request, model):
    """The person's own rows of ``model`` about tickets they may open."""
    lookup = "conversation__" if model is Message else "message__conversation__"
    return model.objects.filter(
        **{
            f"{lookup}user": request.user,
            f"{lookup}ticket__in": visible_tickets(request),
        }
    )


def _proposal(request, pk):
    rows = _own(request, Proposal).select_related("message__conversation__ticket")
    return get_for_tenant_or_404(rows, request.tenant, pk=pk)


def _conversation(request, ticket):
    return (
        Conversation.objects.for_tenant(request.tenant)
        .filter(ticket=ticket, user=request.user)
        .first()
    )


def _panel(request, ticket, conversation, form=None, status=200):
    messages = []
    if conversation is not None:
        rows = conversation.messages.order_by("-created_at", "-pk")[:SHOWN_MESSAGES]
        messages = [_decorated(m) for m in reversed(rows)]
    context = {
        "ticket": ticket,
        "conversation": conversation,
        "messages": messages,
        "form": form or AskForm(),
        "quick_questions": QUICK_QUESTIONS,
    }
    template = "sparky/panel.html" if request.htmx else "sparky/page.html"
    return render(request, template, context, status=status)


def _decorated(message):
    """A message with its proposals ready for the template."""
    message.shown_proposals = [
        _described(p) for p in message.proposals.select_related("write")
    ]
    return message


def _described(proposal):
    proposal.outcome = describe(proposal.write) if proposal.write else ""
    return proposal


def _card(request, proposal, problem):
    proposal.refresh_from_db()
    ticket = proposal.message.conversation.ticket
    # Gone through already (a quick worker): the work forms take the
    # ticket's new version and the page reads the ticket again, as when a
    # polled outcome settles. Only here: a card shown again later must not
    # move the version the work forms were loaded with.
    settled = bool(proposal.write and proposal.write.state == TicketWrite.DONE)
    context = {
        "proposal": _described(proposal),
        "problem": problem,
        "base": base_value(ticket),
        "settled": settled,
    }
    response = render(
        request, "sparky/proposal.html", context, status=400 if problem else 200
    )
    return announce_change(response) if settled else response
