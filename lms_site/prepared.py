"""Queries the ORM builds once per shape; each later call only binds new values.

A query with many conditions costs more to build than to run: the page header's unread keys
(notifications.selectors.unread_keys) took 4.7 ms of Python in the ORM (filters, subqueries, the
compiler) and 0.04 ms in SQLite (docs/performance.md, "Stampede"). The ORM has no bind parameters
of its own, so a `Prepared` query builds the QuerySet once with a stand-in for each value, finds
the stand-ins among the compiled SQL's parameters, and from then on runs that SQL with the real
values in their places. The rule the QuerySet encodes stays written once, in the ORM.

Values are ints, strings, aware datetimes, or tuples of strings (for an `__in`; its length is part
of the shape, so one SQL per length). Anything that changes the SQL's text otherwise must not be a
value: building refuses a stand-in it cannot find among the parameters (a value inlined into the
text, or transformed, as `startswith` does), rather than run a query that would ignore it.
"""

import datetime
import threading
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

Value = int | str | datetime.datetime | tuple[str, ...]

# Stand-ins no real value takes: ids are positive, topics and names are printable, no account
# was made in the 1800s.
_INT_BASE = -(10**15)
_EPOCH = datetime.datetime(1800, 1, 1, tzinfo=datetime.UTC)


class Prepared:
    """`build(**values)` returns a QuerySet whose rows need no conversion from the database (ints
    and strings, as `values_list` of such columns gives them); `rows(**values)` runs it."""

    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self.compiled: dict[tuple, tuple[str, list]] = {}  # (alias, shape) -> (SQL, binders)
        self.lock = threading.Lock()

    def rows(self, *, using: str = DEFAULT_DB_ALIAS, **values: Value) -> list[tuple]:
        shape = (using, *sorted((name, len(v) if isinstance(v, tuple) else None) for name, v in values.items()))
        compiled = self.compiled.get(shape)
        if compiled is None:
            with self.lock:
                compiled = self.compiled.get(shape) or self._compile(using, values)
                self.compiled[shape] = compiled
        sql, binders = compiled
        adapt = connections[using].ops.adapt_datetimefield_value
        params = [binder(values, adapt) for binder in binders]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _compile(self, using: str, values: dict[str, Value]) -> tuple[str, list]:
        adapt = connections[using].ops.adapt_datetimefield_value
        stand_ins = {}
        places = {}  # a stand-in as the SQL's parameters hold it -> (name, index, whether adapted)
        for name, value in values.items():
            stand_ins[name] = _stand_in(name, value, len(places))
            items = stand_ins[name] if isinstance(value, tuple) else (stand_ins[name],)
            for index, item in enumerate(items):
                place = index if isinstance(value, tuple) else None
                if isinstance(item, datetime.datetime):
                    places[adapt(item)] = (name, place, True)  # as a DateTimeField's lookup adapts it
                else:
                    places[item] = (name, place, False)
        compiler = self.build(**stand_ins).query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        if compiler.get_converters([column for column, _, _ in compiler.select]):
            raise TypeError(f"{self.build.__name__}: its columns need converting; Prepared returns raw rows")
        binders, bound = [], set()
        for param in params:
            place = places.get(param) if isinstance(param, int | str | datetime.datetime) else None
            binders.append(_constant(param) if place is None else _bind(*place))
            bound.add(place)
        missing = sorted(
            f"{name}[{index}]" if index is not None else name for name, index, _ in set(places.values()) - bound
        )
        if missing:
            raise ValueError(f"{self.build.__name__}: values not among the SQL's parameters: {', '.join(missing)}")
        return sql, binders


def _stand_in(name: str, value: Value, serial: int):
    if isinstance(value, bool):
        raise TypeError(f"{name}: a flag changes the SQL's text; make it part of what is built, not a value")
    if isinstance(value, int):
        return _INT_BASE - serial
    if isinstance(value, str):
        return f"\x00{name}"
    if isinstance(value, datetime.datetime):
        return _EPOCH + datetime.timedelta(microseconds=serial + 1)
    if isinstance(value, tuple):
        return tuple(f"\x00{name}\x00{index}" for index in range(len(value)))
    raise TypeError(f"{name}: {type(value).__name__} is not a value Prepared binds")


def _constant(param):
    return lambda values, adapt: param


def _bind(name: str, index: int | None, adapted: bool):
    def bind(values, adapt):
        value = values[name] if index is None else values[name][index]
        if not adapted:
            return value
        if value.utcoffset() is None:  # the ORM would read it in the current time zone first
            raise ValueError(f"{name}: a naive datetime; Prepared binds aware ones")
        return adapt(value)

    return bind
