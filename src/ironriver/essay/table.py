"""The essay's claims, in our words, each with the rule that decides its status and the evaluator that applies it.

ironriver was built to test a realist essay (2025) arguing that the US–Mexico border threatens Mexico's
sovereignty more than the United States'. The essay is not quoted here; :data:`CLAIMS` paraphrases each claim
under a stable id, states the rule in words, names the evaluator (:data:`~ironriver.essay.rules.EVALUATORS`)
with its parameters — for matter-of-record claims the parts looked up in the timeline and literature — and says
what would change the status. One row per claim; adding a claim is adding a row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ironriver.essay.inputs import ClaimInputs
from ironriver.essay.record import COMBINE_RULE, Computed, Dated, Figure, Says
from ironriver.essay.rules import (
    FAR_FEWER_RATIO,
    MASS_EXCLUDED,
    MASS_SUPPORTED,
    ROBUST_P,
    ROBUST_SHARE,
)

__all__ = ["Claim", "CLAIMS", "claim_ids"]


@dataclass(frozen=True)
class Claim:
    """One claim: ``id``, the claim in our words, the rule in words, the evaluator and its parameters, and one
    sentence on what would change the status."""

    id: str
    claim: str
    rule: str
    evaluator: str
    would_change: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def basis(self) -> str:
        """``matter of record`` for claims about dates, laws and rulings (``… and model output`` where a part
        reads one); ``computed from the evidence`` for numeric rules."""
        if self.evaluator != "record":
            return "computed from the evidence"
        parts = self.params.get("parts", ())
        return "matter of record and model output" if any(isinstance(p, Computed) for p in parts) \
            else "matter of record"


# --- the checks the matter-of-record parts apply to published figures and model outputs ---------------


def _all_above_half(rows: list[pd.Series]) -> str:
    return "confirmed" if all(float(r["value"]) > 0.5 for r in rows) else "contradicted"


def _exactly_one(rows: list[pd.Series]) -> str:
    return "confirmed" if float(rows[0]["value"]) == 1 else "contradicted"


def _positive_share(rows: list[pd.Series]) -> str:
    row = rows[0]
    low = row["low"] if pd.notna(row["low"]) else row["value"]
    return "confirmed" if float(low) > 0 else "contradicted"


def _lower_where_regulated(rows: list[pd.Series]) -> str:
    """Qualified if the share without a check is lower where states regulate private sales (state law binds)."""
    regulated, unregulated = (float(r["value"]) for r in rows)
    return "qualified" if regulated < unregulated else "confirmed"


def _majority_or_unknown(rows: list[pd.Series]) -> str:
    """A share traced to a retail purchase: confirmed if most; else absent — the purchaser of the rest is unknown
    (missing, not zero)."""
    return "confirmed" if float(rows[0]["value"]) > 0.5 else "absent"


def _recorded(rows: list[pd.Series]) -> str:
    return "confirmed" if pd.notna(rows[0]["value"]) and float(rows[0]["value"]) > 0 else "absent"


def _value_is(claimed: float):  # noqa: ANN202 - returns a check
    """Confirmed if the recorded value equals ``claimed``, contradicted otherwise."""
    def check(rows: list[pd.Series]) -> str:
        return "confirmed" if pd.notna(rows[0]["value"]) and float(rows[0]["value"]) == claimed else "contradicted"

    return check


def _flow_every_period(inputs: ClaimInputs) -> tuple[str, tuple[dict[str, Any], ...]]:
    """Guns are carried south: the posterior mean flow's 5% quantile is above zero in every headline period."""
    from ironriver.essay.rules import headline_periods, period_masses

    if inputs.flow_draws is None:
        return "absent", ()
    masses = period_masses(inputs.flow_draws, headline_periods(inputs), 0.0, np.inf)
    if masses.empty:
        return "absent", ()
    items = tuple({"what": f"mean guns/year trafficked south, {int(r.start)}–{int(r.end)}",
                   "value": f"median {r.median:,.0f} (90%: {r.q05:,.0f}–{r.q95:,.0f})",
                   "lineage": f"{inputs.flow_lineage}: period mean {int(r.start)}–{int(r.end)}"}
                  for r in masses.itertuples())
    return ("confirmed" if (masses["q05"] > 0).all() else "contradicted"), items


def _domestic_comparison(inputs: ClaimInputs) -> tuple[str, tuple[dict[str, Any], ...]]:
    """Weak control inside Mexico relative to the USA: the ledger's domestic-sovereignty comparison."""
    v = inputs.verdict
    if v is None or not np.isfinite(v.kind_p_mex_more.get("domestic", np.nan)):
        return "absent", ()
    p = v.kind_p_mex_more["domestic"]
    item = ({"what": f"P(Mexico's domestic sovereignty more threatened than the USA's), {v.year}",
             "value": f"{p:.2f}", "lineage": f"model sovereignty ledger, kind domestic "
                                              f"(ironriver.assess, seed {inputs.seed}, {v.specification})"},)
    if p >= ROBUST_P:
        return "confirmed", item
    return ("qualified" if p > 0.5 else "contradicted"), item


_MEX_SUITS = (("category", "lawsuit"), ("actor", "MEX"))

CLAIMS: tuple[Claim, ...] = (
    Claim(
        "asymmetry", "Mexico has far fewer resources than the United States.",
        f"Computed: the ratio USA/Mexico of the Correlates of War composite capability (CINC) in every year since "
        f"1999. 'Far fewer' is an assumption, {FAR_FEWER_RATIO[0]:g}× (range {FAR_FEWER_RATIO[1]:g}–"
        f"{FAR_FEWER_RATIO[2]:g}×): supported if the smallest ratio is at least {FAR_FEWER_RATIO[2]:g}× (true under "
        f"every reading), partly supported if it depends on the reading, contradicted if the latest ratio is under "
        f"{FAR_FEWER_RATIO[1]:g}×.",
        "capability_ratio",
        "A CINC ratio falling under 5× (for instance if Mexico's military spending or energy use grew much faster "
        "than the USA's) would make it depend on how 'far fewer' is read.",
        {"stronger": "USA", "weaker": "MEX", "since": 1999}),
    Claim(
        "private_sales",
        "In the US, private sales need no background check, and there is no effective cap on how many guns one "
        "buyer can acquire that way.",
        f"Matter of record: survey figures on private purchases without a check (by state regulation) and the "
        f"federal rules in the timeline. {COMBINE_RULE}.",
        "record",
        "A record that state checks on private sales are rarely applied (no lower no-check share in regulating "
        "states) would make it supported; a federal cap in the timeline would contradict its second half.",
        {"parts": (
            Figure("private purchases often go without a background check", ("no_check_share_private_purchases_2015",),
                   _positive_share),
            Figure("no check is needed anywhere in the US",
                   ("no_check_share_private_regulated_states_2015", "no_check_share_private_unregulated_states_2015"),
                   _lower_where_regulated),
            Says("the federal rule on multiple sales is reporting, not a cap", "multiple_rifle_letter_2011",
                 ("report",), ("limit",)),
        )}),
    Claim(
        "awb_plcaa",
        "The federal assault-weapons ban lapsed in 2004, and in 2005 a federal law (PLCAA) shielded the gun supply "
        "chain from liability for crimes committed with its guns.",
        f"Matter of record: the dates and content of the two laws in the timeline. {COMBINE_RULE}.",
        "record",
        "Only a correction of the statutory record (dates or the PLCAA's scope) would change it.",
        {"parts": (
            Dated("the assault-weapons ban lapsed in 2004", 2004, ("assault weapons ban", "expire"),
                  (("category", "us_law"),)),
            Dated("PLCAA became law in 2005", 2005, ("protection of lawful commerce in arms act", "signed"),
                  (("category", "us_law"),)),
            Says("PLCAA shields the supply chain from liability", "plcaa_2005", ("liability",)),
        )}),
    Claim(
        "single_shop",
        "In Mexico the army is the only legal seller of guns, and the right to own one is narrow.",
        f"Matter of record: the count of legal gun shops, the decree that makes the army (SEDENA) the seller and "
        f"the federal firearms law's limits in the timeline. {COMBINE_RULE}.",
        "record",
        "A record of licensed civilian gun dealers in Mexico, or of a law widening civilian calibres or carry, "
        "would change it.",
        {"parts": (
            Figure("one legal gun shop", ("legal_gun_shops_mx_2022",), _exactly_one),
            Says("the army (SEDENA) is the seller", "ucam_decree_1995", ("sedena", "sell")),
            Says("the federal firearms law limits what civilians may own", "lfafe_1972", ("limits civilian calibres",)),
        )}),
    Claim(
        "straw_route",
        "The cartels arm themselves with guns bought legally in the US through proxies and carried south.",
        f"Matter of record and model output: the US-sourced share of guns traced in Mexico, the share traced to a "
        f"US retail purchase, and the iron-river posterior. {COMBINE_RULE}.",
        "record",
        "A published share of Mexico's traced guns bought by straw purchasers (not only 'traced to a retail "
        "purchase') would make it testable in full.",
        {"parts": (
            Figure("most traced guns recovered in Mexico came from the US",
                   ("share_traces_us_sourced_mx_2017_2022", "share_traces_us_sourced_mx_2018_2023"),
                   _all_above_half),
            Figure("bought at US retail (through proxies)", ("share_traces_us_purchaser_mx_2021_2023",),
                   _majority_or_unknown),
            Computed("carried south every period", _flow_every_period),
        )}),
    Claim(
        "flow_100k_200k",
        "Between 100,000 and 200,000 guns a year have crossed from US dealers every year since about 2011.",
        f"Computed: the claimed range against the iron-river posterior of the mean yearly flow in each headline "
        f"period ending in or after 2011 (yearly values are smooth by construction): supported if at least "
        f"{MASS_SUPPORTED:.0%} of the posterior lies inside the range in every period; contradicted if under "
        f"{MASS_EXCLUDED:.0%} does in every period; overstated if most of it lies below the range in every "
        f"period; otherwise partly supported.",
        "posterior_range",
        "Evidence that moves the period posteriors inside 100,000–200,000 (say, a lower US-origin share of the "
        "Mexican stock or more attrition) would make it supported.",
        {"low": 100_000, "high": 200_000, "since": 2011}),
    Claim(
        "lawsuit_2021",
        "In 2021 Mexico sued gun dealers in Arizona for $10 billion over arms it said were knowingly supplied to "
        "the cartels.",
        f"Matter of record: Mexico's suits in the timeline (date, defendants, court) and the damages figure in "
        f"the literature. {COMBINE_RULE}.",
        "record",
        "Only a record of a 2021 suit against Arizona dealers would make it supported: as recorded, the claim "
        "joins the 2021 suit against manufacturers (Massachusetts) to the 2022 suit against Arizona dealers.",
        {"parts": (
            Dated("Mexico sued US gun businesses in 2021", 2021, (), _MEX_SUITS),
            Says("the 2021 suit was against dealers", "mexico_v_sw_filed_2021", ("dealer",), ("manufacturer",)),
            Says("the 2021 suit was in Arizona", "mexico_v_sw_filed_2021", ("arizona",), ("massachusetts",)),
            Dated("the suit against Arizona dealers was filed in 2021", 2021, ("arizona",), _MEX_SUITS),
            Figure("$10 billion in damages (a press figure)", ("damages_sought_mexico_v_sw_2021",),
                   _value_is(10_000_000_000)),
        )}),
    Claim(
        "fto_2025",
        "In February 2025 the US designated major Mexican cartels as foreign terrorist organisations, citing drug "
        "and people trafficking into the US, for which those cartels are also responsible.",
        f"Matter of record: the designation's date and designees in the timeline; the grounds and the cartels' "
        f"share of the trafficking looked up in the same record. {COMBINE_RULE}.",
        "record",
        "A bundled record of the designation's stated grounds and of who carries drugs and people across would "
        "make the rest testable.",
        {"parts": (
            Dated("FTO designation in February 2025", 2025, ("foreign terrorist",), (("category", "designation"),),
                  month=2),
            Says("major Mexican cartels designated", "fto_designation_2025", ("mexican cartels",)),
            Says("the designation cites drug and people trafficking", "fto_designation_2025", ("trafficking",)),
            Figure("the cartels carry the drugs and people across", ("share_border_trafficking_by_cartels",),
                   _recorded),
        )}),
    Claim(
        "lawsuit_thrown_out_2025",
        "In June 2025 the US Supreme Court threw out Mexico's suit against the gun makers.",
        f"Matter of record: the Supreme Court's ruling in the timeline. {COMBINE_RULE}.",
        "record",
        "Only a correction of the ruling's date or holding would change it (the Court reversed the First Circuit "
        "so that the PLCAA bars the suit; it did not dismiss it for want of jurisdiction).",
        {"parts": (
            Dated("a Supreme Court ruling on Mexico's suit in June 2025", 2025, ("supreme court", "mexico"),
                  (("category", "ruling"),), month=6),
            Says("the ruling ended the suit", "scotus_sw_2025", ("bars mexico's suit",)),
        )}),
    Claim(
        "force_directive_2025",
        "In August 2025 a presidential directive to use military force against cartels on the terror list, "
        "unilaterally if need be, was reported.",
        f"Matter of record: the report in the timeline and what it says. {COMBINE_RULE}.",
        "record",
        "A bundled record of the directive's text on acting without the host state's consent would settle the "
        "'unilaterally' part.",
        {"parts": (
            Dated("a directive reported in August 2025", 2025, ("military force",), (("category", "directive"),),
                  month=8),
            Says("against cartels designated as terrorist organisations", "force_directive_report_2025",
                 ("terrorist",)),
            Says("operations on foreign soil", "force_directive_report_2025", ("foreign soil",)),
            Says("unilaterally if need be", "force_directive_report_2025", ("unilateral",)),
        )}),
    Claim(
        "pershing_1916",
        "In 1916 the US sent an armed expedition into Mexico without the consent of Congress or of Mexico's "
        "government.",
        f"Matter of record: the Punitive Expedition in the timeline and what it records of consent. "
        f"{COMBINE_RULE}.",
        "record",
        "A bundled record of Congress's action on the expedition would settle the first half of 'without consent'.",
        {"parts": (
            Dated("a US armed expedition into Mexico in 1916", 1916, ("expedition",),
                  (("category", "incursion"), ("actor", "USA"), ("target", "MEX"))),
            Says("without the consent of Mexico's government", "punitive_expedition_1916", ("resisted",)),
            Says("without the consent of Congress", "punitive_expedition_1916", ("congress",)),
        )}),
    Claim(
        "weak_control_today",
        "As after the 1910 revolution, the state's control is weak in parts of Mexico today.",
        f"Matter of record and model output: the published share of territory where cartels operate, the "
        f"ledger's domestic-sovereignty comparison (confirmed if P ≥ {ROBUST_P:g}, qualified if above 0.5), and "
        f"the record of the revolutionary years. {COMBINE_RULE}.",
        "record",
        "Domestic-sovereignty indicators reaching back to the 1910s would make the comparison with the revolution "
        "testable; a domestic comparison below P = 0.5 would contradict it.",
        {"parts": (
            Figure("armed groups operate in a sizeable part of Mexico", ("cartel_territory_share_northcom_2021",),
                   _recorded),
            Computed("Mexico's domestic control is weaker than the USA's", _domestic_comparison),
            Dated("weak control after the 1910 revolution", 1910, ("revolution",)),
        )}),
    Claim(
        "conclusion", "The border threatens Mexico's sovereignty more than that of the United States.",
        f"Computed: the verdict in the latest comparable year with its robustness to the specification. "
        f"Supported if P(Mexico more threatened) ≥ {ROBUST_P:g}, Mexico is the more threatened under at least "
        f"{ROBUST_SHARE:.0%} of sampled specifications and under every shipped perspective; partly supported if "
        f"P > 0.5 and more than half the specifications agree; overstated if P > 0.5 under the chosen "
        f"specification but most specifications do not agree; contradicted if the USA is the more threatened "
        f"under P and most specifications.",
        "verdict_robustness",
        "A verdict that held under most sampled specifications and every shipped perspective would make it "
        "supported; one that turned to the USA under most would contradict it.",
        {}),
)
"""The claims, in the essay's order."""


def claim_ids() -> tuple[str, ...]:
    return tuple(c.id for c in CLAIMS)
