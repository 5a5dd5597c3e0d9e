"""What each new database connection is given (the connection_created signal).

- SQLite: the SQL functions it lacks and the rules use (rules.LocalMidnight).
- PostgreSQL: timestamps read by psycopg's C loader. Django registers a loader of its own
  for `timestamptz` that subclasses psycopg's pure-Python one (to attach its time zone),
  about 5 us a value; the C loader takes under 1 us. Every large read is mostly
  timestamps (a dashboard at 2,000 recruiters reads thousands), so this is most of the
  cost of turning rows into objects. Only where both agree on the zone: Django reads in
  UTC (USE_TZ) and the session's TimeZone is UTC, in which the C loader returns
  datetimes in datetime.UTC, as Django's does.
"""

import functools
from datetime import UTC


def prepare(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        from recruiters.rules import sqlite_local_midnight

        connection.connection.create_function(
            "callback_local_midnight", 2, sqlite_local_midnight, deterministic=True
        )
    elif connection.vendor == "postgresql" and connection.timezone == UTC:
        connection.connection.adapters.register_loader("timestamptz", fast_timestamptz_loader())


@functools.cache
def fast_timestamptz_loader():
    """A timestamptz loader that hands the text to psycopg's C loader. It says its time zone
    (`timezone`), as Django's does: Django checks it before each cursor, and would register
    its own again if the two differed."""
    import psycopg
    from psycopg.adapt import Loader

    c_loader = psycopg.adapters.get_loader(
        psycopg.postgres.types["timestamptz"].oid, psycopg.pq.Format.TEXT
    )

    class FastTimestamptzLoader(Loader):
        timezone = UTC

        def __init__(self, oid, context=None):
            super().__init__(oid, context)
            self._load = c_loader(oid, context).load

        def load(self, data):
            return self._load(data)

    return FastTimestamptzLoader
