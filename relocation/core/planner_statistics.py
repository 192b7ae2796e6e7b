"""Keeping the database's planner statistics current after bulk writes.

PostgreSQL plans each query from statistics that ANALYZE gathers (normally
autovacuum, which may be off or lag behind). After a bulk load the planner
still believes the table is tiny and picks plans that sort or join every row
(the ledger list went from ~1 ms to ~30 ms per page with 10,000 fresh rows).
PostgreSQL's own advice for bulk loads is to ANALYZE afterwards; outside a
transaction we VACUUM too, which sets the visibility map so that counts can be
answered from an index alone. SQLite plans well without statistics and is left
alone.
"""

from __future__ import annotations

from django.db import connection, models


def refresh_statistics(*model_classes: type[models.Model]) -> None:
    if connection.vendor != "postgresql" or not model_classes:
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in model_classes)
    # VACUUM cannot run inside a transaction block; ANALYZE can (and sees the
    # transaction's own rows).
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        cursor.execute(f"{command} {tables}")
