"""The sandbox's error bodies, shaped per API.md section 5."""

from .query import QueryError

NO_ENDPOINT = {"code": "ConnectWiseApi", "message": "The endpoint does not exist."}
UNAUTHORIZED = {
    "code": "Unauthorized",
    "message": "Invalid or missing credentials: use Basic auth with "
    "'{companyId}+{publicKey}' and the private key.",
}
# ConnectWise's real answer here is not public (API.md, open question 1).
MISSING_CLIENT_ID = {
    "code": "InvalidClientId",
    "message": "A valid clientId header is required on every API request; "
    "request one at https://developer.connectwise.com/ClientID.",
    "errors": [
        {
            "code": "MissingRequiredField",
            "message": "The clientId header is missing or not a GUID.",
            "resource": "request",
            "field": "clientId",
        }
    ],
}


# A role without the module's Inquire right. The real body is not public
# either (API.md, open question 1); the status is documented.
FORBIDDEN = {
    "code": "Forbidden",
    "message": "The API member's security role does not allow this request.",
}


class ApiError(Exception):
    def __init__(self, status: int, body: dict):
        super().__init__(body.get("message"))
        self.status, self.body = status, body


def not_found(label: str, row_id) -> ApiError:
    return ApiError(404, {"code": "NotFound", "message": f"{label} {row_id} not found"})


def bad_query(error: QueryError, resource: str) -> ApiError:
    return invalid_object(
        resource, error.code, str(error), error.field, f"query is invalid: {error}"
    )


def invalid_object(resource, code, message, field, summary="object is invalid"):
    """ConnectWise's 400 body: InvalidObject with the one problem found."""
    item = {"code": code, "message": message, "resource": resource, "field": field}
    body = {
        "code": "InvalidObject",
        "message": f"{resource} {summary}",
        "errors": [item],
    }
    return ApiError(400, body)
