"""requests_by_path and the bounded request_log of (method, path, query)."""

from connectwise.sandbox import Sandbox
from connectwise.sandbox.instance import REQUEST_LOG_SIZE

from .conftest import api_client


def test_the_log_keeps_method_path_and_query_in_order():
    with Sandbox(tickets=50) as sb, api_client(sb) as client:
        client.get("/service/tickets", params={"page": 1, "pageSize": 10})
        client.get("/service/tickets", params={"page": 2, "pageSize": 10})
        prefix = f"/{sb.codebase}/apis/3.0/service/tickets"
        assert list(sb.request_log) == [
            ("GET", prefix, "page=1&pageSize=10"),
            ("GET", prefix, "page=2&pageSize=10"),
        ]
        assert sb.requests_by_path["service/tickets"] == 2


def test_the_log_is_bounded():
    sb = Sandbox(tickets=1)
    assert sb.request_log.maxlen == REQUEST_LOG_SIZE >= 100_000
