"""Allowlist, host and path normalisation; host pattern overlap; MaintenanceResponse."""

from __future__ import annotations

import json

import pytest

from maintenance_constructs import DEFAULT_JSON_BODY, MaintenanceConfigError, MaintenanceResponse
from maintenance_constructs.values import (
    host_patterns_overlap,
    normalize_cidrs,
    normalize_hosts,
    normalize_paths,
)


def test_cidrs_are_normalised_and_collapsed() -> None:
    networks = normalize_cidrs(
        [
            "198.51.100.7",
            "203.0.113.0/25",
            "203.0.113.128/25",
            "203.0.113.5/32",
            "2001:db8::1",
            "2001:db8::/48",
            " 10.0.0.0/8 ",
            "10.1.0.0/16",
        ]
    )
    assert [str(n) for n in networks] == [
        "10.0.0.0/8",
        "198.51.100.7/32",
        "203.0.113.0/24",
        "2001:db8::/48",
    ]


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("203.0.113.5/24", "has host bits set; did you mean the network '203.0.113.0/24'"),
        ("2001:db8::1/48", "did you mean the network '2001:db8::/48'"),
        ("0.0.0.0/0", "allows every address"),
        ("::/0", "allows every address"),
        ("office", "is not an IPv4 or IPv6 address or CIDR"),
        ("300.1.1.1", "is not an IPv4 or IPv6 address or CIDR"),
    ],
)
def test_bad_cidrs(value: str, fragment: str) -> None:
    with pytest.raises(MaintenanceConfigError) as error:
        normalize_cidrs([value])
    assert str(error.value).startswith(f"allowed_cidrs: {value!r}")
    assert fragment in str(error.value)


def test_cidrs_must_be_a_list() -> None:
    with pytest.raises(
        MaintenanceConfigError,
        match=r"allowed_cidrs: expected a list of strings, received '10.0.0.0/8'",
    ):
        normalize_cidrs("10.0.0.0/8")


def test_hosts_deduplicated_case_insensitively() -> None:
    assert normalize_hosts(["Example.com", "example.COM", "*.example.com"]) == [
        "Example.com",
        "*.example.com",
    ]


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("localhost", "must contain at least one '.'"),
        ("example.com:8443", "may hold only a-z A-Z 0-9"),
        ("https://example.com", "may hold only a-z A-Z 0-9"),
        ("example.123", "only letters after its final '.'"),
        ("a" * 125 + ".com", "must be 1 to 128 characters (it has 129)"),
    ],
)
def test_bad_hosts(value: str, fragment: str) -> None:
    with pytest.raises(MaintenanceConfigError) as error:
        normalize_hosts([value])
    assert f"host_headers: {value!r}" in str(error.value)
    assert fragment in str(error.value)


def test_empty_hosts() -> None:
    with pytest.raises(
        MaintenanceConfigError, match=r"host_headers: received \[\]; list at least one host"
    ):
        normalize_hosts([])


@pytest.mark.parametrize(
    ("value", "wildcards", "fragment"),
    [
        ("health", True, "must start with '/'"),
        ("/health check", True, "may hold only"),
        ("/" + "a" * 128, True, "at most 128 characters"),
        ("/health*", False, "is a prefix here"),
    ],
)
def test_bad_paths(value: str, wildcards: bool, fragment: str) -> None:
    with pytest.raises(MaintenanceConfigError) as error:
        normalize_paths([value], wildcards=wildcards)
    assert f"bypass_paths: {value!r}" in str(error.value)
    assert fragment in str(error.value)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("example.com", "EXAMPLE.com", True),
        ("*.example.com", "www.example.com", True),
        ("*.example.com", "example.com", False),
        ("www.example.???", "www.example.com", True),
        ("www.example.???", "www.example.io", False),
        ("*.example.com", "api.*", True),
        ("a*", "*b", True),
        ("*", "anything.example", True),
        ("shop.example.com", "example.com", False),
    ],
)
def test_host_pattern_overlap(a: str, b: str, expected: bool) -> None:
    assert host_patterns_overlap(a, b) is expected
    assert host_patterns_overlap(b, a) is expected


def test_json_default_body_is_the_seeds() -> None:
    response = MaintenanceResponse.json()
    assert json.loads(response.body) == dict(DEFAULT_JSON_BODY)
    assert (response.status_code, response.content_type, response.retry_after) == (
        503,
        "application/json",
        None,
    )


def test_json_body_is_compact_utf8() -> None:
    response = MaintenanceResponse.json(
        {"code": "service_unavailable", "hint": "現在メンテナンス中です。"}
    )
    assert response.body == '{"code":"service_unavailable","hint":"現在メンテナンス中です。"}'
    assert response.body_bytes == len(response.body.encode("utf-8")) > len(response.body)


def test_html_text_and_headers() -> None:
    html = MaintenanceResponse.html(
        "<h1>Back soon</h1>", retry_after=600, headers={"Cache-Control": "no-store"}
    )
    assert html.content_type == "text/html"
    assert html.all_headers == (("Retry-After", "600"), ("Cache-Control", "no-store"))
    assert MaintenanceResponse.text("down", status_code=500).status_code == 500


def test_response_is_frozen() -> None:
    response = MaintenanceResponse.text("down")
    with pytest.raises(AttributeError):
        response.body = "up"  # type: ignore[misc]


def test_page_is_complete_accessible_and_self_contained() -> None:
    from maintenance_constructs import MaintenanceResponse

    page = MaintenanceResponse.page(
        title="メンテナンス中",
        message="現在メンテナンス中です。",
        lang="ja",
        retry_after=600,
        status_url="https://status.example.com",
    )
    body = page.body
    assert page.content_type == "text/html" and page.status_code == 503
    assert page.body_bytes <= 1024  # an ALB fixed response, with Japanese text
    assert body.startswith('<!doctype html><html lang="ja"><meta charset="utf-8">')
    assert '<meta name="viewport" content="width=device-width,initial-scale=1">' in body
    assert "@media(prefers-color-scheme:dark)" in body
    assert "<main><h1>メンテナンス中</h1><p>現在メンテナンス中です。</p>" in body
    assert "約10分後に再度お試しください。" in body and page.all_headers == (
        ("Retry-After", "600"),
    )
    # No external request: no script, image, stylesheet link, font or url(); one plain link.
    for fetched in ("<script", "<img", "<link", "url(", "@import", "src="):
        assert fetched not in body
    assert body.count("http") == 1


def test_page_escapes_text_and_fits_the_waf_with_a_long_message() -> None:
    from maintenance_constructs import MaintenanceResponse

    page = MaintenanceResponse.page(title="<b>Down</b>", message="A & B " * 300)
    assert "&lt;b&gt;Down&lt;/b&gt;" in page.body and "<b>" not in page.body
    assert 1024 < page.body_bytes <= 4096  # for the WAF front doors, not an ALB
