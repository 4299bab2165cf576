"""``ironriver estimate``: the yearly posterior of US guns trafficked into Mexico, in the terminal or as JSON.

A thin wrapper over :func:`ironriver.estimate.iron_river.estimate_iron_river`: a Rich table of the yearly
means over multi-year periods first (the headline: the yearly series is smooth by construction), then the yearly
medians with 50% and 90% intervals, a small chart on a log scale, the 2010–2012 mean, the sampling
diagnostics and where the published estimates fall. ``--json`` prints one object; ``--predict-traces YEAR``
forecasts what ATF will report; ``--assumptions`` lists every prior and fixed assumption; ``--sensitivity``
runs the leave-one-stream-out / prior-widening / assumption-range analysis.
"""

from __future__ import annotations

import json
import math
from typing import Annotated

import typer
from rich.table import Table

from ironriver.cli._common import console, ensure_store_with_progress, print_table
from ironriver.errors import IronRiverError, OutOfRangeError, UnknownNameError

CHART_WIDTH = 26
"""Characters across the terminal chart."""

SAMPLERS: dict[str, str] = {"default": "laplace-is", "long": "smc-long"}
"""``--sampler`` choices and the estimation method each runs (:data:`ironriver.estimate.iron_river.METHODS`)."""


def parse_years(text: str | None) -> tuple[int, int] | None:
    """``"1999:2024"`` → (1999, 2024); ``None`` → None. Malformed text raises :class:`OutOfRangeError`."""
    if text is None:
        return None
    parts = text.replace("-", ":").split(":")
    try:
        if len(parts) != 2:
            raise ValueError
        return int(parts[0]), int(parts[1])
    except ValueError:
        raise OutOfRangeError(f"--years must look like 1999:2024, got {text!r}") from None


def _guns(value: float) -> str:
    if value != value:
        return ""
    if abs(value) >= 1e6:
        return f"{value / 1e6:.2f}M"
    if abs(value) >= 1e3:
        return f"{value / 1e3:.0f}k"
    return f"{value:.3g}"


def chart_line(low: float, q25: float, median: float, q75: float, high: float, lo: float, hi: float,
               width: int = CHART_WIDTH) -> str:
    """One year of the chart on a log axis from ``lo`` to ``hi``: ─ the 90% interval, ━ the 50%, ● the median."""
    def col(value: float) -> int:
        share = (math.log(value) - math.log(lo)) / (math.log(hi) - math.log(lo))
        return max(0, min(width - 1, int(round(share * (width - 1)))))

    line = [" "] * width
    for i in range(col(low), col(high) + 1):
        line[i] = "─"
    for i in range(col(q25), col(q75) + 1):
        line[i] = "━"
    line[col(median)] = "●"
    return "".join(line)


def _print_flow(posterior) -> None:  # type: ignore[no-untyped-def]
    summary = posterior.summary()
    lo = 10 ** math.floor(math.log10(max(summary["q05"].min(), 1.0)))
    hi = 10 ** math.ceil(math.log10(summary["q95"].max()))
    table = Table(title="US guns trafficked into Mexico, per year (posterior)", show_lines=False,
                  caption=f"chart: log scale {_guns(lo)} … {_guns(hi)}; ─ 90%, ━ 50%, ● median")
    for column, justify in (("year", "right"), ("median", "right"), ("50%", "right"), ("90%", "right"),
                            ("chart", "left")):
        table.add_column(column, justify=justify, no_wrap=True, min_width=CHART_WIDTH if column == "chart" else None)
    for row in summary.itertuples(index=False):
        label = f"{row.year}{'*' if row.forecast else ''}"
        table.add_row(label, _guns(row.median), f"{_guns(row.q25)}–{_guns(row.q75)}",
                      f"{_guns(row.q05)}–{_guns(row.q95)}",
                      chart_line(row.q05, row.q25, row.median, row.q75, row.q95, lo, hi))
    console.print(table)
    if summary["forecast"].any():
        console.print("* no evidence for this year: the random walk's forecast")


def _print_periods(posterior) -> None:  # type: ignore[no-untyped-def]
    from ironriver.estimate.iron_river import SMOOTHNESS_NOTE

    table = Table(title="US guns trafficked into Mexico: mean per year over each period (the headline)")
    for column in ("period", "median", "50%", "90%"):
        table.add_column(column, justify="right", no_wrap=True)
    for row in posterior.periods():
        table.add_row(f"{row['start']}–{row['end']}", _guns(row["median"]), f"{_guns(row['q25'])}–{_guns(row['q75'])}",
                      f"{_guns(row['q05'])}–{_guns(row['q95'])}")
    console.print(table)
    console.print(f"note: {SMOOTHNESS_NOTE}.")


def _print_reference(posterior) -> None:  # type: ignore[no-untyped-def]
    try:
        ref = posterior.reference()
    except OutOfRangeError:
        return
    console.print(f"[bold]{ref['period']} mean[/bold]: {_guns(ref['median'])} guns/year "
                  f"(50%: {_guns(ref['q25'])}–{_guns(ref['q75'])}; 90%: {_guns(ref['q05'])}–{_guns(ref['q95'])})")


def _print_diagnostics(diagnostics: dict) -> None:
    khat = diagnostics.get("khat")
    parts = [f"method {diagnostics.get('method')}", f"path {diagnostics.get('path')}",
             f"ESS {diagnostics.get('ess', 0):,.0f}", f"fit {diagnostics.get('fit_seconds', 0):.1f} s"]
    if khat is not None:
        parts.insert(2, f"k̂ {khat:.2f}")
    if "attempts" in diagnostics and len(diagnostics["attempts"]) > 1:
        first = diagnostics["attempts"][0]
        parts.append(f"(first rung {first['path']}: k̂ {first['khat']:.2f}, ESS {first['ess']:.0f})")
    if "nuts" in diagnostics:
        n = diagnostics["nuts"]
        parts.append(f"vs NUTS: medians within {n['max_median_rel_diff']:.1%}, q05 {n['max_q05_rel_diff']:.1%}, "
                     f"q95 {n['max_q95_rel_diff']:.1%} (NUTS {n['seconds']:.0f} s)")
    if "rhat_max" in diagnostics:
        parts.append(f"R̂ max {diagnostics['rhat_max']:.3f}, divergences {diagnostics.get('divergences', 0)}")
    console.print("diagnostics: " + "; ".join(parts))
    if diagnostics.get("warning"):
        console.print(f"[yellow]warning: {diagnostics['warning']}[/yellow]")
    if diagnostics.get("caveat") and "nuts" not in diagnostics:
        console.print(f"note: {diagnostics['caveat']}.")


def _print_forecast_check() -> None:
    from ironriver.estimate.iron_river import leave_future_out_traces

    with console.status("leave-future-out check: refitting once per ATF year…"):
        frame = leave_future_out_traces()
    table = Table(title="leave-future-out check: fit through year t − 1, predict ATF's total for t (90% interval)")
    for column in ("year", "published", "median", "90% interval", "q95/q05", "inside"):
        table.add_column(column, justify="right")
    for row in frame.itertuples(index=False):
        table.add_row(str(row.year), f"{row.observed:,.0f}", f"{row.median:,.0f}", f"{row.low:,.0f} – {row.high:,.0f}",
                      f"{row.ratio:.1f}", "yes" if row.inside else "no")
    print_table(table)
    console.print(f"coverage: {int(frame['inside'].sum())} of {len(frame)} ({frame['inside'].mean():.0%}; nominal 90%)")


def _print_literature(posterior) -> None:  # type: ignore[no-untyped-def]
    frame = posterior.compare_literature()
    table = Table(title="published estimates in this posterior (not fitted unless --include-literature)")
    for column in ("estimate", "period", "value", "posterior 90%", "percentile", "fitted"):
        table.add_column(column, overflow="fold")
    for row in frame.itertuples(index=False):
        if row.verdict == "not compared":
            table.add_row(row.id, "", "", "", row.note, "")
            continue
        share = row.kind.endswith("share")
        value = f"{row.value:.0%}" if share else _guns(row.value)
        interval = (f"{row.posterior_q05:.0%}–{row.posterior_q95:.0%}" if share
                    else f"{_guns(row.posterior_q05)}–{_guns(row.posterior_q95)}")
        table.add_row(row.id, row.period, value, interval, f"{row.percentile:.0%}", "yes" if row.fitted else "no")
    print_table(table)


def _print_assumptions(as_json: bool) -> None:
    from ironriver.estimate.priors import assumptions_frame

    frame = assumptions_frame()
    if as_json:
        print(json.dumps(frame.to_dict(orient="records"), ensure_ascii=False, default=float))
        return
    table = Table(title=f"iron-river assumptions ({len(frame)}): priors and fixed values", show_lines=False)
    for column in ("kind", "name", "distribution / value", "range (90% or plausible)", "unit", "source", "why"):
        table.add_column(column, overflow="fold")
    for row in frame.itertuples(index=False):
        if row.kind == "prior":
            value = row.distribution
        else:
            value = _guns(row.value) if abs(row.value) >= 1000 else f"{row.value:.4g}"
        table.add_row(row.kind, row.name, value, f"{row.low:.4g} – {row.high:.4g}", row.unit, row.source, row.why)
    print_table(table)


def _print_sensitivity(frame) -> None:  # type: ignore[no-untyped-def]
    table = Table(title="what moves the 2010–2012 mean flow (refits; baseline first)",
                  caption="each refit is one Monte Carlo run: a Δ within about ±10% can be chance alone")
    for column in ("kind", "name", "change", "median", "90% interval", "Δ median", "Δ width"):
        table.add_column(column, overflow="fold")
    order = frame.iloc[1:].assign(impact=lambda f: f["width_change"].abs() + f["median_change"].abs())
    for row in [frame.iloc[0], *[r for _, r in order.sort_values("impact", ascending=False).iterrows()]]:
        table.add_row(row["kind"], row["name"], row["change"], _guns(row["median"]),
                      f"{_guns(row['q05'])}–{_guns(row['q95'])}", f"{row['median_change']:+.0%}",
                      f"{row['width_change']:+.0%}")
    print_table(table)


def estimate_command(
    years: Annotated[str | None, typer.Option("--years", help="years to fit and report, e.g. 1999:2024; the window changes the fit itself (the yearly random walk and the evidence it fuses cover only these years), so a year's estimate can differ between windows")] = None,
    include_literature: Annotated[bool, typer.Option("--include-literature",
                                                     help="also fit the published flow estimates")] = False,
    nuts: Annotated[bool, typer.Option("--nuts", help="NumPyro NUTS instead of Laplace-IS (extra [nuts])")] = False,
    sampler: Annotated[str, typer.Option("--sampler", metavar="default|long",
                                         help="'long': the same tempered SMC with twice the draws and 3.5x the "
                                              "evaluations (a 25 s fit instead of 5 s), its 5% bounds within 7-12% "
                                              "of NUTS's; 'default': its 5% bounds within 6-18%")] = "default",
    seed: Annotated[int, typer.Option("--seed", help="random seed (same seed, same draws)")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
    assumptions: Annotated[bool, typer.Option("--assumptions", help="list every prior and fixed assumption")] = False,
    predict_traces: Annotated[int | None, typer.Option("--predict-traces", metavar="YEAR",
                                                       help="forecast ATF's traces for YEAR")] = None,
    evidence: Annotated[str | None, typer.Option("--evidence", help="comma-separated streams to fit")] = None,
    sensitivity: Annotated[bool, typer.Option("--sensitivity", help="run the sensitivity analysis (a few minutes)")] = False,
    check_nuts: Annotated[bool, typer.Option("--check-nuts", help="refit with NUTS and report the agreement "
                                                                  "(extra [nuts])")] = False,
    check_forecast: Annotated[bool, typer.Option("--check-forecast", help="with --predict-traces: leave-future-out "
                                                                          "calibration over the ATF years (~10 fits)")] = False,
) -> None:
    """Yearly posterior of US firearms trafficked into Mexico, fusing every evidence stream."""
    if assumptions:
        ensure_store_with_progress()
        _print_assumptions(as_json)
        return
    window = parse_years(years)
    streams = [s.strip() for s in evidence.split(",") if s.strip()] if evidence else None
    if sampler not in SAMPLERS:
        raise UnknownNameError("--sampler", sampler, tuple(SAMPLERS))
    if nuts and sampler != "default":
        raise IronRiverError(f"--nuts and --sampler {sampler} ask for two samplers; give one")
    method = "nuts" if nuts else SAMPLERS[sampler]
    if nuts or check_nuts:
        from ironriver.estimate._iron_river_nuts import INSTALL_HINT, available

        if not available():
            raise IronRiverError(INSTALL_HINT)
    ensure_store_with_progress()
    from ironriver.estimate.iron_river import estimate_iron_river, supported_years

    if predict_traces is not None:
        first, last = supported_years()
        if not first <= predict_traces <= last:
            raise OutOfRangeError(f"--predict-traces {predict_traces} outside {first}:{last}")
    if as_json or predict_traces is not None:
        posterior = estimate_iron_river(years=window, evidence=streams, include_literature=include_literature,
                                        seed=seed, method=method)
    else:
        with console.status("fitting the iron-river model…"):
            posterior = estimate_iron_river(years=window, evidence=streams, include_literature=include_literature,
                                            seed=seed, method=method)
    if check_nuts:
        from ironriver.estimate.iron_river import check_nuts as run_check

        run_check(posterior)
    if predict_traces is not None:
        prediction = posterior.predict_traces(predict_traces)
        if as_json:
            print(json.dumps(prediction))
            return
        table = Table(title=f"ATF traces of guns recovered in Mexico, {predict_traces} (posterior predictive)")
        for column in ("", "median", "90% interval"):
            table.add_column(column, justify="right")
        for key, label in (("submitted", "submitted by Mexico"), ("us_sourced", "found US-sourced")):
            p = prediction[key]
            table.add_row(label, f"{p['median']:,.0f}", f"{p['q05']:,.0f} – {p['q95']:,.0f}")
        print_table(table)
        if check_forecast:
            _print_forecast_check()
        return
    if as_json:
        print(json.dumps(posterior.to_json(), ensure_ascii=False))
        return
    _print_periods(posterior)
    _print_flow(posterior)
    _print_reference(posterior)
    _print_diagnostics(posterior.diagnostics)
    _print_literature(posterior)
    if sensitivity:
        with console.status("refitting for the sensitivity analysis…"):
            frame = posterior.sensitivity()
        _print_sensitivity(frame)


def register(app: typer.Typer) -> None:
    app.command("estimate")(estimate_command)
