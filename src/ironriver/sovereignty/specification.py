"""Specifications: every methodological choice of the ledger's aggregation, as a validated TOML file.

A verdict on whose sovereignty is the more threatened rests on choices no dataset makes: which indicators
count, how an indicator value becomes a threat (normalisation and reference points), how threats are
combined within and across Krasner's kinds, how much each kind weighs, how long a value may be carried
forward and how fast old events fade. A :class:`Specification` states all of them, for both states at once
(one rule for both: nothing in a specification can name a state). Files live in the package's
``data/specs/`` folder (a neutral default and named perspectives, each with a header comment saying whose
view it encodes) or anywhere a user puts their own; :func:`load_specification` reads either, and every
problem — an unknown key, a wrong type, kind weights that do not sum to one, a negative half-life — stops
the run with one line naming the file, the field and the problem (:class:`SpecificationError`).

The file format::

    name = "neutral"
    description = "..."
    normalisation = "ratio"            # ratio: x / (x + r) | minmax: over the window | rank: percentile in the window
    carry_forward_years = 3            # 0–3: how many years a last value may stand in for a missing one

    [kinds]
    # concentration = 1.0              # Dirichlet concentration of the kind weights (or a table per kind;
                                       # omitted: drawn per weighting across the ledger's stated range) …
    # weights = {domestic = 0.25, …}   # … or fixed weights summing to 1
    # per_concept = true               # … or each kind weighs in proportion to its concepts (every concept equal)
    aggregation = "arithmetic"         # across kinds: arithmetic | geometric | weakest_link

    [concepts]
    aggregation = "arithmetic"         # across concepts within a kind
    weights = {}                       # concept → relative weight (default 1), the same for both states

    [indicators]
    exclude = []                       # ids left out (or `include = [...]`: only these count)
    weights = {}                       # id → relative weight within its concept (default 1)

    [reference]
    choice = "drawn"                   # central | low | high | drawn (log-uniform in the stated range)
    values = {}                        # id → an explicit reference point, within the indicator's range

    [decay]
    spillover_half_life_years = 5.0    # optional: how fast the spillover effect fades after its window

"Weakest link" is defined for threats: a state's sovereignty is as strong as its weakest part, so the
combined *threat* is the **largest** component threat (the minimum of sovereignty is the maximum of threat).
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ironriver.errors import IronRiverError

__all__ = [
    "Specification",
    "SpecificationError",
    "load_specification",
    "shipped_specifications",
    "specification_file",
    "check_names",
    "NORMALISATIONS",
    "AGGREGATIONS",
    "REFERENCE_CHOICES",
    "KIND_ORDER",
    "MAX_CARRY_FORWARD_YEARS",
    "WEIGHT_SUM_TOLERANCE",
]

KIND_ORDER: tuple[str, ...] = ("domestic", "interdependence", "westphalian", "international_legal")
"""Krasner's four kinds, in the order of every kind axis in this stage."""
NORMALISATIONS: tuple[str, ...] = ("ratio", "minmax", "rank")
"""How an indicator value becomes a threat in [0, 1] (see :mod:`~ironriver.sovereignty.aggregate`)."""
AGGREGATIONS: tuple[str, ...] = ("arithmetic", "geometric", "weakest_link")
"""How threats are combined: weighted arithmetic mean, weighted geometric mean, or the largest threat."""
REFERENCE_CHOICES: tuple[str, ...] = ("central", "low", "high", "drawn")
MAX_CARRY_FORWARD_YEARS = 3
"""The ledger's cap on carrying a value forward (issue: "at most 3 years")."""
WEIGHT_SUM_TOLERANCE = 1e-6
"""Fixed kind weights must sum to one within this tolerance."""
DEFAULT_NAME = "neutral"


class SpecificationError(IronRiverError, ValueError):
    """A specification file or mapping that cannot be used, explained in one line."""


_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True)
Aggregation = Literal["arithmetic", "geometric", "weakest_link"]
_Positive = Field(gt=0)


def _check_kind_keys(mapping: Mapping[str, Any] | None, what: str) -> None:
    if mapping is None:
        return
    for key in mapping:
        if key not in KIND_ORDER:
            close = difflib.get_close_matches(key, KIND_ORDER, n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]}?" if close else f" (kinds: {', '.join(KIND_ORDER)})"
            raise ValueError(f"unknown kind '{key}' in {what}{hint}")


class Kinds(BaseModel):
    """Kind weights (fixed, or a Dirichlet concentration) and the aggregation across kinds."""

    model_config = _STRICT

    weights: dict[str, float] | None = None
    concentration: float | dict[str, float] | None = None
    per_concept: bool = False
    aggregation: Aggregation = "arithmetic"

    @model_validator(mode="after")
    def _weights(self) -> Kinds:
        given = [name for name, value in (("weights", self.weights), ("concentration", self.concentration),
                                          ("per_concept", self.per_concept or None)) if value is not None]
        if len(given) > 1:
            raise ValueError(f"give one of weights, concentration or per_concept, not {' and '.join(given)}")
        _check_kind_keys(self.weights, "kinds.weights")
        if isinstance(self.concentration, dict):
            _check_kind_keys(self.concentration, "kinds.concentration")
            missing = [k for k in KIND_ORDER if k not in self.concentration]
            if missing:
                raise ValueError(f"kinds.concentration lacks {', '.join(missing)}")
        concentrations = (self.concentration.values() if isinstance(self.concentration, dict)
                          else [self.concentration] if self.concentration is not None else [])
        if any(c <= 0 for c in concentrations):
            raise ValueError("a Dirichlet concentration must be positive")
        if self.weights is not None:
            if any(w < 0 for w in self.weights.values()):
                raise ValueError("kind weights must not be negative")
            total = sum(self.weights.values())
            if abs(total - 1.0) > WEIGHT_SUM_TOLERANCE:
                raise ValueError(f"kind weights sum to {total:g}, not 1")
        return self

    def fixed_weights(self) -> tuple[float, ...] | None:
        """The four kind weights in :data:`KIND_ORDER` (kinds left out weigh 0), or None if drawn."""
        if self.weights is None:
            return None
        return tuple(float(self.weights.get(k, 0.0)) for k in KIND_ORDER)

    def alpha(self) -> tuple[float, ...]:
        """The Dirichlet concentration per kind; with none given, the central value of the ledger's assumption
        ``dirichlet_concentration_kinds`` (a verdict draws it across its range per weighting)."""
        if isinstance(self.concentration, dict):
            return tuple(float(self.concentration[k]) for k in KIND_ORDER)
        if self.concentration is None:
            from ironriver.sovereignty.transforms import assumption
            return (float(assumption("dirichlet_concentration_kinds").value),) * len(KIND_ORDER)
        return (float(self.concentration),) * len(KIND_ORDER)


class Concepts(BaseModel):
    """Aggregation across the concepts of a kind, and concept weights shared by both states."""

    model_config = _STRICT

    aggregation: Aggregation = "arithmetic"
    weights: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _weights(self) -> Concepts:
        if any(w < 0 for w in self.weights.values()):
            raise ValueError("concept weights must not be negative")
        return self


class Indicators(BaseModel):
    """Which indicators count, and their relative weights within a concept."""

    model_config = _STRICT

    include: list[str] | None = None
    exclude: list[str] = Field(default_factory=list)
    weights: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _lists(self) -> Indicators:
        if self.include is not None and self.exclude:
            raise ValueError("give either include or exclude, not both")
        if any(w < 0 for w in self.weights.values()):
            raise ValueError("indicator weights must not be negative")
        return self


class Reference(BaseModel):
    """Where each reference point of the ratio normalisation sits in its stated range."""

    model_config = _STRICT

    choice: Literal["central", "low", "high", "drawn"] = "drawn"
    values: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _values(self) -> Reference:
        if any(v <= 0 for v in self.values.values()):
            raise ValueError("reference values must be positive")
        return self


class Decay(BaseModel):
    """How fast a model effect fades outside the window it was estimated on (None: the ledger's assumption)."""

    model_config = _STRICT

    spillover_half_life_years: float | None = Field(None, gt=0)


class Specification(BaseModel):
    """Every methodological choice of the aggregation; see the module docstring for the file format.

    Examples
    --------
    >>> Specification(name="geo", kinds={"aggregation": "geometric"}).kinds.aggregation
    'geometric'
    """

    model_config = _STRICT

    name: str = DEFAULT_NAME
    description: str = ""
    normalisation: Literal["ratio", "minmax", "rank"] = "ratio"
    carry_forward_years: int = Field(MAX_CARRY_FORWARD_YEARS, ge=0, le=MAX_CARRY_FORWARD_YEARS)
    kinds: Kinds = Field(default_factory=Kinds)
    concepts: Concepts = Field(default_factory=Concepts)
    indicators: Indicators = Field(default_factory=Indicators)
    reference: Reference = Field(default_factory=Reference)
    decay: Decay = Field(default_factory=Decay)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], origin: str = "specification") -> Specification:
        """Validate a mapping (a parsed TOML file); errors name ``origin``."""
        try:
            return cls.model_validate(dict(data))
        except ValidationError as error:
            raise SpecificationError(_one_line(origin, error)) from None

    @classmethod
    def from_toml(cls, path: str | Path) -> Specification:
        """Read and validate a specification file (its name defaults to the file's stem)."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SpecificationError(f"{path}: no such specification file") from None
        except (OSError, UnicodeDecodeError) as error:
            raise SpecificationError(f"{path}: cannot read it ({error})") from None
        except tomllib.TOMLDecodeError as error:
            raise SpecificationError(f"{path}: invalid TOML: {error}") from None
        data.setdefault("name", path.stem)
        return cls.from_dict(data, origin=str(path))

    def with_changes(self, **sections: Any) -> Specification:
        """A validated copy with top-level fields or whole sections replaced (``kinds={...}``)."""
        data = self.model_dump()
        for key, value in sections.items():
            data[key] = value.model_dump() if isinstance(value, BaseModel) else value
        return Specification.from_dict(data)


_SECTIONS = {"kinds": Kinds, "concepts": Concepts, "indicators": Indicators, "reference": Reference,
             "decay": Decay}
_EXPECTED = {"float_type": "a number", "int_type": "a whole number", "string_type": "a string",
             "dict_type": "a table", "list_type": "a list", "model_type": "a table", "bool_type": "true or false",
             "int_from_float": "a whole number"}


def _one_line(origin: str, error: ValidationError) -> str:
    """``FILE: FIELD: PROBLEM`` for the first problem pydantic found."""
    first = error.errors(include_url=False)[0]
    loc = [str(p) for p in first["loc"] if str(p) not in ("float", "int", "str", "dict[str,float]", "none")]
    where = ".".join(loc) or "file"
    kind, value = first["type"], first.get("input")
    if kind == "extra_forbidden":
        model = _SECTIONS.get(loc[0], Specification) if len(loc) > 1 else Specification
        choices = list(model.model_fields)
        close = difflib.get_close_matches(loc[-1], choices, n=1, cutoff=0.5)
        problem = f"unknown key '{loc[-1]}'" + (f"; did you mean {close[0]}?" if close
                                                 else f" (known: {', '.join(choices)})")
    elif kind == "literal_error":
        problem = f"{value!r} is not allowed ({first['ctx']['expected']})"
    elif kind in _EXPECTED:
        problem = f"expected {_EXPECTED[kind]}, got {type(value).__name__} {value!r}"
    elif kind == "value_error":
        problem = str(first["msg"]).removeprefix("Value error, ")
    else:
        problem = f"{value!r}: {str(first['msg']).lower()}"
    return f"{origin}: {where}: {problem}"


def _specs_folder() -> Any:
    return resources.files("ironriver.data").joinpath("specs")


def shipped_specifications() -> dict[str, Path]:
    """The specification files shipped with the package: name → path (the neutral default first)."""
    folder = Path(str(_specs_folder()))
    files = sorted(folder.glob("*.toml"), key=lambda p: (p.stem != DEFAULT_NAME, p.stem))
    return {p.stem: p for p in files}


def load_specification(name_or_path: str | Path | None = None) -> Specification:
    """A specification by shipped name (``"essay"``), by path (``specs/essay.toml``), or the neutral default.

    Raises
    ------
    SpecificationError
        An unknown name, a missing file, or a file that does not validate — in one line.
    """
    if name_or_path is None:
        name_or_path = DEFAULT_NAME
    path = Path(name_or_path)
    shipped = shipped_specifications()
    if not path.exists() and path.suffix == ".toml" and path.parent.name == "specs" and path.stem in shipped:
        return Specification.from_toml(shipped[path.stem])      # specs/NAME.toml from any folder
    if path.suffix == ".toml" or path.exists():
        return Specification.from_toml(path)
    if str(name_or_path) not in shipped:
        close = difflib.get_close_matches(str(name_or_path), list(shipped), n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]}?" if close else f" (shipped: {', '.join(shipped)})"
        raise SpecificationError(f"unknown specification '{name_or_path}'{hint}")
    return Specification.from_toml(shipped[str(name_or_path)])


def specification_file(name_or_path: str | Path | None = None) -> str:
    """How a specification is named in the output: ``specs/NAME.toml`` for a shipped one (or the default),
    else the path as the user gave it."""
    if name_or_path is None:
        return f"specs/{DEFAULT_NAME}.toml"
    path = Path(name_or_path)
    shipped = shipped_specifications()
    if path.suffix != ".toml" and not path.exists() and str(name_or_path) in shipped:
        return f"specs/{name_or_path}.toml"
    if path.exists() and path.resolve() in {p.resolve() for p in shipped.values()}:
        return f"specs/{path.name}"
    return str(name_or_path)


def check_names(spec: Specification, indicator_ids: list[str] | None = None,
                concept_names: list[str] | None = None) -> Specification:
    """Refuse (one line) indicator ids and concepts the catalogue does not know, before any work is done.

    Defaults to the ledger's catalogue (:mod:`~ironriver.sovereignty.catalogue`).
    """
    if indicator_ids is None or concept_names is None:
        from ironriver.sovereignty.catalogue import INDICATORS, concepts

        indicator_ids = list(INDICATORS) if indicator_ids is None else indicator_ids
        concept_names = list(concepts()["concept"]) if concept_names is None else concept_names
    named = [("indicators.include", spec.indicators.include or []), ("indicators.exclude", spec.indicators.exclude),
             ("indicators.weights", list(spec.indicators.weights)), ("reference.values", list(spec.reference.values))]
    for where, ids in named:
        for name in ids:
            if name not in indicator_ids:
                close = difflib.get_close_matches(name, indicator_ids, n=1, cutoff=0.5)
                raise SpecificationError(f"{spec.name}: {where}: unknown indicator '{name}'"
                                         + (f"; did you mean {close[0]}?" if close else ""))
    for name in spec.concepts.weights:
        if name not in concept_names:
            close = difflib.get_close_matches(name, concept_names, n=1, cutoff=0.5)
            raise SpecificationError(f"{spec.name}: concepts.weights: unknown concept '{name}'"
                                     + (f"; did you mean {close[0]}?" if close else
                                        f" (concepts: {', '.join(concept_names)})"))
    return spec
