"""The ledger aggregates as documented and the verdict flips when the constructed evidence flips.

Draws are constructed (share transforms: the value is the threat), so every expected number is by hand.
"""

from __future__ import annotations

import numpy as np
import pytest

from ironriver.errors import IronRiverError, OutOfRangeError
from ironriver.sovereignty.chain import DEFAULT_YEARS, YEAR_SPAN, parse_years
from ironriver.sovereignty.draws import IndicatorDraws
from ironriver.sovereignty.ledger import score
from ironriver.sovereignty.verdict import compare, sentence, verdict

YEARS = np.array([2020, 2021])


def share(state: str, kind: str, values: list[float] | np.ndarray, name: str = "x") -> tuple[dict, np.ndarray]:
    """An indicator whose value is already a threat (share transform); ``values`` per year, or (draws, years)."""
    value = np.asarray(values, dtype=float)
    return {"id": f"{state}_{kind}_{name}", "state": state, "kind": kind, "concept": f"{kind}_{name}"}, \
        (value if value.ndim == 2 else value[None, :])


def build_ledger(indicators: list, years: np.ndarray, *, n_draws: int, n_weightings: int):
    rows = [row for row, _ in indicators]
    values = np.stack([np.broadcast_to(v, (n_draws, years.size)) for _, v in indicators], axis=1)
    return score(IndicatorDraws.constructed(rows, years, values), n_weightings=n_weightings)


def test_single_indicators_pass_through_unchanged() -> None:
    ledger = build_ledger([share("MEX", "domestic", [0.8, 0.6]), share("USA", "domestic", [0.2, 0.4])], YEARS,
                          n_draws=20, n_weightings=10)
    assert np.allclose(ledger.kind_scores[("MEX", "domestic")][:, :, 0], 0.8)
    assert np.allclose(ledger.overall["USA"][:, :, 1], 0.4)   # the only comparable kind
    table = ledger.table().set_index(["state", "kind", "year"])
    assert table.loc[("MEX", "domestic", 2021), "median"] == pytest.approx(0.6)


def test_concepts_are_averaged_with_equal_weights_and_kinds_with_shared_dirichlet_weights() -> None:
    ledger = build_ledger([share("MEX", "domestic", [0.2, 0.2], "a"), share("MEX", "domestic", [0.9, 0.9], "b"),
                           share("USA", "domestic", [0.5, 0.5]), share("MEX", "westphalian", [0.1, 0.1]),
                           share("USA", "westphalian", [0.3, 0.3])], YEARS, n_draws=5, n_weightings=200)
    assert np.allclose(ledger.kind_scores[("MEX", "domestic")], 0.55)        # (0.2 + 0.9) / 2
    w = ledger.kind_weights
    expected_mex = (w[:, 0] * 0.55 + w[:, 2] * 0.1) / (w[:, 0] + w[:, 2])
    expected_usa = (w[:, 0] * 0.5 + w[:, 2] * 0.3) / (w[:, 0] + w[:, 2])
    assert np.allclose(ledger.overall["MEX"][:, 0, 0], expected_mex, atol=1e-6)
    assert np.allclose(ledger.overall["USA"][:, 0, 0], expected_usa, atol=1e-6)
    assert ledger.overall["MEX"].std() > 0.05                               # the kind weighting is sampled


@pytest.mark.parametrize(("mex", "usa", "winner"), [(0.9, 0.1, "MEX"), (0.1, 0.9, "USA")])
def test_the_verdict_flips_with_the_evidence(mex: float, usa: float, winner: str) -> None:
    ledger = build_ledger([share("MEX", "interdependence", [mex, mex]), share("USA", "interdependence", [usa, usa])],
                          YEARS, n_draws=30, n_weightings=10)
    result = verdict(ledger)
    c = result.get(2021)
    assert (c.p_mex_more, c.p_usa_more) == ((1.0, 0.0) if winner == "MEX" else (0.0, 1.0))
    assert c.share_weightings_mex == (1.0 if winner == "MEX" else 0.0)
    assert result.sentence().startswith("In 2021, Mexico's" if winner == "MEX" else "In 2021, the USA's")


def test_overall_compares_only_kinds_both_states_have() -> None:
    # Mexico's domestic threat is extreme, but the USA has no domestic indicator: the overall verdict rests
    # on interdependence alone, where the USA is the more threatened.
    indicators = [share("MEX", "domestic", [1.0, 1.0]), share("MEX", "interdependence", [0.1, 0.1]),
                  share("USA", "interdependence", [0.5, 0.5])]
    result = verdict(build_ledger(indicators, YEARS, n_draws=20, n_weightings=20))
    assert result.get(2020).p_usa_more == 1.0
    assert not result.get(2020, "domestic").comparable
    assert "do not allow a comparison" in result.sentence(2020, "domestic")


def test_a_missing_year_drops_out_and_reweights() -> None:
    indicators = [share("MEX", "domestic", [0.9, np.nan], "a"), share("MEX", "domestic", [0.3, 0.3], "b"),
                  share("USA", "domestic", [0.5, 0.5])]
    ledger = build_ledger(indicators, YEARS, n_draws=10, n_weightings=50)
    assert np.allclose(ledger.kind_scores[("MEX", "domestic")][:, :, 1], 0.3)   # only "b" in 2021
    assert np.allclose(ledger.kind_scores[("MEX", "domestic")][:, :, 0], 0.6)   # (0.9 + 0.3) / 2 in 2020
    flipped = verdict(ledger)
    assert flipped.get(2021).p_usa_more == 1.0 and flipped.get(2020).p_mex_more > 0


def test_equal_zero_threats_are_a_tie_not_a_usa_win() -> None:
    result = verdict(build_ledger([share("MEX", "international_legal", [0.0, 0.0]),
                                   share("USA", "international_legal", [0.0, 0.0])], YEARS, n_draws=10, n_weightings=5))
    c = result.get(2020)
    assert (c.p_mex_more, c.p_usa_more, c.p_tie) == (0.0, 0.0, 1.0)
    assert "neither" in sentence(c)


def test_uncertain_evidence_gives_an_intermediate_probability() -> None:
    draws = np.linspace(0.0, 1.0, 101)[:, None].repeat(2, axis=1)       # uniform over [0, 1]
    mex = share("MEX", "domestic", draws)
    result = verdict(build_ledger([mex, share("USA", "domestic", [0.25, 0.25])], YEARS, n_draws=101, n_weightings=4))
    assert result.get(2020).p_mex_more == pytest.approx(0.75, abs=0.02)


def test_compare_ignores_missing_cells() -> None:
    mex = np.array([[0.5, np.nan], [0.7, 0.2]])
    usa = np.array([[0.4, 0.1], [np.nan, 0.3]])
    c = compare(mex, usa, 2020, "overall")
    assert c.n_cells == 2 and c.p_mex_more == 0.5 and c.p_usa_more == 0.5


def test_years_are_parsed_and_checked() -> None:
    assert parse_years("2005:2024") == (2005, 2024)
    assert parse_years(None) == DEFAULT_YEARS
    with pytest.raises(OutOfRangeError, match="outside the span"):
        parse_years("1800:1900")
    with pytest.raises(OutOfRangeError):
        parse_years(f"{YEAR_SPAN[1]}:{YEAR_SPAN[0]}")
    with pytest.raises(IronRiverError, match="2005:2024"):
        parse_years("2005-2024")


def test_the_window_summary_counts_years_for_each_state() -> None:
    indicators = [share("MEX", "domestic", [0.9, 0.1]), share("USA", "domestic", [0.2, 0.8])]
    result = verdict(build_ledger(indicators, YEARS, n_draws=10, n_weightings=5))
    assert result.across() == "Across 2020–2021, Mexico's is the more threatened in 1 of 2 years, the USA's in 1."
    assert result.summary().startswith("In 2021, the USA's sovereignty overall is the more threatened")
