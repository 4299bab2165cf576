"""Levers and the plan they resolve to, against hand-computed answers from the cited figures."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest

from ironriver.supply_chain import Scenario, prepare_inputs
from ironriver.supply_chain.chain import CELL_CHANNEL, CELL_SOURCE, CHANNELS, CORRIDORS, ROUTE_CORRIDOR, CELL_ROUTE, SOURCES
from ironriver.supply_chain.inputs import nics_seasonality, source_shares
from ironriver.supply_chain.levers import LEVERS, capped_poisson_mean, channel_shares, resolve_plan
from ironriver.supply_chain.parameters import draw_parameters
from ironriver.supply_chain.scenario import Levers
from ironriver.store import literature_value

FLOW = 200_000.0


@lru_cache(maxsize=1)
def inputs():
    draws = pd.DataFrame({"draw": [0, 1], "year": [2020, 2020], "flow": [FLOW, FLOW]})
    return prepare_inputs([Scenario.baseline()], draws, seasonal=np.ones((5, 52)))


def plan(levers: dict, pinned: dict | None = None, effect: np.ndarray | None = None, replicates: int = 4):
    base = inputs()
    if effect is not None:
        from dataclasses import replace

        base = replace(base, awb_effect_pct=effect)
    params = draw_parameters(base, 7, np.arange(replicates), pinned or {})
    return resolve_plan(Levers(**levers), params, base, (2020,)), params


def by_channel_source(volume: np.ndarray) -> np.ndarray:
    """(R, Y, 24) cell volumes → (R, 3, 5) for the first year."""
    out = np.zeros((volume.shape[0], len(CHANNELS), len(SOURCES)))
    np.add.at(out, (slice(None), CELL_CHANNEL, CELL_SOURCE), volume[:, 0])
    return out


STILL = {"channel_substitution": 0.2, "cartel_demand_price_elasticity": 0.1}


def test_status_quo_buys_exactly_the_calibrated_flow() -> None:
    status_quo, _ = plan({})
    assert status_quo.volume.sum(axis=2)[:, 0] == pytest.approx(np.full(4, FLOW))


def test_source_shares_come_from_the_trace_figures() -> None:
    shares = source_shares()
    nm = literature_value("source_state_traces_nm_2022_2023").value / literature_value(
        "traces_us_proven_mx_2022_2023").value
    assert shares[:4] == pytest.approx([literature_value(f"source_state_share_{s}_2017_2023").value
                                        for s in ("tx", "az", "ca")] + [nm])
    assert shares.sum() == pytest.approx(1.0) and shares.min() > 0


def test_channel_shares_follow_miller_hepburn_azrael() -> None:
    params = {"no_check_recent": np.array([0.22]), "no_check_private_national": np.array([0.50]),
              "no_check_private_regulated": np.array([0.26]), "no_check_private_unregulated": np.array([0.57]),
              "unlicensed_share_of_no_check": np.array([0.5])}
    shares = channel_shares(params)[0]
    private = 0.22 / 0.50
    assert shares[:, SOURCES.index("TX")] == pytest.approx([1 - private * 0.57, private * 0.57 / 2, private * 0.57 / 2])
    assert shares[:, SOURCES.index("CA")] == pytest.approx([1 - private * 0.26, private * 0.26 / 2, private * 0.26 / 2])
    assert shares[:, SOURCES.index("other")] == pytest.approx([1 - private * 0.5, private * 0.25, private * 0.25])
    assert shares.sum(axis=0) == pytest.approx(np.ones(5))


def test_universal_checks_cut_no_check_sales_to_the_regulated_states_share() -> None:
    before, params = plan({}, STILL)
    after, _ = plan({"universal_background_checks": True}, STILL)
    b, a = by_channel_source(before.volume), by_channel_source(after.volume)
    ratio = np.minimum(1, params["no_check_private_regulated"] / params["no_check_private_unregulated"])
    tx, ca = SOURCES.index("TX"), SOURCES.index("CA")
    private = CHANNELS.index("private_no_check")
    lost_tx = b[:, 1:, tx].sum(axis=1) * (1 - ratio)
    kept_tx = b[:, private, tx] * ratio
    # private sellers in Texas keep the regulated states' share, plus their part of the 20 % re-routed
    open_tx = b[:, 0, tx] + b[:, 1:, tx].sum(axis=1) * ratio
    expected = kept_tx + 0.2 * lost_tx * kept_tx / open_tx
    assert a[:, private, tx] == pytest.approx(expected)
    assert a[:, :, ca] == pytest.approx(b[:, :, ca])                       # California already regulates
    assert a[:, 0, tx].sum() > b[:, 0, tx].sum()                           # straw purchases take some of it


def test_rerouting_recovers_the_substitution_share_of_what_a_rule_removes() -> None:
    pinned = {"channel_substitution": 0.9, "cartel_demand_price_elasticity": 0.1, "eib_rule_effect": 0.4}
    before, _ = plan({}, pinned)
    after, _ = plan({"engaged_in_business_rule": True}, pinned)
    b, a = by_channel_source(before.volume), by_channel_source(after.volume)
    unlicensed = CHANNELS.index("unlicensed_dealer")
    assert a.sum(axis=1) == pytest.approx(b.sum(axis=1) - (1 - 0.9) * 0.4 * b[:, unlicensed])
    assert (a[:, unlicensed] < b[:, unlicensed]).all()


def test_purchase_limit_keeps_the_capped_poisson_mean() -> None:
    assert capped_poisson_mean(np.array([3.0]), 1)[0] == pytest.approx(1 - math.exp(-3))
    two = 1 - math.exp(-3) + 1 - math.exp(-3) * (1 + 3)
    assert capped_poisson_mean(np.array([3.0]), 2)[0] == pytest.approx(two)
    assert capped_poisson_mean(np.array([3.0]), 50)[0] == pytest.approx(3.0)
    pinned = {**STILL, "guns_per_straw_buyer_per_month": 3.0, "channel_substitution": 0.2}
    before, _ = plan({}, pinned)
    after, _ = plan({"purchase_limit_per_month": 1}, pinned)
    straw = CHANNELS.index("straw_purchase")
    b, a = by_channel_source(before.volume), by_channel_source(after.volume)
    retention = (1 - math.exp(-3)) / 3
    lost = b[:, straw] * (1 - retention)
    kept = b[:, straw] * retention
    expected = kept + 0.2 * lost * kept / (kept + b[:, 1:].sum(axis=1))
    assert a[:, straw] == pytest.approx(expected)


def test_inspection_by_corridor_changes_only_that_corridor() -> None:
    before, _ = plan({}, STILL)
    after, _ = plan({"southbound_inspection": {"AZ": 10}}, STILL)
    p0 = before.transitions[:, 0, :24, 1] / (before.transitions[:, 0, :24, 1] + before.transitions[:, 0, :24, 2])
    p1 = after.transitions[:, 0, :24, 1] / (after.transitions[:, 0, :24, 1] + after.transitions[:, 0, :24, 2])
    az = ROUTE_CORRIDOR[CELL_ROUTE] == CORRIDORS.index("AZ")
    assert p1[:, az] == pytest.approx(1 - (1 - p0[:, az]) ** 10)
    assert p1[:, ~az] == pytest.approx(p0[:, ~az])


def test_baseline_seizures_match_the_cited_yearly_counts() -> None:
    status_quo, params = plan({}, {"weeks_to_crossing": 2.0})
    t = status_quo.transitions[:, 0, :24]
    hazard, crossing = t[..., 0], 0.5
    seized_us = hazard / (hazard + (1 - hazard) * crossing)
    ice = literature_value("ice_taskforce_firearms_seized_fy2015_2017")
    assert seized_us * FLOW == pytest.approx(np.full_like(seized_us, ice.value / 3))
    at_port = t[..., 1] / (t[..., 1] + t[..., 2])
    cbp = literature_value("cbp_outbound_firearms_seized_fy2014_2019").value
    assert at_port * FLOW * (1 - seized_us) == pytest.approx(np.full_like(at_port, cbp))


def test_assault_weapons_ban_uses_the_spillover_draws_and_spares_california() -> None:
    pinned = {**STILL, "homicide_elasticity_to_gun_inflow": 2.0}
    before, _ = plan({}, pinned, effect=np.array([70.0]))
    after, _ = plan({"assault_weapons_ban": True}, pinned, effect=np.array([70.0]))
    ratio = by_channel_source(after.volume).sum(axis=1) / by_channel_source(before.volume).sum(axis=1)
    ca = SOURCES.index("CA")
    assert ratio[:, ca] == pytest.approx(np.ones(4))
    assert np.delete(ratio, ca, axis=1) == pytest.approx(np.full((4, 4), 1.7 ** -0.5))


def test_assault_weapons_ban_without_the_estimate_uses_the_named_assumption() -> None:
    pinned = {**STILL, "awb_share_of_rifles_banned": 0.5}
    before, _ = plan({}, pinned)
    after, _ = plan({"assault_weapons_ban": True}, pinned)
    assert "awb_share_of_rifles_banned" in " ".join(after.notes)
    ratio = by_channel_source(after.volume).sum(axis=1) / by_channel_source(before.volume).sum(axis=1)
    rifles = literature_value("rifle_share_traces_us_mx_2022_2023").value
    assert ratio[:, SOURCES.index("TX")] == pytest.approx(np.full(4, 1 - rifles * 0.5))


def test_cartel_members_scale_demand_against_the_2022_count() -> None:
    before, params = plan({})
    after, _ = plan({"cartel_members": 350_000.0})
    ratio = after.volume.sum(axis=2)[:, 0] / before.volume.sum(axis=2)[:, 0]
    assert ratio == pytest.approx(350_000.0 / params["cartel_members_2022"])
    doubled, _ = plan({"cartel_demand": 2.0})
    assert doubled.volume.sum() == pytest.approx(2 * before.volume.sum())


def test_enforcement_raises_seizures_and_deters_straw_and_unlicensed_sellers() -> None:
    pinned = {**STILL, "straw_supply_enforcement_elasticity": 0.5}
    before, _ = plan({}, pinned)
    after, _ = plan({"straw_enforcement": 4.0}, pinned)
    assert after.transitions[:, 0, :24, 0] == pytest.approx(4 * before.transitions[:, 0, :24, 0])
    b, a = by_channel_source(before.volume), by_channel_source(after.volume)
    ratio = a.sum(axis=2) / b.sum(axis=2)
    assert ratio[:, 0] == pytest.approx(ratio[:, 1])
    assert (ratio[:, 0] < 0.51).all()          # 4^-0.5 and a little risk response
    assert (ratio[:, 2] > 0.95).all()


def test_every_lever_is_a_scenario_field_with_its_range() -> None:
    fields = Levers.model_fields
    assert [lever.name for lever in LEVERS] == list(fields)
    for lever in LEVERS:
        assert fields[lever.name].default == lever.default
        assert lever.anchor and lever.what


def test_nics_seasonality_averages_one_per_state() -> None:
    factors = nics_seasonality()
    assert factors.shape == (5, 52)
    assert factors.mean(axis=1) == pytest.approx(np.ones(5))
    assert (factors > 0.3).all() and (factors < 3).all()
    december = factors[:, 48:].mean(axis=1)
    assert (december > factors[:, 20:30].mean(axis=1)).all()   # the December buying season shows
