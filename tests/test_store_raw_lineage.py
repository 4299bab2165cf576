"""Rows of tidy tables that carry lineage (``source_file``, ``source_line``) point at the raw line they were read
from: the line, parsed as the file's own CSV, holds the row's values; sums of several lines carry none."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from ironriver.data import raw
from ironriver.store.tidy import csv_lines, discover


@pytest.fixture(scope="module")
def homicides() -> pd.DataFrame:
    return discover()["mx_sesnsp_victims_2015_2025"].function(raw("mx_sesnsp_victims_2015_2025"))["mx_homicides"]


def _line(source_file: str, number: int) -> dict[str, str]:
    dataset, name = source_file.split("/")[1:]
    lines = raw(dataset).read_bytes(name).decode("utf-8-sig").splitlines()
    header = next(csv.reader([lines[0]]))
    return dict(zip(header, next(csv.reader(io.StringIO(lines[number - 1])))))


def test_every_valle_row_points_at_the_line_with_its_counts(homicides: pd.DataFrame) -> None:
    valle = homicides[(homicides["source"] == "valle_ssa") & homicides["homicides"].notna()]
    assert valle["source_file"].eq("raw/mx_firearm_homicides_monthly_1998_2008/hom_state_month.csv").all()
    assert valle["source_line"].is_unique and valle["source_line"].min() >= 2
    for row in valle.sample(200, random_state=1).itertuples():
        line = _line(row.source_file, row.source_line)
        assert int(line["Murders"] or 0) == row.homicides
        assert int(line["Murders.with.Firearm"] or 0) == row.firearm_homicides


def test_inegi_rows_point_at_their_line_and_sesnsp_sums_at_none(homicides: pd.DataFrame) -> None:
    inegi = homicides[homicides["source"] == "inegi"]
    for row in inegi.sample(200, random_state=2).itertuples():
        line = _line(row.source_file, row.source_line)
        assert int(line["count"]) == row.homicides and line["date"].startswith(f"{row.year}-{row.month:02d}")
    sesnsp = homicides[homicides["source"] == "sesnsp"]
    assert sesnsp["source_line"].isna().all() and sesnsp["source_file"].isna().all()


def test_line_numbers_skip_blank_lines_and_follow_quoted_newlines(tmp_path) -> None:
    from ironriver.data import RawDataset

    (tmp_path / "x.csv").write_text('a,b\n1,2\n\n3,"two\nlines"\n4,5\n', encoding="utf-8")
    fixture = RawDataset("fixture", tmp_path, checked=False)
    assert csv_lines(fixture, "x.csv") == [2, 4, 6]
    assert len(fixture.csv("x.csv")) == 3
