"""Place names: every spelling in the raw files maps to one code (data audit §17)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, strategies as st

from ironriver.errors import UnknownNameError
from ironriver.store.names import (MX_STATES, US_STATE_NAMES, fold, mx_state_code, mx_state_codes,
                                   us_state_code, us_states_frame)

AUDIT_SPELLINGS = {  # data-audit.md §17: each column's spelling of the seven states that differ
    "05": ["Coahuila", "COAHUILA", "Coahuila de Zaragoza"],
    "09": ["Ciudad de México", "CIUDAD DE MÉXICO", "Distrito Federal"],
    "15": ["Estado de México", "MÉXICO", "México"],
    "16": ["Michoacán", "MICHOACÁN", "Michoacán de Ocampo"],
    "22": ["Querétaro", "QUERÉTARO", "Querétaro de Arteaga"],
    "24": ["San Luis Potosí", "SAN LUIS POTOSÍ", "San Luís Potosi"],
    "30": ["Veracruz", "VERACRUZ", "Veracruz de Ignacio de la Llave", "Veracruz Llave"],
}


@pytest.mark.parametrize("code,spellings", AUDIT_SPELLINGS.items())
def test_every_audited_spelling_maps_to_its_inegi_code(code: str, spellings: list[str]) -> None:
    assert {mx_state_code(s) for s in spellings} == {code}


def test_canonical_names_and_integer_codes_round_trip() -> None:
    assert [mx_state_code(name) for name in MX_STATES.values()] == list(MX_STATES)
    assert mx_state_code(5) == mx_state_code("05") == "05"
    assert mx_state_codes(pd.Series(["Nuevo León", "NUEVO LEON", None])).tolist()[:2] == ["19", "19"]


def test_us_names_fips_and_usps_agree() -> None:
    assert us_state_code("Texas") == us_state_code(48) == us_state_code("48") == us_state_code("tx") == "TX"
    assert us_state_code("Mariana Islands") == "MP"  # NICS spelling
    assert us_state_code(6) == "CA"  # us-atlas FIPS integers carry no zero padding
    frame = us_states_frame()
    assert frame["fips"].is_unique and frame["state"].is_unique and frame["border"].sum() == 4


def test_unknown_places_name_the_closest_matches() -> None:
    with pytest.raises(UnknownNameError, match="Chihuahua"):
        mx_state_code("Chihuahau")
    with pytest.raises(UnknownNameError, match="New Mexico"):
        us_state_code("New Mexic")
    with pytest.raises(UnknownNameError):
        mx_state_code(33)


@given(st.sampled_from(list(MX_STATES.values()) + list(US_STATE_NAMES.values())))
def test_folding_ignores_case_and_accents(name: str) -> None:
    assert fold(name.upper()) == fold(name) == fold(fold(name))
