"""The applicable limits are cached per point and the cache follows every
change: a limit row saved, bulk-updated or deleted, a permit added, the point's
own settings (standard, table, outlet) changed."""

from __future__ import annotations

from relocation.monitoring import evaluation, limits
from relocation.monitoring.models import LimitRow, MonitoringPoint, Standard
from relocation.monitoring.tests.test_evaluation import DAY, exceedances, hourly


def test_it_answers_a_point_again_from_the_cache(point, django_assert_num_queries):
    first = limits.applicable_limits(point)
    with django_assert_num_queries(1):  # the version only
        assert limits.applicable_limits(point) == first
    version = limits.limits_version()
    with django_assert_num_queries(0):  # a run that read the version once
        assert limits.applicable_limits(point, version=version) == first


def test_a_changed_limit_takes_effect_however_it_was_written(point):
    assert limits.applicable_limits(point)["w01018"].max_value == 80  # GB 21900 Table 2 COD
    row = LimitRow.objects.get(standard=point.standard, table="2", pollutant_code="w01018", location="final")
    row.max_value = 70
    row.save()
    assert limits.applicable_limits(point)["w01018"].max_value == 70
    LimitRow.objects.filter(pk=row.pk).update(max_value=60)  # no signal: the database trigger sees it
    assert limits.applicable_limits(point)["w01018"].max_value == 60
    row.delete()
    assert "w01018" not in limits.applicable_limits(point)


def test_a_new_permit_limit_and_a_changed_standard_take_effect(point):
    limits.applicable_limits(point)
    permit = Standard.objects.create(code="许可-9", title="排污许可", kind="permit", enterprise=point.enterprise)
    LimitRow.objects.create(
        standard=permit, table="permit", pollutant_code="w01018", pollutant_name="化学需氧量", max_value=50
    )
    assert limits.applicable_limits(point)["w01018"].max_value == 50
    Standard.objects.filter(pk=permit.pk).update(enterprise=None, kind="national")
    assert limits.applicable_limits(point)["w01018"].max_value == 80


def test_a_changed_point_gets_its_own_limits(point):
    assert "w20116" not in limits.applicable_limits(point)  # total Cr is judged at the workshop outlet
    MonitoringPoint.objects.filter(pk=point.pk).update(outlet_kind="workshop")
    point.refresh_from_db()
    assert limits.applicable_limits(point)["w20116"].max_value == 1.0


def test_the_evaluator_judges_against_the_changed_limit(point):
    hourly(point, {0: 75.0, 1: 75.0})
    evaluation.evaluate_all(now=DAY.replace(hour=1, minute=1))  # hour 0 judged against 80: good
    assert not exceedances(point).exists()
    LimitRow.objects.filter(standard=point.standard, table="2", pollutant_code="w01018").update(max_value=70)
    evaluation.evaluate_all(now=DAY.replace(hour=2, minute=1))  # hour 1 judged against 70
    alert = exceedances(point).get()
    assert alert.limit_value == 70 and alert.first_period == DAY.replace(hour=1)
