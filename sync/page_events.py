"""Events the ticket page listens for (htmx's HX-Trigger header)."""


def announce_change(response):
    """Tell the ticket page (an htmx event) that ConnectWise took a change,
    so it reads the ticket's facts, notes and time entries again."""
    response["HX-Trigger"] = "ticket-changed"
    return response
