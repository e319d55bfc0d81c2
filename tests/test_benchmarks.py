"""The benchmark script's pure parts: the rule-economy grid (in full) and the page rendering."""

from __future__ import annotations

from benchmarks.run import economy, render


def test_rule_economy_grid_is_at_the_minimum_everywhere() -> None:
    result = economy(seconds=1.0)
    assert result["rows"] == 6 * 25 * 4
    assert result["worse"] == []
    assert result["proofs"]["bound only"] == 0


def test_render_states_targets_plainly() -> None:
    results = {
        "machine": {"cpus": "2"},
        "overhead": {
            "pairs": 1,
            "with": [1.2],
            "without": [1.0],
            "ratio": 1.2,
            "warm_with": [0.06],
            "warm_without": [0.02],
            "warm_delta": 0.04,
        },
        "scale": [
            {"kind": "WAF", "cidrs": 10, "median": 0.1, "spread": 0.0, "bytes": 10, "refused": ""}
        ],
        "economy": {"rows": 1, "worse": [], "proofs": {"bound": 1}, "pairs": {}},
        "preview": {"pairs": 1, "one": [4.0], "preview": [5.6], "ratio": 1.4},
        "suite": 12.0,
    }
    page = render(results)
    assert "**Ratio (median with / median without): 1.200** (target <= 1.05: **missed**)." in page
    assert "own work (planning, building the rules, the synth-time checks) is **40 ms**," in page
    assert "4.0% of the median fresh-process synth above." in page
    assert "Largest case: 0.10 s (target < 10 s: met)." in page
    assert "took **12.0 s**" in page
    assert (
        "**Ratio (median preview / median synthesis): 1.40** (target <= 1.3: **missed**)." in page
    )


def test_the_function_benchmark_renders_ratios_and_the_largest_fit() -> None:
    from benchmarks.function_cost import render as render_function

    result = {
        "engines": ["njs"],
        "rows": [
            {"entries": "5 IPv4", "viewer": "outside", "njs": 0.1},
            {"entries": "200 IPv4", "viewer": "outside", "njs": 0.15},
        ],
        "fit": {"IPv4": 489, "IPv6": 263},
    }
    page = "\n".join(render_function(result))
    assert "| 200 IPv4 | outside | 0.1500 |" in page
    assert "- 200 IPv4, outside: 1.50x" in page
    assert "**489 IPv4** networks or **263 IPv6** networks" in page


def test_the_largest_allowlist_that_fits_is_at_least_400_ipv4() -> None:
    from benchmarks.function_cost import largest_fit

    assert largest_fit("IPv4") >= 400
    assert largest_fit("IPv6") >= 150
