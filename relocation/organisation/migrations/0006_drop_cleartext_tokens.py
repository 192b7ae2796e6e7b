"""Drop DRF authtoken's table: it held every API key in clear text.

Existing tokens cannot be converted (a digest of a leaked key is still the leaked key): their owners
issue new ones on the token page. Irreversible by design; the reverse step does nothing."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("organisation", "0005_api_token_hashed")]

    operations = [
        migrations.RunSQL(
            [
                "DROP TABLE IF EXISTS authtoken_token",
                "DELETE FROM django_migrations WHERE app = 'authtoken'",
            ],
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
