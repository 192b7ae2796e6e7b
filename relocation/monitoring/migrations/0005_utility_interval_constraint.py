from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0004_utility_hourly_interval")]

    operations = [
        migrations.AddConstraint(
            model_name='utilityreading',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('hour__isnull', False), ('interval', 'hour')), models.Q(models.Q(('interval', 'hour'), _negated=True), ('hour__isnull', True)), _connector='OR'), name='utility_interval_matches_hour'),
        ),
    ]
