"""Copy the datasets ironriver uses from ``../shared/data`` into the package and write its manifest.

Run once by a maintainer when the shared data change (``python scripts/build_datapackage.py``). It copies
the chosen files byte for byte (gzip-compressed, with a fixed mtime so checksums are reproducible, when
larger than 100 kB), turns each PROVENANCE.md into ``descr/<dataset>.md``, infers a field schema with
pandas, and writes ``src/ironriver/data/datapackage.json`` (a Frictionless Data Package) with the
sha256 of every stored file. Files left out, and why, are recorded in the manifest under ``left_out``.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import shutil
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
ARGUMENTS = [a for a in sys.argv[1:] if not a.startswith("--")]
SHARED = Path(ARGUMENTS[0]) if ARGUMENTS else ROOT.parent / "shared" / "data"
TABLES_ONLY = "--tables" in sys.argv
"""``--tables``: refresh only the checksums and schemas of the hand-kept tables (after editing the literature)."""
PACKAGE = ROOT / "src" / "ironriver" / "data"
GZIP_ABOVE_BYTES = 100_000

# dataset -> metadata; "files" maps each kept file to its encoding and per-field units.
DATASETS: dict[str, dict] = {
    "nics_firearm_background_checks": dict(
        title="FBI NICS firearm background checks by US state and month",
        publisher="FBI Criminal Justice Information Services (NICS); parsed by BuzzFeed News",
        unit_of_analysis="US state or territory × month", temporal_coverage="1998-11/2023-09",
        unit="background checks (not guns sold)",
        files={"nics-firearm-background-checks.csv": {}},
    ),
    "atf_trace_us_source_recovery_state_2010_2020": dict(
        title="ATF firearms traces: US source state × US recovery state, with state populations",
        publisher="Bureau of Alcohol, Tobacco, Firearms and Explosives (ATF); compiled by R. Southward",
        unit_of_analysis="recovery state × source state × year", temporal_coverage="2010/2020",
        unit="firearms recovered and traced",
        files={"atf_trace_source_by_recovery_state_2010_2020_long.csv": {},
               "state_populations_2010_2020.csv": {"unit": "persons"}},
    ),
    "atf_ffl_and_commerce": dict(
        title="ATF federal firearms licensees by state (2016) and Firearms Commerce exhibits",
        publisher="Bureau of Alcohol, Tobacco, Firearms and Explosives (ATF); compiled by codesulting",
        unit_of_analysis="US state (2016); United States × year (exhibits)", temporal_coverage="1975/2016",
        unit="licences or firearms (see field)",
        files={"ffl-2016-perCapita.csv": {}, "commerce-01-manufacturing.csv": {"unit": "firearms manufactured"},
               "commerce-02-exports.csv": {"unit": "firearms exported"},
               "commerce-03-imports.csv": {"unit": "firearms imported"},
               "commerce-10-FFL-total.csv": {"unit": "licences"}},
        left_out={"commerce-04..09, 13, 01-long, ffl-2016-perCapita-compact":
                  "import applications, import countries, NFA tax revenue/forms/registrations, inspections and "
                  "duplicate layouts are not used by any stage"},
    ),
    "cow_peacesciencer": dict(
        title="Correlates of War: National Material Capabilities, Militarized Interstate Disputes, states",
        publisher="Correlates of War Project; packaged by S. V. Miller (peacesciencer)",
        unit_of_analysis="state × year (NMC); dispute; directed dyad × year (USA–MEX)",
        temporal_coverage="1816/2022", unit="see field",
        files={"cow_nmc.csv": {}, "cow_mid_disps.csv": {}, "usa_mex_cow_mid_dirdyad_years.csv": {},
               "usa_mex_gml_mid_dirdyad_years.csv": {}, "cow_states.csv": {}, "ps_data_version.csv": {}},
        left_out={"cow_mid_ddydisps, cow_mid_dirdisps, gml_dirdisp, gml_mid_disps":
                  "all-dyad dispute tables; the USA–MEX subsets (kept) reproduce exactly from them",
                  "cow_contdir, cow_majors, cow_war_inter, cow_war_intra, td_rivalries, tss_rivalries, "
                  "terrthreat, ucdp_acd": "not used by any indicator (USA–MEX contiguity and the 1846 war "
                  "are in the timeline; UCDP lists Mexico only for 1994/1996)"},
    ),
    "mx_homicides_inegi_sesnsp": dict(
        title="Mexico homicides by state and month: INEGI 1990–2016 and SESNSP 2015–2018",
        publisher="INEGI and SESNSP; compiled by D. Valle-Jones (elcri.men)",
        unit_of_analysis="Mexican state × month", temporal_coverage="1990-01/2018-12",
        unit="homicides (INEGI) or homicide victims (SESNSP)",
        files={"inegi_homicides_state_month_1990_2016.csv": {},
               "sesnsp_homicide_victims_state_month_2015_2018.csv": {},
               "state_codes.csv": {"encoding": "latin-1"}, "table-inegi-sesnsp.csv": {"skiprows": 1}},
        left_out={"national_1990.json": "the two CSVs equal it exactly (audit §9)"},
    ),
    "mx_sesnsp_victims_2015_2025": dict(
        title="SESNSP homicide and feminicide victims by Mexican state, month and modality",
        publisher="Secretariado Ejecutivo del Sistema Nacional de Seguridad Pública; compiled by I. Arroyo",
        unit_of_analysis="Mexican state × month × crime subtype × modality", temporal_coverage="2015-01/2025-06",
        unit="victims",
        files={"homicidio_doloso_feminicidio_victims_state_month_by_modalidad.csv": {},
               "cve_nom_estados.csv": {}},
        left_out={"db_victimas_delitos_ent_long.csv.bz2": "all crime types (927,360 rows); the kept derived file "
                  "reproduces its homicide and feminicide rows exactly (audit §10) and no stage uses other crimes"},
    ),
    "mx_firearm_homicides_monthly_1998_2008": dict(
        title="Mexico firearm and total homicides by state and month, 1998–2008",
        publisher="INEGI/SSA death records; tabulated by D. Valle-Jones",
        unit_of_analysis="Mexican state × month", temporal_coverage="1998-01/2008-12",
        unit="homicides",
        files={"hom_state_month.csv": {}, "hom_border_month.csv": {}, "mexico_population_1998_2008.csv": {"unit": "persons"},
               "LICENSE": {"tabular": False}},
        left_out={"hom_region_month.csv": "its author marks it 'has a coding error and is useless' (audit §11)",
                  "hom_border_municipality_month.csv": "covers 2001–2006 only, Nogales mislabelled; the state panel "
                  "is the unit of the spillover design here"},
    ),
    "mx_firearm_homicides_state_year_1998_2008": dict(
        title="Mexico firearm homicides by state and year, and press execution counts",
        publisher="INEGI/SSA; compiled by D. Valle-Jones",
        unit_of_analysis="Mexican state × year", temporal_coverage="1998/2009", unit="homicides",
        files={"firearm-hom-state.csv": {"encoding": "latin-1"}, "firearm-hom-statetot.csv": {"encoding": "latin-1"},
               "firearm-executions.csv": {}},
    ),
    "mx_population_conapo": dict(
        title="Mexico population by state: CONAPO 2023 projections (annual, monthly) and 2006-base estimates",
        publisher="Consejo Nacional de Población (CONAPO)",
        unit_of_analysis="Mexican state × year (or month)", temporal_coverage="1950/2070", unit="persons",
        source_repository="isaacarroyov/datos_facil_acceso; diegovalle/new.crimenmexico; diegovalle/Homicide-MX-Drug-War",
        files={"conapo_pob_ent_gender_1950_2070.csv": {}, "pop_states_monthly_1990_2050.csv": {},
               "conapo-states_1990_2008_old_estimates.csv": {"encoding": "latin-1"},
               "state_codes.csv": {"encoding": "latin-1"}},
    ),
    "us_population": dict(
        title="US Census Bureau state population estimates (Vintage 2016)",
        publisher="US Census Bureau", unit_of_analysis="US state × year", temporal_coverage="2010/2016",
        unit="persons", files={"nst-est2016-alldata.csv": {}},
    ),
    "cbp_border_encounters": dict(
        title="US Border Patrol encounters by region, sector, citizenship and family status; CBP SW border encounters",
        publisher="DHS Office of Homeland Security Statistics and US Customs and Border Protection; compiled by A. Lamstein",
        unit_of_analysis="region (sector, citizenship) × fiscal month", temporal_coverage="FY2000/FY2025",
        unit="encounters (events, not people)",
        files={"usbp_annual_region.csv": {}, "usbp_monthly_region.csv": {}, "usbp_monthly_region_sector.csv": {},
               "usbp_monthly_region_citizenship.csv": {}, "usbp_monthly_region_family_status.csv": {},
               "sbo-encounters-fy22-fy25-aug.csv": {}},
        left_out={"KHSM Encounters (USBP) fy25m11.xlsx": "the five usbp_*.csv files are identical to its sheets (audit §5)"},
    ),
    "cbp_drug_seizures_fy2019_fy2023": dict(
        title="CBP drug seizures by month, region, area of responsibility and drug",
        publisher="US Customs and Border Protection; compiled by H. Xuan",
        unit_of_analysis="fiscal month × component × area × drug", temporal_coverage="FY2019/FY2023",
        unit="pounds seized; seizure events",
        files={"nationwide-drugs-fy19-fy22.csv": {}, "nationwide-drugs-fy20-fy23.csv": {}},
    ),
    "tx_mx_northbound_border_crossings": dict(
        title="Northbound crossings at Texas–Mexico ports of entry by bridge and mode",
        publisher="US Customs and Border Protection; compiled by UNT CLSCM",
        unit_of_analysis="crossing × mode × month", temporal_coverage="2008-01/2025-12",
        unit="vehicles, pedestrians or railcars crossing northbound",
        files={"monthly_crossings_2008_2025.csv": {}, "yearly_crossings_2008_2025.csv": {},
               "TX-MX-Border-Crossings-Coordinates.csv": {"encoding": "utf-8-sig"}},
    ),
    "small_arms_survey_2017_civilian_firearms": dict(
        title="Small Arms Survey 2017: civilian-held firearms by country",
        publisher="Small Arms Survey (Karp 2018); compiled by A. Kochoska",
        unit_of_analysis="country", temporal_coverage="2017", unit="firearms; persons; firearms per 100 residents",
        files={"gun_ownership_2017.csv": {"encoding": "mac_roman"}},
    ),
    "small_arms_survey_2007_civilian_firearms": dict(
        title="Small Arms Survey 2007 annexe 4: civilian firearms by country",
        publisher="Small Arms Survey 2007; compiled by P. Ellis & K. Fisher",
        unit_of_analysis="country", temporal_coverage="2007", unit="firearms; firearms per 100 residents",
        files={"sas2007_annexe4_civilian_firearms_by_country.csv": {}},
    ),
    "geo_boundaries": dict(
        title="US states (us-atlas) and Mexican states (INEGI) boundaries as GeoJSON",
        publisher="US Census Bureau via us-atlas (M. Bostock); INEGI Marco Geoestadístico; via D. Valle-Jones",
        unit_of_analysis="state polygon", temporal_coverage="2010s", unit="longitude/latitude (WGS84)",
        files={"us_states_from_us_atlas.geojson": {"tabular": False}, "mx_states_from_estatal.geojson": {"tabular": False}},
        left_out={"*.topojson": "the GeoJSON conversions (kept) carry the same state layers; counties are not used"},
    ),
    "cbp_drug_seizures_fy2023_fy2026": dict(
        title="CBP drug seizures FY2023–FY2026 (Oct 2025–Apr 2026) and Air and Marine Operations seizures FY2019–FY2026",
        publisher="US Customs and Border Protection; compiled by Cheeku1820 and N. Timbs",
        unit_of_analysis="fiscal month × component × area (AMO: branch) × drug", temporal_coverage="FY2019/FY2026",
        unit="pounds seized; seizure events",
        source_repository="Cheeku1820/neo4j-docker-demo; ntimbs/CNX_Mapping_Project",
        files={"nationwide-drugs-fy23-fy26-apr.csv": {}, "amo-drug-seizures-fy19-fy22.csv": {},
               "amo-drug-seizures-fy23-fy26-dec.csv": {}},
        left_out={"nationwide-drugs-fy23-fy26-dec.csv": "an older release; the Apr 2026 file kept gives identical "
                  "FY2023–FY2025 totals"},
    ),
    "us_overdose_deaths_cdc": dict(
        title="US drug overdose deaths (CDC/NCHS): synthetic opioids (T40.4) by state and month, all drugs by state "
              "and year, national rates by drug type",
        publisher="National Center for Health Statistics (NCHS), CDC; CDC WONDER; compiled by Data-Science-Link, "
                  "J. Pan and UCB Stat 159 group 9",
        unit_of_analysis="US state (or New York City, or the nation) × month or year",
        temporal_coverage="1999-01/2026-01",
        unit="deaths; deaths per 100,000 residents",
        source_repository="Data-Science-Link/fentanyl-awareness; johnpannyc/data-608-final-project-; "
                          "UCB-stat-159-f25/final-group09",
        files={"cdc_api_provisional_overdose_counts.csv": {"unit": "deaths (12 months ending the month)"},
               "Multiple_Cause_of_Death_1999_2020_MANUAL_DOWNLOAD.csv": {"unit": "deaths"},
               "Multiple_Cause_of_Death_2018_2023_Single_Race_MANUAL_DOWNLOAD.csv": {"unit": "deaths"},
               "Provisional_Mortality_Statistics_2018_through_Last_Week_MANUAL_DOWNLOAD.csv": {"unit": "deaths"},
               "NCHS_-_Drug_Poisoning_Mortality_by_State__United_States.csv": {"unit": "deaths"},
               "CDC_drug_overdose_deaths_raw_data.csv": {"unit": "deaths per 100,000 residents"}},
    ),
    "tx_border_crime_dps_2017_2023": dict(
        title="Texas DPS Border Report: NIBRS offenses by law-enforcement agency in 14 border counties",
        publisher="Texas Department of Public Safety (Texas UCR program); compiled by ghgeist",
        unit_of_analysis="law-enforcement agency × year", temporal_coverage="2017/2023",
        unit="offenses known to police", files={"stg_texas_border_report.csv": {}},
        left_out={"texas_border_report_2017.xlsx … texas_border_report_2023.xlsx": "the kept CSV is their 'By Agency' "
                  "sheets stacked (thousands separators removed, dates ISO; no other change); the 'By Month' and "
                  "'By Crime Statistics' sheets are not used, and reading .xlsx would add a dependency"},
    ),
}

FIELD_UNITS = {  # field-name pattern -> unit, for fields whose unit differs from the dataset's
    r"^(month|date|date_year_month)$": "calendar month (YYYY-MM or first day)",
    r"^(year|n_year|Year|Fiscal Year|FY|styear)$": "year",
    r"(?i)^(state|State|Recovery_State|Source_State|nombre_estado|NAME|Country|Region|Sector)$": "name",
    r"(?i)(code|cve_ent|ccode|STATE|dispnum)": "identifier",
    r"(?i)popul|pob_|POPESTIMATE|tpop|upop": "persons (thousands in CoW tpop/upop)",
    r"(?i)rate": "per 100,000 residents a year",
    r"(?i)milex": "thousand current US$", r"(?i)milper": "thousand personnel", r"(?i)^cinc$": "share of world capabilities",
    r"(?i)lbs": "pounds",
    r"(?i)^percent": "percent", r"^months_reported$": "months",
    r"(?i)^(footnote|footnote_symbol|indicator|period|notes|flag|unit|panel|stub_name|stub_label|age|sex|"
    r"age group|race and hispanic origin|multiple cause of death|state crude rate in range)$": "label",
}

# Caveats from shared/reference/data-audit.md for datasets whose PROVENANCE.md has no caveats section.
EXTRA_CAVEATS = {
    "cbp_drug_seizures_fy2023_fy2026": (
        "\n## How ironriver tidies these files (added by ironriver)\n"
        "- `cbp_drug_seizures_2023_2026` (OFO and USBP) marks FY2026 `partial_year` (Oct 2025–Apr 2026) and flags the\n"
        "  Seattle FY2023-Feb cocaine row `outlier`, as the FY2019–FY2023 table does.\n"
        "- `amo_drug_seizures` is a separate table (FY2026 = Oct–Dec, `partial_year`); it is never added to OFO/USBP.\n"
        "- One fentanyl series FY2019–FY2026: FY2019–FY2022 from `cbp_drug_seizures`, FY2023 on from this release\n"
        "  (`store.tidy.cbp.drug_seizure_series`); the two releases agree on FY2023 within 1 lb per drug, and the\n"
        "  newer one wins because CBP revises recent months.\n"
    ),
    "tx_border_crime_dps_2017_2023": (
        "\n## How ironriver tidies this file (added by ironriver)\n"
        "- `tx_border_crime` is agency × year × offense with `months_reported` and `full_year` (12 months).\n"
        "  `store.tidy.tx_border_crime.balanced_panel(table, first, last)` keeps only agencies reporting all 12\n"
        "  months of every year compared: 2 agencies for 2017–2023, 37 for 2021–2023. Compare years only on it.\n"
        "- The workbooks were left out: the kept CSV is their `By Agency` sheets stacked.\n"
    ),
    "cow_peacesciencer": (
        "\n## Military personnel of Mexico after 2016 (added by ironriver)\n"
        "- `milper` for Mexico is 277 (thousand) in 2016, the NMC v6.0 value, then exactly 277 again in 2017–2019,\n"
        "  236 in 2020 and 216 in 2021–2022. No cited source in the literature table gives Mexico's military\n"
        "  personnel after 2016, so the 2020–2021 fall (−22 %) is uncorroborated; it follows the creation of the\n"
        "  Guardia Nacional (listed beside the Army, Navy and Air Force in the current Article 10 of the Mexican\n"
        "  Constitution) and may be a reclassification. The tidy table flags values that repeat the previous year\n"
        "  (`milper_repeated`, same rule for every state); per-soldier ratios after 2019 should carry 216–277 as a range.\n"
    ),
    "us_overdose_deaths_cdc": (
        "\n## How ironriver tidies these files (added by ironriver)\n"
        "- VSRR: the December value of each 12-month-ending series is the calendar-year count; months are never "
        "summed.\n  Blank `data_value` cells (withheld for low data quality, or suppressed under 10) are missing "
        "(NA), never zero.\n"
        "- `NY` in VSRR is New York State **excluding** New York City (`YC`); both are kept as separate "
        "jurisdictions\n  (their sum is New York State; in 2024 YC alone exceeds NY, so NY cannot include it). National totals are the `US` row as published by "
        "NCHS, never a sum of\n  jurisdictions (Louisiana and Pennsylvania are absent from this extract and many "
        "cells are withheld).\n"
        "- Years 2024 onward are flagged `provisional` (NCHS will revise them); 2026 holds January only.\n"
        "- WONDER state × month rows: suppressed cells (1–9 deaths) are absent, so sums are lower bounds; rows "
        "before 2014\n  are flagged `undercounts` and must not be used for totals.\n"
    ),
    "us_population": (
        "\n## Caveats (from the data audit, §4; added by ironriver)\n"
        "- `REGION`/`DIVISION` are \"X\" for Puerto Rico, so these columns read as strings; `STATE` is an integer\n"
        "  FIPS code without zero padding. CRLF line endings.\n"
        "- Vintage 2016 differs from the Vintage 2019 values in the ATF population file by up to 0.8 % (DC 2016):\n"
        "  do not mix the two series.\n"
    ),
}

# Hand-kept tables shipped in the package itself; checksummed in the same manifest as the raw data.
TABLES: dict[str, dict] = {
    "literature": dict(
        title="Published figures and dated events of the US–Mexico border, one row per source, with quality grades",
        publisher="ironriver contributors, transcribed from the sources cited in each row",
        licence="each row cites its source; the transcription is distributed with ironriver",
        temporal_coverage="1846/2025", descr="literature/README.md",
        files=("literature.csv", "timeline.csv"),
    ),
}

PANDAS_TO_FRICTIONLESS = {"i": "integer", "u": "integer", "f": "number", "b": "boolean"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def provenance_source(text: str) -> tuple[str, str]:
    repo = re.search(r"GitHub (?:repository )?`([\w.-]+/[\w.-]+)`", text)
    commit = re.search(r"`([0-9a-f]{40})`", text)
    return (repo.group(1) if repo else ""), (commit.group(1) if commit else "")


def provenance_licence(text: str) -> str:
    m = re.search(r"\*\*Licen[sc]es?[^*\n]*:\*\*\s*(.+?)(?:\n- \*\*|\n\n|\n#)", text, flags=re.S)
    return " ".join(m.group(1).split()) if m else "see descr"


def field_unit(name: str, default: str) -> str:
    for pattern, unit in FIELD_UNITS.items():
        if re.search(pattern, name):
            return unit
    return default


def schema_for(data: bytes, options: dict, default_unit: str) -> dict:
    frame = pd.read_csv(io.BytesIO(data), encoding=options.get("encoding", "utf-8"),
                        skiprows=options.get("skiprows", 0), low_memory=False)
    fields = []
    for column in frame.columns:
        kind = PANDAS_TO_FRICTIONLESS.get(frame[column].dtype.kind, "string")
        fields.append({"name": str(column), "type": kind,
                       "unit": field_unit(str(column), options.get("unit", default_unit))})
    return {"fields": fields}, len(frame)


def table_resources() -> tuple[dict, list[dict]]:
    """The manifest's ``tables`` entry and one resource (with sha256 and schema) per hand-kept table."""
    tables, resources = {}, []
    for name, meta in TABLES.items():
        tables[name] = {k: v for k, v in meta.items() if k != "files"}
        for filename in meta["files"]:
            path = PACKAGE / "literature" / filename
            data = path.read_bytes()
            schema, rows = schema_for(data, {}, "")
            for field in schema["fields"]:  # units differ by row (column `unit`); the README defines each column
                field["unit"] = "see the literature README"
            resources.append({
                "name": f"{name}.{Path(filename).stem}", "path": f"literature/{filename}", "dataset": name,
                "title": meta["title"], "source_path": filename, "sha256": sha256(path), "bytes": len(data),
                "profile": "tabular-data-resource", "format": "csv", "encoding": "utf-8", "schema": schema,
                "rows": rows,
            })
    return tables, resources


def refresh_tables() -> None:
    """Rewrite only the hand-kept tables' entries of an existing manifest."""
    path = PACKAGE / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    tables, resources = table_resources()
    package["tables"] = tables
    package["resources"] = [r for r in package["resources"] if r["dataset"] not in tables] + resources
    path.write_text(json.dumps(package, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(resources)} table resources refreshed")


def main() -> None:
    if TABLES_ONLY:
        refresh_tables()
        return
    raw_root = PACKAGE / "raw"
    descr_root = PACKAGE / "descr"
    shutil.rmtree(raw_root, ignore_errors=True)
    shutil.rmtree(descr_root, ignore_errors=True)
    descr_root.mkdir(parents=True)
    resources, datasets = [], {}
    for dataset, meta in DATASETS.items():
        source_dir = SHARED / dataset
        provenance = (source_dir / "PROVENANCE.md").read_text(encoding="utf-8")
        (descr_root / f"{dataset}.md").write_text(provenance + EXTRA_CAVEATS.get(dataset, ""), encoding="utf-8")
        repo, commit = provenance_source(provenance)
        repo = meta.get("source_repository", repo)
        datasets[dataset] = {
            "title": meta["title"], "publisher": meta["publisher"], "source_repository": repo,
            "source_commit": commit, "licence": provenance_licence(provenance),
            "unit_of_analysis": meta["unit_of_analysis"], "temporal_coverage": meta["temporal_coverage"],
            "unit": meta["unit"], "descr": f"descr/{dataset}.md", "left_out": meta.get("left_out", {}),
        }
        (raw_root / dataset).mkdir(parents=True)
        for filename, options in meta["files"].items():
            data = (source_dir / filename).read_bytes()
            stored = filename
            if len(data) > GZIP_ABOVE_BYTES:
                stored = filename + ".gz"
                (raw_root / dataset / stored).write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
            else:
                (raw_root / dataset / stored).write_bytes(data)
            path = raw_root / dataset / stored
            resource = {
                "name": f"{dataset}.{Path(filename).stem.lower()}".replace(" ", "_"),
                "path": f"raw/{dataset}/{stored}", "dataset": dataset, "title": meta["title"],
                "source_path": filename, "sha256": sha256(path), "bytes": path.stat().st_size,
                "sources": [{"title": meta["publisher"],
                             "path": f"https://github.com/{repo}/tree/{commit}" if "/" in repo and ";" not in repo else repo}],
                "licenses": [{"name": "other", "title": datasets[dataset]["licence"][:200]}],
            }
            if stored.endswith(".gz"):
                resource["compression"] = "gz"
            if options.get("tabular", True) and filename.endswith(".csv"):
                schema, rows = schema_for(data, options, meta["unit"])
                encoding = options.get("encoding", "utf-8")
                resource.update(profile="tabular-data-resource", format="csv", encoding=encoding,
                                schema=schema, rows=rows)
                if options.get("skiprows"):
                    resource["dialect"] = {"headerRows": [options["skiprows"] + 1]}
            else:
                resource.update(format=Path(filename).suffix.lstrip(".") or "txt")
            resources.append(resource)
    package = {
        "profile": "data-package", "name": "ironriver-data", "title": "ironriver: the public record of the US–Mexico border",
        "version": "1.0.0", "licenses": [{"name": "other", "title": "each resource carries its own licence"}],
        "datasets": datasets, "resources": resources,
    }
    package["tables"], table_list = table_resources()
    package["resources"] += table_list
    (PACKAGE / "datapackage.json").write_text(json.dumps(package, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(resources)} resources from {len(datasets)} datasets")


if __name__ == "__main__":
    main()
