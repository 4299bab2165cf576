"""Canonical identifiers for places: US states by USPS code, Mexican states by two-digit INEGI code.

The raw files spell places many ways ("Coahuila" / "Coahuila de Zaragoza" / "COAHUILA", "Distrito
Federal" / "Ciudad de México", "Veracruz Llave", FIPS integers without zero padding). Every tidy
function maps them here, so a join never depends on spelling or row order. The tables are identifiers
(USPS, FIPS and INEGI codes), not figures; the alias list covers every spelling found in the bundled
files (a test maps each one).
"""

from __future__ import annotations

import unicodedata

import pandas as pd

from ironriver.errors import UnknownNameError

# USPS code, FIPS code, name — 50 states, DC and the territories that appear in NICS and ATF files.
US_STATES: list[tuple[str, str, str]] = [
    ("AL", "01", "Alabama"), ("AK", "02", "Alaska"), ("AZ", "04", "Arizona"), ("AR", "05", "Arkansas"),
    ("CA", "06", "California"), ("CO", "08", "Colorado"), ("CT", "09", "Connecticut"), ("DE", "10", "Delaware"),
    ("DC", "11", "District of Columbia"), ("FL", "12", "Florida"), ("GA", "13", "Georgia"), ("HI", "15", "Hawaii"),
    ("ID", "16", "Idaho"), ("IL", "17", "Illinois"), ("IN", "18", "Indiana"), ("IA", "19", "Iowa"),
    ("KS", "20", "Kansas"), ("KY", "21", "Kentucky"), ("LA", "22", "Louisiana"), ("ME", "23", "Maine"),
    ("MD", "24", "Maryland"), ("MA", "25", "Massachusetts"), ("MI", "26", "Michigan"), ("MN", "27", "Minnesota"),
    ("MS", "28", "Mississippi"), ("MO", "29", "Missouri"), ("MT", "30", "Montana"), ("NE", "31", "Nebraska"),
    ("NV", "32", "Nevada"), ("NH", "33", "New Hampshire"), ("NJ", "34", "New Jersey"), ("NM", "35", "New Mexico"),
    ("NY", "36", "New York"), ("NC", "37", "North Carolina"), ("ND", "38", "North Dakota"), ("OH", "39", "Ohio"),
    ("OK", "40", "Oklahoma"), ("OR", "41", "Oregon"), ("PA", "42", "Pennsylvania"), ("RI", "44", "Rhode Island"),
    ("SC", "45", "South Carolina"), ("SD", "46", "South Dakota"), ("TN", "47", "Tennessee"), ("TX", "48", "Texas"),
    ("UT", "49", "Utah"), ("VT", "50", "Vermont"), ("VA", "51", "Virginia"), ("WA", "53", "Washington"),
    ("WV", "54", "West Virginia"), ("WI", "55", "Wisconsin"), ("WY", "56", "Wyoming"),
    ("GU", "66", "Guam"), ("MP", "69", "Northern Mariana Islands"), ("PR", "72", "Puerto Rico"),
    ("VI", "78", "Virgin Islands"),
]
US_BORDER_STATES: tuple[str, ...] = ("CA", "AZ", "NM", "TX")
"""US states on the Mexican border (USPS)."""

# INEGI code -> canonical name (the short forms of CONAPO's 2023 projections and SESNSP).
MX_STATES: dict[str, str] = {
    "01": "Aguascalientes", "02": "Baja California", "03": "Baja California Sur", "04": "Campeche",
    "05": "Coahuila", "06": "Colima", "07": "Chiapas", "08": "Chihuahua", "09": "Ciudad de México",
    "10": "Durango", "11": "Guanajuato", "12": "Guerrero", "13": "Hidalgo", "14": "Jalisco",
    "15": "Estado de México", "16": "Michoacán", "17": "Morelos", "18": "Nayarit", "19": "Nuevo León",
    "20": "Oaxaca", "21": "Puebla", "22": "Querétaro", "23": "Quintana Roo", "24": "San Luis Potosí",
    "25": "Sinaloa", "26": "Sonora", "27": "Tabasco", "28": "Tamaulipas", "29": "Tlaxcala", "30": "Veracruz",
    "31": "Yucatán", "32": "Zacatecas",
}
MX_BORDER_STATES: tuple[str, ...] = ("02", "26", "08", "05", "19", "28")
"""Mexican states on the US border (INEGI): Baja California, Sonora, Chihuahua, Coahuila, Nuevo León, Tamaulipas."""

_MX_ALIASES: dict[str, str] = {
    "coahuila de zaragoza": "05", "distrito federal": "09", "mexico": "15", "estado de mexico": "15",
    "michoacan de ocampo": "16", "queretaro de arteaga": "22", "veracruz llave": "30",
    "veracruz de ignacio de la llave": "30", "san luis potosi": "24", "cdmx": "09",
}
_US_ALIASES: dict[str, str] = {"mariana islands": "MP", "us virgin islands": "VI"}


def fold(name: str) -> str:
    """Lower case, accents removed, whitespace collapsed: the key used to match spellings."""
    decomposed = unicodedata.normalize("NFKD", str(name))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


_MX_BY_FOLDED = {fold(n): c for c, n in MX_STATES.items()} | _MX_ALIASES
_US_BY_FOLDED = {fold(n): u for u, _, n in US_STATES} | _US_ALIASES
_US_BY_FIPS = {int(f): u for u, f, _ in US_STATES}
US_STATE_NAMES: dict[str, str] = {u: n for u, _, n in US_STATES}


def mx_state_code(name: str | int) -> str:
    """INEGI two-digit code for a Mexican state given any spelling or an integer/str code 1–32."""
    text = str(name).strip()
    if text.isdigit() and 1 <= int(text) <= 32:
        return f"{int(text):02d}"
    code = _MX_BY_FOLDED.get(fold(text))
    if code is None:
        raise UnknownNameError("Mexican state", text, MX_STATES.values())
    return code


def us_state_code(name: str | int) -> str:
    """USPS code for a US state or territory given its name, USPS code or FIPS code (int or str)."""
    text = str(name).strip()
    if text.isdigit() and int(text) in _US_BY_FIPS:
        return _US_BY_FIPS[int(text)]
    if text.upper() in US_STATE_NAMES:
        return text.upper()
    code = _US_BY_FOLDED.get(fold(text))
    if code is None:
        raise UnknownNameError("US state", text, US_STATE_NAMES.values())
    return code


def mx_state_codes(names: pd.Series) -> pd.Series:
    """Vectorised :func:`mx_state_code` (maps each distinct value once)."""
    mapping = {value: mx_state_code(value) for value in names.dropna().unique()}
    return names.map(mapping)


def us_state_codes(names: pd.Series) -> pd.Series:
    """Vectorised :func:`us_state_code` (maps each distinct value once)."""
    mapping = {value: us_state_code(value) for value in names.dropna().unique()}
    return names.map(mapping)


def mx_states_frame() -> pd.DataFrame:
    """The 32 Mexican states: ``state_code``, ``state_name``, ``border`` (borders the US)."""
    return pd.DataFrame({"state_code": list(MX_STATES), "state_name": list(MX_STATES.values()),
                         "border": [c in MX_BORDER_STATES for c in MX_STATES]})


def us_states_frame() -> pd.DataFrame:
    """US states and territories: ``state`` (USPS), ``fips``, ``state_name``, ``border``."""
    return pd.DataFrame([(u, f, n, u in US_BORDER_STATES) for u, f, n in US_STATES],
                        columns=["state", "fips", "state_name", "border"])
