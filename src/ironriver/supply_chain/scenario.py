"""Scenarios: lever settings (and pinned assumptions) read from TOML files and validated with pydantic.

A scenario file names the scenario, optionally the years to simulate, the levers it moves away from the status
quo and the named assumptions it pins::

    name = "ubc"
    description = "Universal background checks for private sales"
    years = "2022"                     # or 2022, [2021, 2022], "2020:2022"; default: the latest calibrated year

    [levers]
    universal_background_checks = true

    [assumptions]                      # optional; each value must lie in the assumption's range
    channel_substitution = 0.5

Validation is strict: an unknown lever or field, a value of the wrong type (``"yes"`` for true, ``"10"`` for
10) or a value outside its range stops the run with one line naming the file, the field and the problem
(:class:`ScenarioError`, an :class:`~ironriver.errors.IronRiverError`). Imports only within
:mod:`ironriver.supply_chain`.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator

from ironriver.data.shipped import resolve_shipped
from ironriver.errors import IronRiverError
from ironriver.supply_chain.assumptions import ASSUMPTIONS
from ironriver.supply_chain.chain import CORRIDORS
from ironriver.supply_chain.levers import LEVERS, LEVERS_BY_NAME

__all__ = ["Scenario", "Levers", "ScenarioError", "parse_years", "format_validation_error"]

_YEARS_ALLOWED = (1990, 2100)


class ScenarioError(IronRiverError, ValueError):
    """A scenario (or sweep grid) file or dict that cannot be used, explained in one line."""


_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True)


class Levers(BaseModel):
    """The status quo and every lever a scenario can move (see :data:`~ironriver.supply_chain.levers.LEVERS`)."""

    model_config = _STRICT

    universal_background_checks: bool = LEVERS_BY_NAME["universal_background_checks"].field()
    purchase_limit_per_month: int | None = LEVERS_BY_NAME["purchase_limit_per_month"].field()
    multiple_sale_reporting: bool = LEVERS_BY_NAME["multiple_sale_reporting"].field()
    straw_enforcement: float = LEVERS_BY_NAME["straw_enforcement"].field()
    engaged_in_business_rule: bool = LEVERS_BY_NAME["engaged_in_business_rule"].field()
    dealer_liability: bool = LEVERS_BY_NAME["dealer_liability"].field()
    southbound_inspection: float | dict[str, float] = LEVERS_BY_NAME["southbound_inspection"].field()
    assault_weapons_ban: bool = LEVERS_BY_NAME["assault_weapons_ban"].field()
    cartel_demand: float = LEVERS_BY_NAME["cartel_demand"].field()
    cartel_members: float | None = LEVERS_BY_NAME["cartel_members"].field()

    @field_validator("southbound_inspection", mode="before")
    @classmethod
    def _inspection(cls, value: Any) -> Any:
        lever = LEVERS_BY_NAME["southbound_inspection"]
        if isinstance(value, Mapping):
            unknown = [k for k in value if k not in CORRIDORS]
            if unknown:
                raise ValueError(f"unknown corridor '{unknown[0]}' (corridors: {', '.join(CORRIDORS)})")
            for corridor, number in value.items():
                _check_number(number, lever.low, lever.high, f"{corridor} = ")
            return {k: float(v) for k, v in value.items()}
        _check_number(value, lever.low, lever.high)
        return float(value)


def _check_number(value: Any, low: float, high: float, prefix: str = "") -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{prefix}expected a number, got {type(value).__name__} {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{prefix}{value!r} is out of range (allowed {low:g} to {high:g})")


Assumptions = create_model(
    "Assumptions", __config__=_STRICT,
    **{a.name: (float | None, Field(None, ge=a.low, le=a.high, description=f"{a.why} ({a.unit})"))
       for a in ASSUMPTIONS})
"""Pinned values of named assumptions, each within its range."""


def parse_years(value: Any) -> tuple[int, ...] | None:
    """``2022``, ``[2021, 2022]``, ``"2022"`` or ``"2020:2022"`` → a tuple of years (None stays None)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"expected a year, a list of years or 'START:END', got {value!r}")
    if isinstance(value, int):
        years = (value,)
    elif isinstance(value, str):
        text = value.strip()
        try:
            if ":" in text:
                start, end = (int(part) for part in text.split(":"))
                years = tuple(range(start, end + 1))
            else:
                years = (int(text),)
        except ValueError:
            raise ValueError(f"expected 'YYYY' or 'START:END', got {value!r}") from None
    elif isinstance(value, (list, tuple)) and value and all(isinstance(v, int) and not isinstance(v, bool)
                                                             for v in value):
        years = tuple(value)
    else:
        raise ValueError(f"expected a year, a list of years or 'START:END', got {value!r}")
    if not years:
        raise ValueError(f"{value!r} contains no year")
    if sorted(set(years)) != list(years) or any(b != a + 1 for a, b in zip(years, years[1:])):
        raise ValueError(f"years must be consecutive and increasing, got {value!r}")
    bad = [y for y in years if not _YEARS_ALLOWED[0] <= y <= _YEARS_ALLOWED[1]]
    if bad:
        raise ValueError(f"year {bad[0]} is out of range (allowed {_YEARS_ALLOWED[0]} to {_YEARS_ALLOWED[1]})")
    return years


class Scenario(BaseModel):
    """A policy scenario: which levers move, which assumptions are pinned, which years run.

    Build one with :meth:`from_toml`, :meth:`from_dict`, :meth:`baseline` or the constructor; every way
    validates. Scenarios are immutable; :meth:`with_changes` returns a modified copy (sweeps use it).

    Examples
    --------
    >>> from ironriver import Scenario
    >>> Scenario(name="inspect", levers={"southbound_inspection": 10}).active_levers()
    {'southbound_inspection': 10.0}
    """

    model_config = _STRICT

    name: str = "baseline"
    description: str = ""
    years: tuple[int, ...] | None = None
    levers: Levers = Field(default_factory=Levers)
    assumptions: Assumptions = Field(default_factory=Assumptions)  # type: ignore[valid-type]
    awb_effect: Literal["spillover", "assumption"] = Field(
        "spillover", description="where the assault-weapons-ban effect comes from")

    @field_validator("years", mode="before")
    @classmethod
    def _years(cls, value: Any) -> tuple[int, ...] | None:
        return parse_years(value)

    @classmethod
    def baseline(cls) -> Scenario:
        """The status quo: no lever moved."""
        return cls(name="baseline", description="status quo: no lever moved")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], origin: str = "scenario") -> Scenario:
        """Validate a mapping (a parsed TOML file); errors name ``origin``."""
        try:
            return cls.model_validate(dict(data))
        except ValidationError as error:
            raise ScenarioError(format_validation_error(origin, error)) from None

    @classmethod
    def from_toml(cls, path: str | Path) -> Scenario:
        """Read and validate a scenario file: a path, or the name of a shipped scenario (``"ubc"``).

        Raises
        ------
        ScenarioError
            One line naming the file, the field and the problem.
        """
        path = resolve_shipped("scenarios", path)
        data = read_toml(path)
        data.setdefault("name", path.stem)
        return cls.from_dict(data, origin=str(path))

    def with_changes(self, changes: Mapping[str, Any], name: str | None = None, origin: str = "scenario") -> Scenario:
        """A copy with dotted keys changed (``{"levers.southbound_inspection": 10}``), validated."""
        data = self.model_dump(exclude_none=True)
        data["levers"] = self.levers.model_dump(exclude_none=True)
        for key, value in changes.items():
            section, _, field = key.partition(".")
            if field:
                if section not in ("levers", "assumptions"):
                    raise ScenarioError(f"{origin}: {key}: only levers.* and assumptions.* can vary")
                data.setdefault(section, {})[field] = value
            else:
                data[section] = value
        if name is not None:
            data["name"] = name
        return Scenario.from_dict(data, origin=origin)

    def active_levers(self) -> dict[str, Any]:
        """Levers moved away from the status quo, with their values."""
        return {lever.name: getattr(self.levers, lever.name) for lever in LEVERS
                if lever.is_active(getattr(self.levers, lever.name))}

    def pinned_assumptions(self) -> dict[str, float]:
        """Named assumptions the scenario fixes."""
        return {k: v for k, v in self.assumptions.model_dump().items() if v is not None}

    def uses_awb(self) -> bool:
        return bool(self.levers.assault_weapons_ban)


def read_toml(path: str | Path) -> dict[str, Any]:
    """Parse a TOML file, turning every failure into a one-line :class:`ScenarioError`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(f"{path}: cannot read it ({error})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"{path}: invalid TOML: {error}") from None


_EXPECTED = {"bool_type": "true or false", "float_type": "a number", "int_type": "a whole number",
             "string_type": "a string", "dict_type": "a table", "tuple_type": "a list", "list_type": "a list",
             "literal_error": None, "model_type": "a table", "int_from_float": "a whole number"}
_SECTIONS = {"levers": ("lever", [lever.name for lever in LEVERS]),
             "assumptions": ("assumption", [a.name for a in ASSUMPTIONS])}


def format_validation_error(origin: str, error: ValidationError) -> str:
    """One line for the first problem pydantic found: ``FILE: FIELD: PROBLEM``."""
    problems = error.errors(include_url=False)
    first = problems[0]
    loc = [str(part) for part in first["loc"]]
    # pydantic names the union member that failed (e.g. "float"); a user wants only the field
    loc = [part for part in loc if part not in ("float", "int", "bool", "str", "dict[str,float]", "none")]
    where = ".".join(loc) or "file"
    kind, value = first["type"], first.get("input")
    if kind == "extra_forbidden":
        section = loc[0] if len(loc) > 1 else ""
        noun, choices = _SECTIONS.get(section, ("field", list(Scenario.model_fields)))
        close = difflib.get_close_matches(loc[-1], choices, n=2, cutoff=0.5)
        problem = f"unknown {noun} '{loc[-1]}'" + (f"; did you mean {' or '.join(close)}?" if close else
                                                   f" (known: {', '.join(choices)})")
    elif kind in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
        bounds = _bounds(loc)
        allowed = f" (allowed {bounds[0]:g} to {bounds[1]:g})" if bounds else f" ({first['msg'].lower()})"
        problem = f"{value!r} is out of range{allowed}"
    elif kind == "value_error":
        problem = str(first.get("ctx", {}).get("error", first["msg"]))
    elif kind == "literal_error":
        problem = f"expected {first.get('ctx', {}).get('expected', 'one of the allowed values')}, got {value!r}"
    elif kind in _EXPECTED and _EXPECTED[kind]:
        problem = f"expected {_EXPECTED[kind]}, got {type(value).__name__} {value!r}"
    else:
        problem = first["msg"]
    more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
    return f"{origin}: {where}: {problem}{more}"


def _bounds(loc: list[str]) -> tuple[float, float] | None:
    if len(loc) == 2 and loc[0] == "levers" and loc[1] in LEVERS_BY_NAME:
        lever = LEVERS_BY_NAME[loc[1]]
        return (lever.low, lever.high) if lever.low is not None else None
    if len(loc) == 2 and loc[0] == "assumptions":
        named = {a.name: a for a in ASSUMPTIONS}.get(loc[1])
        return (named.low, named.high) if named else None
    return None
