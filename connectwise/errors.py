"""Typed ConnectWise errors, each with a code and one sentence to act on."""


class ConnectWiseError(Exception):
    code = "connectwise_error"
    default_message = "ConnectWise could not complete the request: try again later."

    def __init__(self, message=None, *, status=None, detail=None, cw_code=None):
        self.message = message or self.default_message
        self.status = status
        self.detail = detail
        self.cw_code = cw_code
        super().__init__(self.message)

    def __str__(self):
        return self.message

    def __repr__(self):
        return (
            f"{type(self).__name__}(code={self.code!r}, status={self.status!r}, "
            f"detail={self.detail!r})"
        )


class AuthenticationFailed(ConnectWiseError):
    code = "authentication_failed"
    default_message = (
        "ConnectWise did not accept the API keys: re-enter the Public Key and "
        "Private Key, and make sure the API member is still active."
    )


class PermissionDenied(ConnectWiseError):
    code = "permission_denied"
    default_message = (
        "The API member may not do this: give its security role Inquire access "
        "to Companies and Service Tickets in ConnectWise."
    )


class NotFound(ConnectWiseError):
    code = "not_found"
    default_message = (
        "ConnectWise has no such record or endpoint: check the site URL and "
        "whether the record was deleted."
    )


class CompanyNotFound(NotFound):
    code = "company_not_found"
    default_message = (
        "ConnectWise does not know this Company ID: enter the company name you "
        "type on the ConnectWise login screen."
    )


class Throttled(ConnectWiseError):
    code = "throttled"
    default_message = (
        "ConnectWise asked Super IT to slow down: the request will work again "
        "after a short wait."
    )

    def __init__(self, message=None, *, retry_after=None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class BudgetExhausted(Throttled):
    """Super IT's own pacing, not ConnectWise's: nothing was sent."""

    default_message = (
        "Super IT is pacing its requests to this ConnectWise site so other "
        "syncs can run: the sync will carry on after a short wait."
    )


class ServerError(ConnectWiseError):
    code = "server_error"
    default_message = (
        "ConnectWise had a problem on its side: try again in a few minutes, and "
        "contact ConnectWise support if it keeps happening."
    )


class BadResponse(ConnectWiseError):
    code = "bad_response"
    default_message = (
        "ConnectWise sent an answer Super IT could not read: check that the site "
        "URL is your ConnectWise Manage address."
    )


class BadRequest(ConnectWiseError):
    code = "bad_request"
    default_message = (
        "ConnectWise refused the request as invalid: check the fields named in "
        "the error details."
    )

    def __init__(self, message=None, *, errors=None, **kwargs):
        super().__init__(message, **kwargs)
        self.errors = list(errors or [])


class ConnectionFailed(ConnectWiseError):
    """`sent` is False when the request surely never left, None if unknown."""

    code = "connection_failed"
    default_message = (
        "Super IT could not reach ConnectWise: check the site URL, and that the "
        "ConnectWise server is online."
    )

    def __init__(self, message=None, *, sent=None, **kwargs):
        super().__init__(message, **kwargs)
        self.sent = sent


class OutboundBlocked(ConnectWiseError):
    code = "outbound_blocked"
    default_message = (
        "Super IT will not connect to that address: use the public https address "
        "of your ConnectWise site."
    )


class ClientIdMissing(ConnectWiseError):
    code = "client_id_missing"
    default_message = (
        "Super IT's ConnectWise client ID is missing or was refused: an "
        "administrator must set CONNECTWISE_CLIENT_ID to a valid client ID."
    )


_TRANSIENT = (Throttled, ServerError, ConnectionFailed, BadResponse)


def is_transient(err: BaseException) -> bool:
    """Say whether repeating the same call later may succeed."""
    return isinstance(err, _TRANSIENT)


def is_missing_endpoint(err: BaseException) -> bool:
    """Say whether a 404 is about the path, not a record.

    ConnectWise answers an unknown path with code ConnectWiseApi and "The
    endpoint does not exist."; a missing record comes with code NotFound.
    """
    if not isinstance(err, NotFound) or isinstance(err, CompanyNotFound):
        return False
    code = str(err.cw_code or "").lower()
    return code == "connectwiseapi" or "endpoint does not exist" in (
        str(err.detail or "").lower()
    )
