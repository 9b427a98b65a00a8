"""``Network``: the supply chain as one pandas table per component type.

Tables and their columns are defined by the schema files (:mod:`radiochain.network.schema`);
``docs/network-reference.md`` lists them. Decay factors are never stored: they are derived from
the nuclear data when asked for (:meth:`Network.lane_decay_factors`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from radiochain.errors import MESSAGE_LIMIT, InputError, elide
from radiochain.network.parse import cell_text, empty_table, parse_table
from radiochain.network.problems import Place, Problem, Report
from radiochain.network.schema import TableSchema, schemas
from radiochain.physics.datasets import DEFAULT_DATASET, NuclearDataset, get_dataset
from radiochain.physics.decay import decay_factor

META_FILE = "network.yaml"
"""The metadata file of a network folder."""


class NetworkError(InputError):
    """A network has errors; ``problems`` lists them all (the message names the first and
    the count, on one line)."""

    def __init__(self, message: str, problems: list[Problem]) -> None:
        super().__init__(message)
        self.problems = problems

    @classmethod
    def from_problems(cls, where: str, problems: list[Problem]) -> NetworkError:
        """One line for a network with errors: where it is, how many errors, the first one
        (file, row, field), and the command that lists them all."""
        errors = [p for p in problems if p.level == "error"]
        shown = elide(where, 40)
        head = f"{shown}: the network has {len(errors)} error(s), first: "
        tail = f" (all of them: radiochain network validate {shown})"
        first = elide(str(errors[0]), MESSAGE_LIMIT - len(head) - len(tail)) if errors else "none"
        return cls(head + first + tail, errors)


class Network:
    """A radiopharmaceutical supply network.

    Parameters
    ----------
    name : str
    description : str
    timezone : str
        IANA time zone of the local times in the tables (e.g. ``Asia/Shanghai``).
    dataset : str
        Nuclear dataset for every decay factor (``radiochain`` or ``icrp107``).

    Examples
    --------
    >>> n = Network(name="demo", timezone="Asia/Shanghai")
    >>> n.add("sites", "pharmacy", kind="radiopharmacy", latitude_deg=31.2, longitude_deg=121.5)
    >>> n.sites.loc["pharmacy", "kind"]
    'radiopharmacy'
    """

    def __init__(
        self,
        *,
        name: str = "network",
        description: str = "",
        timezone: str = "UTC",
        dataset: str = DEFAULT_DATASET,
    ) -> None:
        self.name = name
        self.description = description
        self.timezone = timezone
        self.dataset_name = dataset
        self.extra_meta: dict[str, Any] = {}
        self._tables: dict[str, pd.DataFrame] = {t: empty_table(s) for t, s in schemas().items()}
        self.places: dict[str, Place] = {}
        """Where each table's rows are in the user's files (for messages)."""
        self.meta_place: tuple[str, str | None] = (META_FILE, None)
        """(file, row) of the metadata in messages: ``network.yaml`` or ``("net.json",
        "network")``."""
        self.cells: dict[str, pd.DataFrame] = {}
        """The cell text as the user wrote it, per table (row names as index, the file's
        columns); the writers give it back for every value that has not changed since."""
        self.as_read: dict[str, pd.DataFrame] = {}
        """The typed values the cells were read as (to tell which values changed since)."""
        self.meta_text: str | None = None
        """The text of ``network.yaml`` as read; written back while :meth:`meta` is as read."""
        self.meta_as_read: dict[str, Any] | None = None
        self.read_problems: list[Problem] = []
        self.origin: Path | None = None

    # tables ---------------------------------------------------------------------------------
    def __getattr__(self, name: str) -> pd.DataFrame:
        tables: dict[str, pd.DataFrame] | None = self.__dict__.get("_tables")
        if tables is not None and name in tables:
            return tables[name]
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """All component tables by name (``sites``, ``lanes``...)."""
        return self._tables

    def place(self, table: str) -> Place:
        """Where the rows of ``table`` are in the user's files (the table's CSV file and line
        numbers for a folder, places in the document for JSON)."""
        return self.places.get(table) or Place(self.schema(table).file)

    def keep_cells(self, table: str, cells: pd.DataFrame, typed: pd.DataFrame) -> None:
        """Remember the text ``cells`` of ``table`` (indexed by row name) and the values they
        were read as, so that writing gives the text back while a value is unchanged."""
        self.cells[table] = cells
        self.as_read[table] = typed.copy()

    def written(self, table: str, name: object, column: str) -> str | None:
        """The text of a cell as the user wrote it (stripped), or None when it is blank or
        not known (a row added in code with a number)."""
        cells = self.cells.get(table)
        if cells is None or column not in cells.columns or name not in cells.index:
            return None
        text = cells.at[name, column]
        return text.strip() if isinstance(text, str) and text.strip() else None

    def table_place(self, table: str) -> str:
        """Where a whole table is, for a message about it: ``demand.csv`` for a folder,
        ``net.json: tables.demand`` for a JSON file (e.g. ``f"{n.table_place('demand')} is
        empty"``)."""
        place = self.place(table)
        return f"{place.file}: {place.table_row}" if place.table_row else place.file

    @staticmethod
    def schema(table: str) -> TableSchema:
        """Schema of a table."""
        try:
            return schemas()[table]
        except KeyError:
            raise InputError(f"unknown table {table!r} (tables: {', '.join(schemas())})") from None

    def set_table(self, table: str, frame: pd.DataFrame) -> None:
        """Replace a table by an already typed frame (indexed by name)."""
        self.schema(table)
        self._tables[table] = frame

    @property
    def dataset(self) -> NuclearDataset:
        """The nuclear dataset of the network."""
        return get_dataset(self.dataset_name)

    def add(self, table: str, name: str, **attributes: Any) -> None:
        """Add one row; values may be numbers or text with units (``transit_time_h="90 min"``).

        Raises
        ------
        NetworkError
            A value does not parse, or the name exists already.
        """
        schema = self.schema(table)
        if name in self._tables[table].index:
            raise NetworkError(f"{schema.file}: {name!r} exists already", [])
        unknown = set(attributes) - set(schema.columns)
        if unknown:
            raise NetworkError(
                f"{schema.file}: unknown attribute(s) {', '.join(sorted(unknown))} "
                f"(known: {', '.join(schema.columns)})",
                [],
            )
        raw = pd.DataFrame(
            [{schema.index: name, **{k: cell_text(v) for k, v in attributes.items()}}], dtype=object
        )
        row, _, problems = parse_table(schema, raw, self.dataset, place=self.place(table))
        errors = [p for p in problems if p.level == "error"]
        if errors:
            raise NetworkError(str(errors[0]), errors)
        current = self._tables[table]
        self._tables[table] = row if current.empty else pd.concat([current, row])
        text = raw.set_axis(pd.Index([name], name=schema.index))
        if table in self.cells:  # the row's text joins the table's (values typed as given)
            text = pd.concat([self.cells[table], text]).fillna("")
            row = pd.concat([self.as_read[table], row])
        self.keep_cells(table, text, row)

    # derived quantities -----------------------------------------------------------------------
    def product_nuclides(self) -> pd.Series:
        """Nuclide of each product."""
        return self.products["nuclide"]

    def lane_decay_factors(self) -> pd.DataFrame:
        """Fraction of each product's activity left after each lane's transit, derived from the
        nuclear data (never typed in): rows lanes, columns products."""
        data = self.dataset
        half_lives = np.array(
            [data.half_life_s[data.lookup(n)] for n in self.products["nuclide"]], dtype=float
        )
        transit_s = self.lanes["transit_time_h"].to_numpy(dtype=float)[:, None] * 3600.0
        factors = decay_factor(half_lives[None, :], transit_s)
        return pd.DataFrame(factors, index=self.lanes.index, columns=self.products.index)

    # checks and I/O -----------------------------------------------------------------------------
    def validate(self) -> Report:
        """Every problem of the network (reading problems included)."""
        from radiochain.network.validate import validate_network

        return validate_network(self)

    def require_valid(self) -> Report:
        """Validate, and refuse a network with errors: what a workflow (plan, stress test)
        calls before it starts.

        Returns
        -------
        Report
            The report (warnings only) when there is no error.

        Raises
        ------
        NetworkError
            The network has errors; the message (one line) names the first error's file, row
            and field and the number of errors; ``problems`` holds them all.
        """
        report = self.validate()
        if not report.ok:
            where = str(self.origin) if self.origin is not None else self.name
            raise NetworkError.from_problems(where, report.errors)
        return report

    def meta(self) -> dict[str, Any]:
        """The contents of ``network.yaml``."""
        return {
            "name": self.name,
            "description": self.description,
            "timezone": self.timezone,
            "nuclear_dataset": self.dataset_name,
            **self.extra_meta,
        }

    def equals(self, other: Network) -> bool:
        """Same metadata and identical tables (values and dtypes)."""
        if self.meta() != other.meta():
            return False
        return all(self._tables[t].equals(other._tables[t]) for t in self._tables)

    def __repr__(self) -> str:
        counts = ", ".join(f"{t}={len(f)}" for t, f in self._tables.items() if len(f))
        return f"Network({self.name!r}, {counts})"
