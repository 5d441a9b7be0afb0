"""A turn's hot statements, run straight on SQLite's cursor.

The statements of a turn's units of work are SQLAlchemy Core statements, built once with
bound parameters. On the database thread of `sqlite_units` (a `sqlite3` connection) they are
compiled once per connection and then run on the driver's own cursor: their bound values
pass through the columns' own type processors, their rows through the result processors,
and a driver error is raised as SQLAlchemy's (an `IntegrityError` stays one). What this
leaves out is SQLAlchemy's execution context per statement (events, result objects), which
cost several times what SQLite spends: with a CPU whose caches the Rasa turn has just
emptied, SQLAlchemy's path through a unit of work took about 0.5 ms, SQLite's 0.1 ms.

Everywhere else (PostgreSQL, the async fallback of an in-memory database) and for any
statement that needs SQLAlchemy at run time (a column default computed in Python), the
statement goes through `Connection.execute` as usual. The transaction stays SQLAlchemy's:
a statement run here first begins it (`BEGIN IMMEDIATE`, the engine's listener), and the
unit commits or rolls back through its `Connection`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import Executable, Select, UpdateBase

Processor = Callable[[Any], Any]
_COMPILED = "driver_statements"  # the key of each connection's compiled statements, in .info
_REQUIRED = object()


@dataclass(frozen=True)
class _Bind:
    name: str
    fixed: Any  # the statement's own value, or _REQUIRED (the caller gives it)
    process: Processor | None


@dataclass(frozen=True)
class _Driven:
    """A statement compiled for SQLite: its SQL, its parameters in order, its row makers."""

    sql: str
    binds: tuple[_Bind, ...]
    results: tuple[Processor | None, ...]

    def values(self, parameters: Mapping[str, Any]) -> tuple[Any, ...]:
        found = []
        for bind in self.binds:
            value = parameters.get(bind.name, bind.fixed)
            if value is _REQUIRED:
                raise KeyError(f"no value for the bound parameter {bind.name!r}")
            found.append(value if bind.process is None else bind.process(value))
        return tuple(found)

    def row(self, raw: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(
            value if process is None or value is None else process(value)
            for value, process in zip(raw, self.results, strict=True)
        )


def fetch(
    connection: Connection, statement: Executable, parameters: Mapping[str, Any]
) -> list[tuple[Any, ...]]:
    """The statement's rows (a SELECT, or DML with RETURNING), as tuples."""
    driven = _driven(connection, statement, parameters)
    if driven is None:
        return [tuple(row) for row in connection.execute(statement, dict(parameters))]
    return [driven.row(row) for row in _on_cursor(connection, driven, driven.values(parameters))]


def execute(connection: Connection, statement: Executable, parameters: Mapping[str, Any]) -> None:
    """Run a statement whose rows are not needed."""
    driven = _driven(connection, statement, parameters)
    if driven is None:
        connection.execute(statement, dict(parameters))
        return
    _on_cursor(connection, driven, driven.values(parameters))


def execute_many(
    connection: Connection, statement: Executable, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Run a statement once for each of `rows` (all with the same keys), reading nothing."""
    if not rows:
        return
    driven = _driven(connection, statement, rows[0])
    if driven is None:
        connection.execute(statement, [dict(row) for row in rows])
        return
    _on_cursor(connection, driven, [driven.values(row) for row in rows], many=True)


def _on_cursor(
    connection: Connection, driven: _Driven, values: Any, *, many: bool = False
) -> list[Any]:
    """Run the statement on the driver's cursor (for each of `values` when `many`); its
    rows, if it has any."""
    if not connection.in_transaction():
        connection.begin()  # the engine's listener sends BEGIN IMMEDIATE
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        if many:
            cursor.executemany(driven.sql, values)
        else:
            cursor.execute(driven.sql, values)
        return list(cursor.fetchall()) if cursor.description is not None else []
    except sqlite3.Error as exc:
        raise DBAPIError.instance(driven.sql, values, exc, sqlite3.Error) from exc
    finally:
        cursor.close()


def _sqlite(connection: Connection) -> sqlite3.Connection | None:
    driver = connection.connection.driver_connection
    return driver if isinstance(driver, sqlite3.Connection) else None


def _driven(
    connection: Connection, statement: Executable, parameters: Mapping[str, Any]
) -> _Driven | None:
    """The statement compiled for this SQLite connection (once); None where SQLAlchemy
    is to run it."""
    if _sqlite(connection) is None:
        return None
    compiled: dict[tuple[Executable, frozenset[str]], _Driven | None]
    compiled = connection.info.setdefault(_COMPILED, {})
    key = (statement, frozenset(parameters))
    if key not in compiled:
        compiled[key] = _compile(connection, statement, key[1])
    return compiled[key]


def _compile(connection: Connection, statement: Executable, keys: frozenset[str]) -> _Driven | None:
    dialect = connection.dialect
    compiled = statement.compile(dialect=dialect, column_keys=sorted(keys))  # type: ignore[attr-defined]
    if not isinstance(compiled, SQLCompiler) or compiled.positiontup is None:
        return None
    if compiled.insert_prefetch or compiled.update_prefetch or compiled.literal_execute_params:
        return None  # a default computed in Python, or a value rendered into the SQL
    binds = []
    for name in compiled.positiontup:
        bind = compiled.binds[name]
        fixed = bind.effective_value if name not in keys and not bind.required else _REQUIRED
        binds.append(_Bind(name, fixed, bind.type.dialect_impl(dialect).bind_processor(dialect)))
    columns: Sequence[Any] = ()
    if isinstance(statement, Select):
        columns = list(statement.selected_columns)
    elif isinstance(statement, UpdateBase):
        columns = list(statement.exported_columns)
    results = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
    )
    return _Driven(compiled.string, tuple(binds), results)
