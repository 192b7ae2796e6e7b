
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0010_closure_overrides'),
        ('monitoring', '0005_utility_interval_constraint'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ToxicChemical',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('name', models.CharField(max_length=64, unique=True, verbose_name='化学品名称')),
                ('cas_number', models.CharField(max_length=16, unique=True, verbose_name='CAS号')),
                ('synonyms', models.JSONField(blank=True, default=list, verbose_name='别名')),
                ('source', models.CharField(blank=True, max_length=100, verbose_name='依据')),
                ('is_active', models.BooleanField(default=True, verbose_name='启用')),
            ],
            options={
                'verbose_name': '剧毒化学品目录',
                'verbose_name_plural': '剧毒化学品目录',
                'ordering': ['name'],
            },
        ),
        migrations.AddField(
            model_name='toxicmovement',
            name='filing_no',
            field=models.CharField(blank=True, max_length=64, verbose_name='公安备案编号'),
        ),
        migrations.AddField(
            model_name='toxicmovement',
            name='permit_no',
            field=models.CharField(blank=True, max_length=64, verbose_name='购买许可证编号'),
        ),
        migrations.AddField(
            model_name='toxicmovement',
            name='reason',
            field=models.CharField(blank=True, max_length=300, verbose_name='冲销理由'),
        ),
        migrations.AddField(
            model_name='toxicmovement',
            name='reverses',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reversed_by', to='monitoring.toxicmovement', verbose_name='冲销的台账行'),
        ),
        migrations.AddField(
            model_name='toxicmovement',
            name='substance',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='movements', to='monitoring.toxicchemical', verbose_name='目录条目'),
        ),
        migrations.AddConstraint(
            model_name='toxicmovement',
            constraint=models.CheckConstraint(condition=models.Q(('reverses__isnull', True), models.Q(('reason', ''), _negated=True), _connector='OR'), name='toxic_reversal_has_reason'),
        ),
    ]
