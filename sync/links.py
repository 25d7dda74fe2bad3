"""Keeping copied rows pointing at each other when they arrive out of order."""

from django.db.models import OuterRef, Subquery


def waiting_links(connection, entity):
    """The links of ``entity`` that some row is waiting for; the others cost
    nothing per page. A link is (model, foreign key, ConnectWise id field)
    and may add the filter a row must pass to be linked at all."""
    found = []
    for link in entity.links:
        model, fk, cw_field, only = (*link, {})[:4]
        if model.objects.filter(
            connection=connection,
            **{f"{fk}__isnull": True, f"{cw_field}__isnull": False},
            **only,
        ).exists():
            found.append((model, fk, cw_field, only))
    return found


def link_waiting_rows(connection, entity, cw_ids, links):
    """Link rows that arrived before the row they point at (a ticket synced
    before its company, contact, board, ...)."""
    for model, fk, cw_field, only in links:
        found = entity.model.objects.filter(
            connection=connection, cw_id=OuterRef(cw_field)
        ).values("pk")[:1]
        model.objects.filter(
            connection=connection,
            **{f"{fk}__isnull": True, f"{cw_field}__in": cw_ids},
            **only,
        ).update(**{fk: Subquery(found)})


def copy_names(connection, entity, cw_ids):
    """A renamed company is renamed on its tickets too."""
    for model, fk, their_field, our_field in entity.copied_names:
        source = entity.model.objects.filter(pk=OuterRef(fk)).values(our_field)
        model.objects.filter(
            connection=connection, **{f"{fk}__cw_id__among": cw_ids}
        ).update(**{their_field: Subquery(source[:1])})
