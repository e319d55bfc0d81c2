"""methods= and paths=: what maintenance turns away, one definition for every front door (pure,
no synthesis). The doors' own conditions are tested beside each door; the refusals are rows
of the bad-input table."""

from __future__ import annotations

import json

import pytest

from maintenance_constructs import DEFAULT_JSON_BODY, READ_ONLY, MaintenanceConfigError
from maintenance_constructs.scope import (
    EVERY_REQUEST,
    MaintenanceScope,
    default_response,
    maintenance_scope,
    scope_from_metadata,
)

WRITES = maintenance_scope(methods=READ_ONLY, paths=None, door="function")
CHECKOUT = maintenance_scope(methods=None, paths=["/checkout/*", "/cart"], door="waf")
BOTH = maintenance_scope(methods=["POST"], paths=["/checkout/*"], door="alb")


@pytest.mark.parametrize(
    ("scope", "method", "path", "covered"),
    [
        (WRITES, "POST", "/", True),
        (WRITES, "DELETE", "/orders/1", True),
        (WRITES, "GET", "/", False),
        (WRITES, "HEAD", "/", False),
        (WRITES, "OPTIONS", "/", False),  # CORS preflight is not a write
        (CHECKOUT, "GET", "/checkout/pay", True),
        (CHECKOUT, "GET", "/checkout", False),  # the prefix is '/checkout/'
        (CHECKOUT, "GET", "/cart", True),
        (CHECKOUT, "GET", "/cart/items", False),  # '/cart' is exact
        (CHECKOUT, "GET", "/catalog", False),
        (CHECKOUT, "GET", "/Checkout/pay", False),  # case-sensitive, as an ALB compares
        (BOTH, "POST", "/checkout/pay", True),
        (BOTH, "GET", "/checkout/pay", False),
        (BOTH, "POST", "/catalog", False),
        (EVERY_REQUEST, "GET", "/anything", True),
    ],
)
def test_covers(scope: MaintenanceScope, method: str, path: str, covered: bool) -> None:
    assert scope.covers(method, path) is covered


def test_alb_patterns_keep_their_wildcards() -> None:
    scope = maintenance_scope(methods=None, paths=["/api/v?/orders*"], door="alb")
    assert scope.covers("GET", "/api/v2/orders/7")
    assert not scope.covers("GET", "/api/v10/orders")


def test_prefix_doors_read_patterns_as_exact_paths_and_prefixes() -> None:
    assert [(p.value, p.prefix) for p in CHECKOUT.patterns()] == [
        ("/checkout/", True),
        ("/cart", False),
    ]


@pytest.mark.parametrize(
    ("scope", "summary", "words"),
    [
        (WRITES, "writes", "writes turned away; reads reach the app"),
        (
            CHECKOUT,
            "requests to /checkout/*, /cart",
            "requests to /checkout/*, /cart turned away; other paths reach the app",
        ),
        (
            BOTH,
            "POST requests to /checkout/*",
            "POST requests to /checkout/* turned away; every other request reaches the app",
        ),
        (EVERY_REQUEST, "every request", "every request is turned away"),
    ],
)
def test_the_scope_in_words(scope: MaintenanceScope, summary: str, words: str) -> None:
    assert (scope.summary, scope.words) == (summary, words)


def test_the_default_body_names_a_partial_scope_only() -> None:
    assert default_response(EVERY_REQUEST).body == json.dumps(
        dict(DEFAULT_JSON_BODY), ensure_ascii=False, separators=(",", ":")
    )
    body = json.loads(default_response(WRITES).body)
    assert body == {**DEFAULT_JSON_BODY, "scope": "writes"}
    assert default_response(WRITES).status_code == 503


@pytest.mark.parametrize("scope", [WRITES, CHECKOUT, BOTH, EVERY_REQUEST])
def test_metadata_round_trip(scope: MaintenanceScope) -> None:
    assert scope_from_metadata(json.loads(json.dumps(scope.metadata()))) == scope


def test_no_record_reads_as_every_request() -> None:
    assert scope_from_metadata(None) == EVERY_REQUEST


@pytest.mark.parametrize(
    ("methods", "paths", "door", "fragment"),
    [
        ([], None, "alb", "methods: received [], an empty list"),
        ("POST", None, "alb", "methods: received 'POST', not a list"),
        (["post"], None, "waf", "write 'POST'"),
        (["CONNECT"], None, "alb", "methods: 'CONNECT' is not an HTTP method"),
        (["GET", "GET"], None, "alb", "listed twice"),
        (["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"], None, "alb", "default"),
        (None, [], "waf", "paths: received [], an empty list"),
        (None, ["/*"], "alb", "matches every path"),
        (None, ["/**"], "alb", "matches every path"),
        (["GET"], None, "alb", "names GET but not HEAD"),
        (["HEAD", "POST"], None, "waf", "names HEAD but not GET"),
        (None, ["/shop/../checkout/*"], "alb", "Write it as it resolves: '/checkout/*'"),
        (None, ["/a/./b"], "function", "Write it as it resolves: '/a/b'"),
        (None, ["/a//b/*"], "function", "a repeated slash"),
        (None, ["checkout/*"], "alb", "must start with '/'"),
        (None, ["/a b"], "function", "may hold only"),
        (None, ["/a/*/b"], "waf", "a WAF rule cannot match exactly"),
        (None, ["/a?"], "function", "the function cannot match exactly"),
        (None, ["/cart", "/cart"], "alb", "listed twice"),
        (None, [7], "alb", "is not a path pattern"),
    ],
)
def test_refusals_name_the_parameter_and_the_fix(
    methods: object, paths: object, door: str, fragment: str
) -> None:
    with pytest.raises(MaintenanceConfigError) as error:
        maintenance_scope(methods=methods, paths=paths, door=door)  # type: ignore[arg-type]
    assert fragment in str(error.value)


def test_alb_takes_wildcards_the_prefix_doors_refuse() -> None:
    assert maintenance_scope(methods=None, paths=["/a/*/b"], door="alb").paths == ("/a/*/b",)


def test_a_long_list_of_paths_is_counted_not_spelled_out_in_the_body() -> None:
    scope = maintenance_scope(methods=None, paths=[f"/p{i}/*" for i in range(400)], door="waf")
    assert scope.summary == "requests to /p0/*, /p1/*, /p2/* and 397 more paths"
    assert len(default_response(scope).body) < 200


@pytest.mark.parametrize(
    ("door", "path"),
    [("alb", "/"), ("waf", "/"), ("alb", "/?"), ("alb", "/*/*"), ("function", "/cart/")],
)
def test_patterns_that_leave_paths_out_are_not_read_as_every_path(door: str, path: str) -> None:
    assert maintenance_scope(methods=None, paths=[path], door=door).paths == (path,)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("door", "paths", "bypass", "under"),
    [
        ("waf", ["/checkout/*"], ["/checkout"], True),  # a WAF bypass path is a prefix
        ("function", ["/cart"], ["/cart"], True),
        ("function", ["/cart"], ["/ca"], True),
        ("alb", ["/checkout/*"], ["/checkout/*"], True),
        ("alb", ["/checkout/*"], ["/check*"], True),
        ("alb", ["/cart"], ["/c?rt"], True),
        ("waf", ["/checkout/*"], ["/health"], False),
        ("alb", ["/checkout/*"], ["/checkout/pay"], False),  # an ALB bypass path is exact
        ("alb", ["/cart"], ["/cart/*"], False),
        ("function", ["/checkout/*"], ["/checkout/pay"], False),  # only part of the scope
    ],
)
def test_a_scope_under_a_bypass_path_is_refused(
    door: str, paths: list[str], bypass: list[str], under: bool
) -> None:
    """Everyone gets through a bypass path: a scope under one would turn nothing away."""
    if not under:
        maintenance_scope(methods=None, paths=paths, door=door, bypass_paths=bypass)  # type: ignore[arg-type]
        return
    with pytest.raises(MaintenanceConfigError) as error:
        maintenance_scope(methods=None, paths=paths, door=door, bypass_paths=bypass)  # type: ignore[arg-type]
    assert f"lies under bypass_paths {bypass[0]!r}" in str(error.value)
