"""PostgreSQL only: a trigram GIN index on search_text so that the ledger's
substring search (`search_text LIKE '%term%'`, Chinese included) uses an index
instead of scanning the table. SQLite has no equivalent and skips this."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS enterprise_search_trgm "
        "ON enterprises_enterprise USING gin (search_text gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS enterprise_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0004_ledger_seed_categories")]

    operations = [migrations.RunPython(forwards, backwards)]
