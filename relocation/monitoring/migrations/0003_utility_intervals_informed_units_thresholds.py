
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0009_merge_search_indexes_and_production_status'),
        ('monitoring', '0002_seed_limits'),
        ('organisation', '0001_initial'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='utilityreading',
            name='utility_daily_unique',
        ),
        migrations.AddField(
            model_name='alert',
            name='informed_units',
            field=models.ManyToManyField(blank=True, related_name='informed_monitoring_alerts', to='organisation.unit', verbose_name='知会单位'),
        ),
        migrations.AddField(
            model_name='monitoringpolicy',
            name='absolute_thresholds',
            field=models.JSONField(blank=True, default=dict, verbose_name='无停产前数据时的绝对阈值'),
        ),
        migrations.AddField(
            model_name='utilityreading',
            name='interval',
            field=models.CharField(choices=[('hour', '小时'), ('day', '日'), ('month', '月')], default='day', max_length=8, verbose_name='计量周期'),
        ),
        migrations.AddConstraint(
            model_name='utilityreading',
            constraint=models.UniqueConstraint(condition=models.Q(('hour__isnull', True)), fields=('enterprise', 'kind', 'reading_date', 'interval'), name='utility_day_month_unique'),
        ),
    ]
