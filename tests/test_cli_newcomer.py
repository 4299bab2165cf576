"""A newcomer's path: shipped scenarios by name, version and citation, exports that read back as written, and
tables that fit an 80-column terminal."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console
from rich.table import Table
from typer.testing import CliRunner

import ironriver
from ironriver.cli import _common, app
from ironriver.data.shipped import list_shipped, resolve_shipped, shipped_folder
from ironriver.errors import IronRiverError, UnknownNameError

runner = CliRunner()


@pytest.fixture
def narrow(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's console at 80 columns, not a terminal (so nothing pages)."""
    monkeypatch.setattr(_common.console, "width", 80)


def invoke(*arguments: str) -> str:
    result = runner.invoke(app, list(arguments))
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


# --- shipped scenarios --------------------------------------------------------------------------------------


def test_a_shipped_name_a_file_name_and_a_path_resolve_to_the_same_file(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # outside the checkout, as a newcomer would be
    shipped = resolve_shipped("scenarios", "ubc")
    assert shipped.is_file() and shipped.parent == shipped_folder("scenarios")
    assert resolve_shipped("scenarios", "ubc.toml") == shipped
    assert resolve_shipped("scenarios", "scenarios/ubc.toml") == shipped  # the README's old spelling
    own = tmp_path / "ubc.toml"
    own.write_text('name = "mine"\n[levers]\nsouthbound_inspection = 3\n', encoding="utf-8")
    assert resolve_shipped("scenarios", "ubc.toml") == Path("ubc.toml")  # a user's own file wins
    assert ironriver.Scenario.from_toml("ubc.toml").name == "mine"
    assert ironriver.Scenario.from_toml(str(shipped)).name == "ubc"


def test_an_unknown_scenario_is_one_line_that_lists_the_shipped_names() -> None:
    with pytest.raises(IronRiverError) as raised:
        resolve_shipped("scenarios", "nonesuch")
    message = str(raised.value)
    assert "\n" not in message and "nonesuch" in message
    assert all(name in message for name, _ in list_shipped("scenarios"))
    with pytest.raises(IronRiverError):
        resolve_shipped("fixtures", "ubc")


def test_every_shipped_scenario_parses_and_is_listed_with_its_header_comment() -> None:
    listed = dict(list_shipped("scenarios"))
    assert {"baseline", "ubc", "all_levers", "inspection_x10", "sweep_inspection_ubc"} <= set(listed)
    assert listed["baseline"] == "The status quo: no lever moved."
    for name in listed:
        if not name.startswith("sweep_"):
            assert ironriver.Scenario.from_toml(name).name == name
    from ironriver.supply_chain.sweep import Grid

    grid = Grid.from_toml("sweep_inspection_ubc")
    assert grid.base.name == "baseline" and len(grid.points) == 10


def test_scenarios_list_prints_names_and_json() -> None:
    records = json.loads(invoke("scenarios", "list", "--json"))
    assert [r["name"] for r in records] == [name for name, _ in list_shipped("scenarios")]
    assert invoke("scenarios", "show", "ubc").startswith("# Universal background checks")
    assert "name,description" in invoke("scenarios", "list", "--csv")


def test_the_wheel_ships_the_scenarios() -> None:
    """hatchling packs every file under src/ironriver; the scenario folder is inside it (not a symlink)."""
    folder = shipped_folder("scenarios")
    assert not folder.is_symlink() and "ironriver" in folder.parts and (folder / "ubc.toml").is_file()


# --- version and citation -----------------------------------------------------------------------------------


def test_version_and_cite_name_the_version_and_the_data_package_hash() -> None:
    digest = hashlib.sha256((Path(ironriver.__file__).parent / "data" / "datapackage.json").read_bytes()).hexdigest()
    assert invoke("--version").strip() == f"ironriver {ironriver.__version__} (data package sha256 {digest[:12]})"
    text = invoke("cite")
    assert ironriver.__version__ in text and digest in text
    bibtex = invoke("cite", "--format", "bibtex")
    assert bibtex.startswith("@software{") and f"version = {{{ironriver.__version__}}}" in bibtex and digest in bibtex
    cff = (Path(__file__).parents[1] / "CITATION.cff").read_text(encoding="utf-8")
    assert f"version: {ironriver.__version__}" in cff


# --- exports ------------------------------------------------------------------------------------------------


def test_csv_export_reads_back_codes_and_floats_as_written(tmp_path: Path) -> None:
    out = tmp_path / "homicides.csv"
    old = os.umask(0o022)
    try:
        invoke("data", "export", "mx_states", "--out", str(out))
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644  # the umask's mode, not the temporary file's 0600
    schema = json.loads((tmp_path / "homicides.csv.schema.json").read_text(encoding="utf-8"))
    types = {field["name"]: field["type"] for field in schema["fields"]}
    assert types["state_code"] == "string"
    strings = {name: str for name, kind in types.items() if kind == "string"}
    back = pd.read_csv(out, dtype=strings, keep_default_na=False, na_values=[""])
    original = ironriver.load("mx_states")
    assert back["state_code"].iloc[0] == original["state_code"].iloc[0] == "01"


def test_csv_export_prints_no_binary_float_noise(tmp_path: Path) -> None:
    out = tmp_path / "nics.csv"
    invoke("data", "export", "nics_checks", "--out", str(out))
    text = out.read_text(encoding="utf-8")
    assert "156.90000000000003" not in text and "\n" in text
    first = pd.read_csv(out, nrows=1)
    assert first["sales_proxy"].iloc[0] == pytest.approx(156.9, abs=1e-9)


# --- fitting the terminal -----------------------------------------------------------------------------------


def test_a_wide_table_becomes_one_record_per_block_at_80_columns(narrow: None) -> None:
    output = invoke("data", "show", "nics_checks", "--limit", "2")
    assert "record 1 of 2" in output and "record 2 of 2" in output
    assert "sales_proxy" in output and "156.9" in output and "…" not in output
    lines = output.splitlines()
    assert all(len(line) <= 80 for line in lines)


def test_columns_chooses_fields_and_refuses_an_unknown_one(narrow: None) -> None:
    output = invoke("data", "show", "nics_checks", "--limit", "2", "--columns", "state,year,month,totals")
    assert "record 1" not in output and "3,840" in output
    result = runner.invoke(app, ["data", "show", "nics_checks", "--columns", "state,totls"])
    assert isinstance(result.exception, UnknownNameError) and "totals" in str(result.exception)


def test_data_list_and_show_take_json_and_csv() -> None:
    listed = json.loads(invoke("data", "list", "--json"))
    assert any(row["dataset"] == "literature" for row in listed)
    assert all(isinstance(row["tables"], dict) for row in listed)
    rows = json.loads(invoke("data", "show", "nics_checks", "--limit", "3", "--json"))
    assert len(rows) == 3 and rows[0]["state"] == "AK"
    csv_text = invoke("data", "show", "nics_checks", "--limit", "3", "--csv")
    assert csv_text.splitlines()[0].startswith("state,") and len(csv_text.splitlines()) == 4


def test_print_table_never_cuts_a_number() -> None:
    screen = Console(width=60, record=True, force_terminal=False)
    table = Table(title="guns")
    for column in ("channel with a long name", "bought", "interdicted", "arrived"):
        table.add_column(column)
    table.add_row("straw_purchase", "374,190 [111,721 – 1,289,669]", "372 [324 – 416]", "349,440 [102,554 – 1,183,131]")
    _common.print_table(table, screen)
    text = screen.export_text()
    for number in ("374,190", "111,721", "1,289,669", "1,183,131", "interdicted"):
        assert number in text
    assert "…" not in text and all(len(line) <= 60 for line in text.splitlines())


def test_a_table_too_wide_for_its_longest_words_becomes_records() -> None:
    screen = Console(width=40, record=True, force_terminal=False)
    table = Table()
    for column in ("a_very_long_column_name", "another_very_long_name", "third"):
        table.add_column(column)
    table.add_row("1,234,567", "89", "x")
    assert not _common.fits(table, screen)
    _common.print_table(table, screen)
    text = screen.export_text()
    assert "record 1 of 1" in text and "1,234,567" in text


def test_assess_json_writes_no_report_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["assess", "--years", "2010:2020", "--json"])
    assert result.exit_code == 0, (result.output, result.exception)
    payload = json.loads(result.stdout.strip().splitlines()[-1])
    assert payload["report"] is None and list(tmp_path.iterdir()) == []
