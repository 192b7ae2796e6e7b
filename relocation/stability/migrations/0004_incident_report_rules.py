"""The plan's first-report limits for incidents, by severity (clock hours):
特别重大 and 重大 1, 较大 2, 一般 24; and the deadline of incidents already
recorded (occurred + their severity's hours; those already in hand count as
reported when they moved on)."""

import datetime as dt

from django.db import migrations

HOURS = {"extraordinary": 1, "major": 1, "larger": 2, "general": 24}


def seed(apps, schema_editor):
    Rule = apps.get_model("stability", "IncidentReportRule")
    for severity, hours in HOURS.items():
        Rule.objects.get_or_create(severity=severity, defaults={"hours": hours})
    Incident = apps.get_model("stability", "Incident")
    Change = apps.get_model("stability", "IncidentStatusChange")
    for incident in Incident.objects.filter(report_due_at__isnull=True).iterator():
        incident.report_due_at = incident.occurred_at + dt.timedelta(hours=HOURS.get(incident.severity, 24))
        moved = Change.objects.filter(incident_id=incident.pk, from_status="reported").order_by("at").first()
        incident.first_report_at = moved.at if moved is not None else None
        incident.save(update_fields=["report_due_at", "first_report_at"])


def unseed(apps, schema_editor):
    apps.get_model("stability", "IncidentReportRule").objects.filter(severity__in=list(HOURS)).delete()


class Migration(migrations.Migration):
    dependencies = [("stability", "0003_incident_report_deadline")]

    operations = [migrations.RunPython(seed, unseed)]
