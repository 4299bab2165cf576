"""Guns seized in Mexico (all origins), the US-origin share of seizures, and CBP's outbound seizures.

Observation model. Mexican authorities recover guns of every origin from the illicit stock; the expected
all-origin recoveries of year *t* are the US-origin recoveries divided by the US-origin share ψ
(:mod:`ironriver.evidence.recoveries`). Each published seizure total is the weighted sum of yearly
recoveries over the months it covers, times a **source-scope error** shared by figures of the same outlet
(``seizure_scope_sd``): the sources count different agencies (military and police; PGR, SEDENA and SEMAR;
voluntary surrenders or not), and they disagree (the 2006–2014 total exceeds the late-1994 – mid-2012 one).

* Small Arms Survey 2013 Table 12.2, late 1994 – mid-2012 (seized by military and police; surrenders excluded).
* El Universal 2015 (2006–2014) and laextra.mx (2006–2008, 2009–2012: one outlet, one scope error).
* Washington Post 2010: "more than" a stated number in Calderón's first four years (2007–2010), used at its value.
* Small Arms Survey 2013: a range "seized annually in recent years", read as the 2010–2012 mean
  (named assumption) with its range as a 90% interval.
* Foreign Minister Ebrard, January 2020 – September 2022: guns seized and "poco más de" a number US-made/sold.
* SEDENA (the army alone): 2022 and 2023 reports. SEDENA is one agency among several, so its counts are a
  fraction f_SEDENA of all recoveries; f_SEDENA is a parameter (prior in
  :mod:`ironriver.estimate.priors`), identified by the all-authority 2020–22 total.
* US-origin shares of seizures (Ebrard 2020–22; SEDENA 2022, SEDENA January–September 2023) measure ψ
  directly, with extra logit noise for an undocumented classification (``seizure_share_extra_sd``).

**CBP outbound seizures** (GAO-21-322: a yearly average for FY2014–2019 and a total for the first ten months
of FY2020, after outbound inspection increased) are interdictions of the flow itself: expected = ι × effort ×
flow over the months covered. Nothing outside these two figures measures the interception probability ι or
the FY2020 effort increase, so this stream calibrates ι (which the simulator's inspection lever needs) and
barely moves the flow; the sensitivity analysis shows it.
"""

from __future__ import annotations

import numpy as np

from ironriver.evidence._named import Assumption, CountFigure, ShareFigure, fiscal_years, whole_years
from ironriver.evidence.assumptions import used_by
from ironriver.store import literature_value

STREAM = "seizures"

ASSUMPTIONS: tuple[Assumption, ...] = used_by(STREAM, "cbp")


def seizure_counts(settings: dict[str, float]) -> list[CountFigure]:
    """Every all-origin seizure total used, with its coverage and source group.

    Parameters
    ----------
    settings : dict
        Values of the named assumptions (``seizure_late_1994_fraction``, ``seizure_mid_2012_fraction``,
        ``seizure_recent_years_start``).

    Returns
    -------
    list of CountFigure (guns over the coverage period).
    """
    sas = {**whole_years(1995, 2011), 1994: settings["seizure_late_1994_fraction"],
           2012: settings["seizure_mid_2012_fraction"]}
    recent_start = int(settings["seizure_recent_years_start"])
    recent = literature_value("guns_seized_mx_annual_sas2013")
    recent_years = list(range(recent_start, 2013))
    # a published 20,000–30,000 range, read as a 90% interval of the yearly mean
    recent_sd = float(np.log(recent.high / recent.low) / (2 * 1.6449)) if recent.low and recent.high else 0.0
    return [
        CountFigure("guns_seized_mx_sas_1994_2012", STREAM, literature_value("guns_seized_mx_sas_1994_2012").value,
                    sas, "sas_table_12_2", note="seized by military and police; surrenders excluded"),
        CountFigure("guns_seized_mx_2006_2014", STREAM, literature_value("guns_seized_mx_2006_2014").value,
                    whole_years(2006, 2014), "el_universal_2015"),
        CountFigure("guns_seized_mx_2006_2008", STREAM, literature_value("guns_seized_mx_2006_2008").value,
                    whole_years(2006, 2008), "laextra"),
        CountFigure("guns_seized_mx_2009_2012", STREAM, literature_value("guns_seized_mx_2009_2012").value,
                    whole_years(2009, 2012), "laextra"),
        CountFigure("guns_seized_mx_calderon_wapo_2010", STREAM,
                    literature_value("guns_seized_mx_calderon_wapo_2010").value, whole_years(2007, 2010),
                    "wapo_2010", note="a 'more than' figure, used at its value"),
        CountFigure("guns_seized_mx_annual_sas2013", STREAM, recent.value * len(recent_years),
                    {y: 1.0 for y in recent_years}, "sas_2013_text", extra_sd=recent_sd,
                    note="yearly mean × years covered"),
        CountFigure("guns_seized_mx_2020_2022", STREAM, literature_value("guns_seized_mx_2020_2022").value,
                    {2020: 1.0, 2021: 1.0, 2022: 0.75}, "ebrard_2022", note="January 2020 – September 2022"),
        CountFigure("sedena_guns_seized_2022", STREAM, literature_value("sedena_guns_seized_2022").value,
                    {2022: 1.0}, "sedena", scope="sedena",
                    note="same figure as sedena_guns_seized_2022_report, which is not counted again"),
        CountFigure("sedena_guns_seized_2023_report", STREAM,
                    literature_value("sedena_guns_seized_2023_report").value, {2023: 1.0}, "sedena",
                    scope="sedena"),
    ]


def us_origin_shares(settings: dict[str, float]) -> list[ShareFigure]:
    """US-origin share of guns seized in Mexico as classified by Mexican authorities."""
    extra = settings["seizure_share_extra_sd"]
    ebrard = (literature_value("guns_seized_us_origin_mx_2020_2022").value
              / literature_value("guns_seized_mx_2020_2022").value)
    sedena_2022 = (literature_value("sedena_guns_seized_us_2022").value
                   / literature_value("sedena_guns_seized_2022").value)
    sedena_2023 = (literature_value("sedena_guns_seized_us_2023_jan_sep").value
                   / literature_value("sedena_guns_seized_2023_jan_sep").value)
    return [
        ShareFigure("guns_seized_us_origin_mx_2020_2022", STREAM, ebrard, {2020: 1.0, 2021: 1.0, 2022: 0.75},
                    "seized_us_origin", extra_sd=extra, note="'poco más de' (a lower bound) of all guns seized"),
        ShareFigure("sedena_guns_seized_us_2022", STREAM, sedena_2022, {2022: 1.0}, "seized_us_origin",
                    extra_sd=extra),
        ShareFigure("sedena_guns_seized_us_2023_jan_sep", STREAM, sedena_2023, {2023: 0.75}, "seized_us_origin",
                    extra_sd=extra),
    ]


def cbp_outbound(settings: dict[str, float]) -> list[CountFigure]:
    """CBP outbound firearm seizures at the border (GAO-21-322), as interdictions of the flow.

    The first figure is a yearly average over FY2014–2019 and is multiplied by its six years; the second
    covers October 2019 – July 2020 and belongs to the "increased outbound inspection" period.
    """
    average = literature_value("cbp_outbound_firearms_seized_fy2014_2019")
    years = int(average.period_end) - int(average.period_start) + 1  # type: ignore[operator]
    return [
        CountFigure("cbp_outbound_firearms_seized_fy2014_2019", "cbp", average.value * years,
                    fiscal_years(int(average.period_start), int(average.period_end)),  # type: ignore[arg-type]
                    "gao_21_322", extra_sd=settings["cbp_seizure_sd"], scope="baseline_effort"),
        CountFigure("cbp_outbound_firearms_seized_fy2020_10m", "cbp",
                    literature_value("cbp_outbound_firearms_seized_fy2020_10m").value,
                    fiscal_years(2020, 2020, months_of_last=10), "gao_21_322",
                    extra_sd=settings["cbp_seizure_sd"], scope="increased_effort"),
    ]
