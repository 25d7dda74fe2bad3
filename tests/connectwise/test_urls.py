import pytest

from connectwise.urls import InvalidUrl, api_site_url, host_port, normalise_site_url


def test_normalises_url_with_release_path():
    site = normalise_site_url("https://na.myconnectwise.net/v4_6_release/apis/3.0/")

    assert site.url == "https://na.myconnectwise.net"
    assert site.notice == (
        "The extra path /v4_6_release/apis/3.0/ was removed: "
        "Super IT only needs the host."
    )


def test_normalises_bare_host_to_https_without_notice():
    site = normalise_site_url("na.myconnectwise.net")

    assert site.url == "https://na.myconnectwise.net"
    assert (site.scheme, site.host, site.port) == (
        "https",
        "na.myconnectwise.net",
        None,
    )
    assert site.notice is None


@pytest.mark.parametrize(
    "text",
    [
        "  na.myconnectwise.net  ",
        "HTTPS://NA.MyConnectWise.NET",
        "https://na.myconnectwise.net:443",
        "https://na.myconnectwise.net/",
        "https://na.myconnectwise.net.",
    ],
)
def test_normalises_whitespace_case_default_port_and_slash(text):
    site = normalise_site_url(text)

    assert site.url == "https://na.myconnectwise.net"
    assert site.notice is None


def test_keeps_explicit_port_and_http_scheme():
    site = normalise_site_url("http://127.0.0.1:8765/")

    assert site.url == "http://127.0.0.1:8765"
    assert (site.host, site.port) == ("127.0.0.1", 8765)


def test_accepts_bare_host_with_port():
    assert normalise_site_url("cw.example-msp.com:8443").port == 8443


def test_drops_default_http_port():
    assert normalise_site_url("http://cw.local:80").url == "http://cw.local"


def test_drops_query_and_fragment_with_notice():
    site = normalise_site_url("na.myconnectwise.net/?company=x#top")

    assert site.url == "https://na.myconnectwise.net"
    assert "query text" in site.notice


def test_mentions_both_path_and_query_in_one_notice():
    site = normalise_site_url("https://na.myconnectwise.net/v4_6_release/?a=1")

    assert site.notice.startswith("The extra path /v4_6_release/ and the query text")
    assert "were removed" in site.notice


def test_brackets_ipv6_host_in_url():
    site = normalise_site_url("https://[2001:DB8::1]:8443/")

    assert site.url == "https://[2001:db8::1]:8443"
    assert site.host == "2001:db8::1"


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("", "Enter your ConnectWise site address"),
        ("   ", "Enter your ConnectWise site address"),
        (None, "Enter your ConnectWise site address"),
        ("ftp://na.myconnectwise.net", "https://"),
        ("javascript:alert(1)//x", "https://"),
        ("mailto:cw@example.com", "https://"),
        ("https://user:pass@na.myconnectwise.net", "user name or password"),
        ("https://na.myconnectwise.net:0", "port"),
        ("https://na.myconnectwise.net:70000", "port"),
        ("https://na.myconnectwise.net:https", "port"),
        ("https://na my.connectwise.net", "space"),
        ("https://", "no host"),
        ("https://-bad-.example", "not valid"),
        ("https://under_score.example", "not valid"),
        ("https://[not-ipv6]", "not a valid web address"),
        ("https://2001:db8::1", "IPv6"),
    ],
)
def test_rejects_unusable_input_with_clear_message(text, fragment):
    with pytest.raises(InvalidUrl) as info:
        normalise_site_url(text)

    assert fragment in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "site, api",
    [
        ("na.myconnectwise.net", "https://api-na.myconnectwise.net"),
        ("eu.myconnectwise.net", "https://api-eu.myconnectwise.net"),
        ("au.myconnectwise.net", "https://api-au.myconnectwise.net"),
        ("aus.myconnectwise.net", "https://api-aus.myconnectwise.net"),
        ("za.myconnectwise.net", "https://api-za.myconnectwise.net"),
        ("staging.connectwisedev.com", "https://api-staging.connectwisedev.com"),
        ("api-na.myconnectwise.net", "https://api-na.myconnectwise.net"),
        ("sandbox-na.myconnectwise.net", "https://sandbox-na.myconnectwise.net"),
        ("cw.example-msp.com", "https://cw.example-msp.com"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
    ],
)
def test_maps_cloud_sites_to_their_api_host(site, api):
    assert api_site_url(site) == api
    assert api_site_url(normalise_site_url(site)) == api


@pytest.mark.parametrize(
    "site, expected",
    [
        ("https://na.myconnectwise.net", "na.myconnectwise.net"),
        ("https://na.myconnectwise.net:443", "na.myconnectwise.net"),
        ("http://127.0.0.1:8765", "127.0.0.1:8765"),
        ("https://cw.example-msp.com:8443", "cw.example-msp.com:8443"),
        ("https://[::1]:8443", "[::1]:8443"),
    ],
)
def test_host_port_includes_only_explicit_non_default_port(site, expected):
    assert host_port(site) == expected
