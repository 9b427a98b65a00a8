"""Stratification: who qualifies for which radioligand, with every reason.

Selection criteria are data, not code: each rule is a YAML file (``radiochain/data/clinical/
rules/``, or the user's own) naming an agent, a citation, and a list of criteria written in the
safe expression language of :mod:`radiochain.clinical.expressions`. A criterion is either

* a **lesion** criterion: a condition per lesion (``suvmax_psma > suv_liver``), an optional
  ``among`` subset (``size_mm >= 10``) and a requirement over that subset: ``any``, ``all``,
  ``none``, ``fraction >= 0.8`` or ``count >= 2``; or
* a **patient** criterion: a condition on patient-level values (labs, grade, age), e.g.
  ``ki67_percent <= 20``.

A value that a criterion needs but that is missing makes the criterion *unknown*: the patient is
then "not evaluable" for the rule (never silently eligible or ineligible).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from radiochain.clinical._data import clinical_data_path
from radiochain.clinical.columns import json_ready
from radiochain.clinical.expressions import Expression
from radiochain.clinical.tables import finite_column, require_rows, row_number
from radiochain.errors import InputError, elide

LESION_COLUMNS = ("patient", "lesion", "site", "size_mm")
"""Columns every lesion table must have."""

Outcome = Literal["pass", "fail", "unknown", "skipped"]
_REQUIRE = re.compile(r"^\s*(any|all|none|(fraction|count)\s*>=\s*([0-9.]+))\s*$")
_RULE_KEYS = {
    "rule",
    "agent",
    "agents",
    "title",
    "citation",
    "doi",
    "url",
    "status",
    "notes",
    "criteria",
}
_CRITERION_KEYS = {
    "id",
    "text",
    "lesions",
    "among",
    "require",
    "patient",
    "optional",
    "verified",
    "source",
}


@dataclass(frozen=True)
class Criterion:
    """One selection criterion of a rule (see the module docstring)."""

    id: str
    text: str
    level: Literal["lesion", "patient"]
    condition: Expression
    among: Expression | None = None
    require: str = "any"
    optional: bool = False
    verified: bool = True
    source: str = ""
    """Key of ``sources.csv`` (or a citation) for the criterion's threshold."""

    @property
    def names(self) -> frozenset[str]:
        """Columns the criterion reads."""
        return self.condition.names | (self.among.names if self.among else frozenset())


@dataclass(frozen=True)
class Rule:
    """A published selection rule for one agent (or a combination of agents)."""

    name: str
    agents: tuple[str, ...]
    title: str
    citation: str
    criteria: tuple[Criterion, ...]
    doi: str = ""
    url: str = ""
    status: str = ""
    path: str = ""

    @property
    def agent(self) -> str:
        """Agent name; ``a+b`` for a dual-targeting combination."""
        return "+".join(self.agents)

    @property
    def names(self) -> frozenset[str]:
        """Columns any non-optional criterion reads."""
        return frozenset().union(*(c.names for c in self.criteria if not c.optional))


def _require_text(value: Any, where: str) -> str:
    """A lesion criterion's requirement: ``any``, ``all``, ``none``, ``fraction >= F`` with F
    in [0, 1], or ``count >= N`` with N a whole number."""
    text = str(value if value is not None else "any").strip().lower()
    match = _REQUIRE.match(text)
    threshold = _threshold(match.group(3)) if match and match.group(3) else None
    if not match or (match.group(3) and threshold is None):
        raise InputError(
            f"{where}: require {elide(value)!r} is not understood "
            "(use any, all, none, 'fraction >= 0.8' or 'count >= 2')"
        )
    if match.group(2) == "fraction" and threshold is not None and threshold > 1:
        raise InputError(
            f"{where}: require {elide(value)!r} can never hold: a fraction of lesions is at "
            "most 1 (write e.g. 'fraction >= 0.8', or 'all')"
        )
    if match.group(2) == "count" and threshold is not None and not threshold.is_integer():
        raise InputError(
            f"{where}: require {elide(value)!r}: a count of lesions is a whole number "
            "(write e.g. 'count >= 2')"
        )
    return text


def _threshold(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def parse_rule(data: dict[str, Any], path: str = "rule") -> Rule:
    """Build a :class:`Rule` from the mapping of a rule file.

    Raises
    ------
    InputError
        A key is unknown or missing, or an expression is not valid.
    """
    if not isinstance(data, dict):
        raise InputError(f"{path}: a rule file must be a mapping with rule, agent, criteria")
    unknown = sorted(map(str, set(data) - _RULE_KEYS))
    if unknown:
        raise InputError(
            f"{path}: unknown key(s) {elide(', '.join(unknown))} "
            f"(known: {', '.join(sorted(_RULE_KEYS))})"
        )
    for key in ("rule", "citation", "criteria"):
        if not data.get(key):
            raise InputError(
                f"{path}: key {key!r} is missing (every rule needs rule, agent, "
                "citation and criteria)"
            )
    if not isinstance(data["criteria"], list):
        raise InputError(f"{path}: criteria must be a list ('- id: ...' under 'criteria:')")
    if not isinstance(data["rule"], str | int | float) or isinstance(data["rule"], bool):
        raise InputError(f"{path}: rule must be a name, e.g. 'rule: my-rule'")
    agents = data.get("agents") or [data.get("agent")]
    if not isinstance(agents, list) or not all(isinstance(a, str) and a for a in agents):
        raise InputError(f"{path}: give 'agent: NAME' or 'agents: [A, B]'")
    criteria = [_criterion(item, k, path) for k, item in enumerate(data["criteria"], start=1)]
    return Rule(
        name=str(data["rule"]),
        agents=tuple(str(a) for a in agents),
        title=str(data.get("title", data["rule"])),
        citation=" ".join(str(data["citation"]).split()),
        criteria=tuple(criteria),
        doi=str(data.get("doi", "")),
        url=str(data.get("url", "")),
        status=str(data.get("status", "")),
        path=path,
    )


def _criterion(item: object, k: int, path: str) -> Criterion:
    """Criterion ``k`` (1-based) of a rule file."""
    where = f"{path}: criterion {k}"
    if not isinstance(item, dict):
        raise InputError(f"{where}: must be a mapping with id, text and lesions or patient")
    bad = sorted(map(str, set(item) - _CRITERION_KEYS))
    if bad:
        raise InputError(
            f"{where}: unknown key(s) {elide(', '.join(bad))} "
            f"(known: {', '.join(sorted(_CRITERION_KEYS))})"
        )
    cid = elide(item.get("id") or f"criterion-{k}")
    where = f"{path}: criterion {cid!r}"
    if ("lesions" in item) == ("patient" in item):
        raise InputError(f"{where}: give exactly one of 'lesions:' or 'patient:'")
    level: Literal["lesion", "patient"] = "lesion" if "lesions" in item else "patient"
    key = "patient" if level == "patient" else "lesions"
    condition = Expression(_text(item[key], f"{where}, {key}"), f"{where}, {key}")
    condition.check_condition()
    among = (
        Expression(_text(item["among"], f"{where}, among"), f"{where}, among").check_condition()
        if item.get("among")
        else None
    )
    if level == "patient" and (among is not None or "require" in item):
        raise InputError(f"{where}: 'among' and 'require' apply to lesion criteria only")
    return Criterion(
        id=cid,
        text=str(item.get("text", cid)),
        level=level,
        condition=condition,
        among=among,
        require=_require_text(item.get("require"), where),
        optional=_flag(item.get("optional", False), f"{where}: optional"),
        verified=_flag(item.get("verified", True), f"{where}: verified"),
        source=str(item.get("source", "")),
    )


def _text(value: object, where: str) -> str:
    """An expression written in a rule file: text, or a bare number/boolean YAML typed."""
    if isinstance(value, str | int | float):
        return str(value)
    raise InputError(f"{where}: write the condition as text, e.g. 'suvmax_psma > suv_liver'")


def load_rule(path: str | Path) -> Rule:
    """Read one rule file (YAML).

    Raises
    ------
    InputError
        The file is missing, not UTF-8, not valid YAML (aliases bounded, see
        :func:`radiochain.files.load_yaml`) or not a valid rule.
    """
    from radiochain.files import load_yaml

    data = load_yaml(path, what="rule file")
    return parse_rule(data, elide(str(path)))


def builtin_rules() -> dict[str, Rule]:
    """The rules bundled with radiochain, by name."""
    folder = clinical_data_path("rules")
    rules = (load_rule(p) for p in sorted(folder.glob("*.yaml")))
    return {r.name: r for r in rules}


def resolve_rules(
    names: Sequence[str] | None = None, files: Iterable[str | Path] = ()
) -> list[Rule]:
    """The rules to apply: the bundled rules ``names`` selects (every bundled rule without
    ``names``), then every rule of the user's ``files`` (always applied; ``names`` may name
    them too), each once.

    Raises
    ------
    InputError
        A name is not a known rule, or a user rule has the name of a bundled rule or of
        another user rule (rename it: results are reported by rule name).
    """
    bundled = builtin_rules()
    own: dict[str, Rule] = {}
    for path in files:
        rule = load_rule(path)
        if rule.name in bundled:
            raise InputError(
                f"{rule.path}: rule {elide(rule.name)!r} has the name of a bundled rule; give "
                "your rule another name (e.g. 'rule: my-" + elide(rule.name, 40) + "')"
            )
        if rule.name in own:
            raise InputError(
                f"{rule.path}: rule {elide(rule.name)!r} has the name of the rule in "
                f"{own[rule.name].path}; give each rule its own name"
            )
        own[rule.name] = rule
    known = {**bundled, **own}
    unknown = [n for n in names or () if n not in known]
    if unknown:
        raise InputError(
            f"unknown rule(s) {elide(', '.join(unknown))} (known: {', '.join(known)}; "
            "add your own with --rule-file FILE.yaml)"
        )
    chosen = [known[n] for n in dict.fromkeys(names)] if names else list(bundled.values())
    return chosen + [r for r in own.values() if r not in chosen]


def check_lesion_table(lesions: pd.DataFrame, source: str = "lesion table") -> pd.DataFrame:
    """Check the core columns and values of a lesion table; return a cleaned copy.

    Raises
    ------
    InputError
        A core column is missing, a patient or lesion name is empty, or a size is negative.
    """
    missing = [c for c in LESION_COLUMNS if c not in lesions.columns]
    if missing:
        raise InputError(
            f"{source}: column(s) {', '.join(missing)} missing (a lesion table needs "
            f"{', '.join(LESION_COLUMNS)}, plus uptake columns such as suvmax_psma, suv_liver)"
        )
    require_rows(lesions, source, "one row per lesion")
    table = _names(lesions, ("patient", "lesion"), source)
    table["site"] = table["site"].astype("string").str.strip().str.lower()
    return _numeric_by_name(table, source)


def check_patient_table(patients: pd.DataFrame, source: str = "patient table") -> pd.DataFrame:
    """Check a patient table (``--patients``: one row per patient with labs); return a cleaned
    copy with numeric columns (``ki67_percent``, ``age_y``...) as numbers.

    Raises
    ------
    InputError
        No ``patient`` column, an empty or repeated patient, or text in a numeric column.
    """
    if "patient" not in patients.columns:
        raise InputError(
            f"{source}: column patient missing (a patient table has one row per patient: "
            "patient, ki67_percent, age_y, ...)"
        )
    table = _names(patients, ("patient",), source)
    twice = table["patient"][table["patient"].duplicated()]
    if len(twice):
        row = row_number(table, int(twice.index[0]))
        raise InputError(
            f"{source}: row {row}: patient {elide(twice.iloc[0])!r} has a row already "
            "(one row per patient)"
        )
    return _numeric_by_name(table, source)


def _names(frame: pd.DataFrame, columns: Sequence[str], source: str) -> pd.DataFrame:
    """A copy with identifier ``columns`` stripped; an empty one is an error."""
    table = frame.copy().reset_index(drop=True)
    for column in columns:
        empty = table[column].isna() | (table[column].astype("string").str.strip() == "")
        if empty.any():
            row = row_number(table, int(np.flatnonzero(empty.to_numpy())[0]))
            raise InputError(f"{source}: row {row}: field {column!r} is empty (give a name)")
        table[column] = table[column].astype("string").str.strip()
    return table


_NUMERIC_PREFIXES = ("suv", "size", "ki67", "age")
_NUMERIC_SUFFIXES = ("_mm", "_percent")


def _numeric_by_name(table: pd.DataFrame, source: str) -> pd.DataFrame:
    """Columns whose names say they hold numbers (``suv*``, ``*_mm``, ``*_percent``...) as
    finite numbers >= 0."""
    for column in table.columns:
        if column.startswith(_NUMERIC_PREFIXES) or column.endswith(_NUMERIC_SUFFIXES):
            table[column] = finite_column(table, column, source, minimum=0.0)
    return table


def _numeric_by_rule(table: pd.DataFrame, rules: Sequence[Rule], source: str) -> pd.DataFrame:
    """Columns that some rule compares with numbers, as finite numbers (text in them is an
    error naming the row, not a failed comparison)."""
    readers: dict[str, str] = {}
    for rule in rules:
        for crit in rule.criteria:
            for expr in (crit.condition, crit.among):
                for name in expr.numeric_names if expr is not None else ():
                    readers.setdefault(name, rule.name)
    table = table.copy()
    for column in sorted(set(readers) & set(table.columns)):
        if pd.api.types.is_numeric_dtype(table[column]):
            continue
        try:
            table[column] = finite_column(table, column, source)
        except InputError as err:
            raise InputError(f"{err}; rule {readers[column]} compares it with numbers") from None
    return table


def _patients_frame(lesions: pd.DataFrame, patients: pd.DataFrame | None) -> pd.DataFrame:
    per_patient = lesions.groupby("patient", sort=False).first()
    if patients is not None and len(patients):
        extra = patients.set_index(patients["patient"].astype("string").str.strip())
        extra = extra.drop(columns=["patient"])
        per_patient = per_patient.drop(columns=[c for c in extra.columns if c in per_patient])
        per_patient = per_patient.join(extra, how="left")
    return per_patient


def _lesion_outcome(crit: Criterion, sub: pd.DataFrame) -> tuple[Outcome, str]:
    cond = crit.condition.evaluate(sub)
    undefined = cond.undefined
    if crit.among is not None:
        among = crit.among.evaluate(sub)
        keep = among.value
        unknown_among = ~among.known
        undefined = undefined | among.undefined
    else:
        keep = np.ones(len(sub), dtype=bool)
        unknown_among = np.zeros(len(sub), dtype=bool)
    true = keep & cond.value
    false = keep & cond.known & ~cond.value
    unknown = (keep & ~cond.known) | unknown_among
    n_true, n_false, n_unknown = int(true.sum()), int(false.sum()), int(unknown.sum())
    n = n_true + n_false + n_unknown
    names = sub["lesion"].to_numpy()
    listed = {
        "true": ", ".join(map(str, names[true])),
        "false": ", ".join(map(str, names[false])),
    }
    count = f"{n_true} of {n} lesion(s) match"
    need = crit.require
    outcome: Outcome
    if need == "any":
        outcome = "pass" if n_true else ("unknown" if n_unknown else "fail")
    elif need == "all":
        outcome = "fail" if n_false else ("unknown" if n_unknown else "pass")
        if n_false:
            count += f"; these do not: {listed['false']}"
    elif need == "none":
        outcome = "fail" if n_true else ("unknown" if n_unknown else "pass")
        if n_true:
            count += f", which the rule excludes: {listed['true']}"
    else:
        match = _REQUIRE.match(need)
        assert match is not None
        kind, threshold = match.group(2), float(match.group(3))
        if kind == "fraction":
            low = n_true / n if n else 0.0
            high = (n_true + n_unknown) / n if n else 0.0
        else:
            low, high = float(n_true), float(n_true + n_unknown)
        outcome = "pass" if low >= threshold else ("fail" if high < threshold else "unknown")
        if kind == "fraction" and n:
            count += f" ({100 * n_true / n:.0f} %)"
    if n_unknown:
        count += _unknown_detail(crit, sub, unknown, undefined)
    return outcome, count


def _unknown_detail(
    crit: Criterion, sub: pd.DataFrame, unknown: np.ndarray, undefined: np.ndarray
) -> str:
    """Why the ``unknown`` lesions are unknown: a missing value, or arithmetic without a value
    (a division by zero)."""
    names = sub["lesion"].to_numpy()
    missing, no_value = unknown & ~undefined, unknown & undefined
    text = ""
    if missing.any():
        columns = sorted(c for c in crit.names if sub.loc[missing, c].isna().any())
        text += f"; missing {', '.join(columns)} for {', '.join(map(str, names[missing]))}"
    if no_value.any():
        text += f"; no value (a division by zero) for {', '.join(map(str, names[no_value]))}"
    return text


def _patient_outcome(crit: Criterion, row: pd.DataFrame) -> tuple[Outcome, str]:
    result = crit.condition.evaluate(row)
    shown = ", ".join(f"{c} = {row[c].iloc[0]}" for c in sorted(crit.names))
    if bool(result.undefined[0]):
        return "unknown", f"no value: a division by zero ({shown})"
    if not bool(result.known[0]):
        return "unknown", f"missing value ({shown})"
    return ("pass" if bool(result.value[0]) else "fail"), shown


def evaluate_rule(
    rule: Rule,
    lesions: pd.DataFrame,
    patients: pd.DataFrame | None = None,
    *,
    strict: bool = False,
) -> pd.DataFrame:
    """Evaluate one rule for every patient of a lesion table.

    Parameters
    ----------
    rule : Rule
    lesions : DataFrame
        One row per lesion with :data:`LESION_COLUMNS` and the uptake columns the rule reads.
    patients : DataFrame, optional
        One row per patient (column ``patient``) with patient-level values (labs); otherwise
        these are read from the lesion table (first value per patient).
    strict : bool
        Raise if a column the rule needs is missing; otherwise the patients are "not
        evaluable" for the rule, with the missing columns as the reason.

    Returns
    -------
    DataFrame
        One row per patient: ``patient, rule, agent, status, eligible, reasons, citation``;
        ``status`` is ``eligible``, ``not eligible`` or ``not evaluable``; ``reasons`` lists
        every criterion as ``pass|fail|unknown|skipped id: text (details)``.
    """
    lesions = check_lesion_table(lesions)
    per_patient = _patients_frame(lesions, patients)
    available = set(lesions.columns) | set(per_patient.columns)
    missing = sorted(rule.names - available)
    if missing and strict:
        raise InputError(
            f"rule {rule.name} ({rule.path}): the lesion table has no column(s) "
            f"{', '.join(missing)}; add them or choose other rules"
        )
    rows = []
    groups = dict(tuple(lesions.groupby("patient", sort=False)))
    for patient, sub in groups.items():
        reasons: list[str] = []
        outcomes: list[Outcome] = []
        for crit in rule.criteria:
            absent = sorted(crit.names - available)
            if absent:
                outcome: Outcome = "skipped" if crit.optional else "unknown"
                detail = f"no column {', '.join(absent)}"
            elif crit.level == "lesion":
                outcome, detail = _lesion_outcome(crit, sub.reset_index(drop=True))
            else:
                outcome, detail = _patient_outcome(crit, per_patient.loc[[patient]])
            if outcome == "unknown" and crit.optional:
                outcome = "skipped"
            flag = "" if crit.verified else " [threshold not verified]"
            reasons.append(f"{outcome} {crit.id}: {crit.text}{flag} ({detail})")
            outcomes.append(outcome)
        if "fail" in outcomes:
            status = "not eligible"
        elif "unknown" in outcomes:
            status = "not evaluable"
        else:
            status = "eligible"
        rows.append(
            {
                "patient": patient,
                "rule": rule.name,
                "agent": rule.agent,
                "status": status,
                "eligible": status == "eligible",
                "reasons": reasons,
                "citation": rule.citation,
                "sources": _criterion_sources(rule),
            }
        )
    return pd.DataFrame(rows)


def _flag(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise InputError(f"{where}: write true or false (unquoted), not {value!r}")
    return value


def _criterion_sources(rule: Rule) -> dict[str, str]:
    """Criterion id -> citation of its threshold (``sources.csv`` key resolved), or "not
    verified" for a flagged criterion without a source."""
    from radiochain.clinical._data import sources

    known = sources()
    out: dict[str, str] = {}
    for crit in rule.criteria:
        if crit.source:
            out[crit.id] = known.get(crit.source, crit.source)
        elif not crit.verified:
            out[crit.id] = "not verified"
    return out


@dataclass
class Stratification:
    """Result of :func:`stratify`: one row per patient and rule."""

    table: pd.DataFrame
    rules: list[Rule] = field(default_factory=list)

    def eligible_agents(self) -> dict[str, list[str]]:
        """Agents each patient is eligible for."""
        if self.table.empty:
            return {}
        ok = self.table[self.table["eligible"]]
        return {
            str(p): sorted(set(ok.loc[ok["patient"] == p, "agent"]))
            for p in self.table["patient"].unique()
        }

    def to_dict(self) -> dict[str, object]:
        """JSON-ready result: ``results`` (one record per patient and rule: patient, rule,
        agent, status, eligible, reasons, citation, sources) and ``eligible_agents``."""
        records = json_ready(self.table.to_dict(orient="records"))
        return {"results": records, "eligible_agents": self.eligible_agents()}


def stratify(
    lesions: pd.DataFrame,
    rules: Sequence[Rule] | None = None,
    patients: pd.DataFrame | None = None,
    *,
    strict: bool = False,
    source: str = "lesion table",
    patients_source: str = "patient table",
) -> Stratification:
    """Evaluate selection rules for every patient.

    Parameters
    ----------
    lesions : DataFrame
        Lesion table (see :func:`evaluate_rule`).
    rules : sequence of Rule, optional
        Default: every bundled rule (:func:`builtin_rules`).
    patients : DataFrame, optional
        Patient-level values (labs).
    strict : bool
        Raise on a column a rule needs but the table lacks (use when rules were chosen
        explicitly).
    source, patients_source : str
        The files the tables come from, for messages.

    Raises
    ------
    InputError
        A table without rows or core columns, an empty identifier, text or a value that is
        not finite in a column the rules compare with numbers (file, row and field named).

    Examples
    --------
    >>> import pandas as pd
    >>> lesions = pd.DataFrame({"patient": ["p1", "p1"], "lesion": ["L1", "L2"],
    ...     "site": ["bone", "lymph_node"], "size_mm": [12, 30],
    ...     "suvmax_psma": [25.0, 14.0], "suv_liver": [5.0, 5.0]})
    >>> stratify(lesions, resolve_rules(["vision"])).table.loc[0, "status"]
    'eligible'
    """
    chosen = list(rules) if rules is not None else list(builtin_rules().values())
    lesions = _numeric_by_rule(check_lesion_table(lesions, source), chosen, source)
    if patients is not None:
        patients = check_patient_table(patients, patients_source)
        patients = _numeric_by_rule(patients, chosen, patients_source)
    frames = [evaluate_rule(r, lesions, patients, strict=strict) for r in chosen]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return Stratification(table=table, rules=chosen)


def missing_column_hints(
    rules: Sequence[Rule], lesions: pd.DataFrame, patients: pd.DataFrame | None, source: str
) -> list[str]:
    """Warnings for a column that rules read and the tables lack when a column of the tables
    that no rule reads looks like it (``SUVmax_PSMA``, ``ki67``): a misspelt header would
    otherwise make patients "not evaluable", or skip an optional criterion, without a word.

    Parameters
    ----------
    rules : sequence of Rule
    lesions, patients : DataFrame
        The lesion table and the optional patient table.
    source : str
        The lesion table's file, for the messages.

    Returns
    -------
    list of str
        One line per column, e.g. ``lesions.csv: no column 'suvmax_psma' (read by vision);
        did you mean 'SUVmax_PSMA'?``.
    """
    from radiochain.clinical.columns import similar

    available = set(lesions.columns) | (set(patients.columns) if patients is not None else set())
    read = {c for rule in rules for crit in rule.criteria for c in crit.names}
    unread = sorted(map(str, available - read))
    needed: dict[str, list[str]] = {}
    for rule in rules:
        for crit in rule.criteria:
            for column in sorted(crit.names - available):
                needed.setdefault(column, []).append(rule.name)
    hints = []
    for column, users in needed.items():
        match = similar(column, unread)
        if match is not None:
            by = ", ".join(dict.fromkeys(users))
            hints.append(f"{source}: no column {column!r} (read by {by}); did you mean {match!r}?")
    return hints
