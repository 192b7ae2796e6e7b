"""Compiling, editing, issuing and reading the monthly bulletin."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from relocation.core.errors import ConflictError, PermissionDeniedError, ServiceError
from relocation.meetings import official
from relocation.meetings.tests.test_decisions import embedded_font_names
from relocation.reporting import services
from relocation.reporting.models import Bulletin, BulletinReceipt, BulletinRecipient
from relocation.reporting.tasks import compile_monthly_bulletins


@pytest.mark.django_db
def test_it_compiles_enterprises_tasks_and_overdue_by_unit(bulletin):
    figures = bulletin.figures
    by_status = {i["key"]: i["count"] for i in figures["enterprises"]["by_status"]}
    assert figures["enterprises"]["total"] == 2 and by_status["relocated"] == 1 and by_status["closed"] == 0
    units = {u["unit"]: u for u in figures["tasks"]["by_unit"]}
    assert units["虎门镇"]["due"] == 2 and units["虎门镇"]["on_time"] == 1 and units["虎门镇"]["rate"] == 50.0
    assert units["市生态环境局"]["on_time"] == 0  # verified two days late
    assert [t["title"] for t in figures["tasks"]["overdue_list"]] == ["虎门镇逾期任务"]
    assert [s.key for s in bulletin.sections.all()][:2] == ["overview", "enterprises"]
    assert "纳入台账企业2家" in bulletin.sections.get(key="overview").text


def _move(enterprise, actor, src, dst, day):
    from relocation.enterprises.models import StatusChange

    StatusChange.objects.create(
        enterprise=enterprise,
        from_status=src,
        to_status=dst,
        actor=actor,
        at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))),
        reason="x",
    )


@pytest.mark.django_db
def test_closures_this_month_come_from_the_lifecycle_history(programme, hq_staff, make_enterprise):
    with time_machine.travel(dt.datetime(2022, 1, 5, 2, tzinfo=dt.UTC)):
        enterprise = make_enterprise(name="东莞市关停样本电镀厂", status="closed")
    _move(enterprise, hq_staff, "closure_verified", "closed", dt.date(2022, 3, 10))
    bulletin = services.bulletin_compile(actor=hq_staff, programme=programme, year=2022, month=3)
    moves = bulletin.figures["moves"]
    # Already stopped before March (closure_verified): closed for good in March, not a new closure.
    assert moves["closures"] == 0 and moves["closed_for_good"] == 1
    assert moves["items"][0]["name"] == "东莞市关停样本电镀厂" and moves["items"][0]["on"] == "2022-03-10"
    other = services.bulletin_compile(actor=hq_staff, programme=programme, year=2022, month=4)
    assert other.figures["moves"]["closed_for_good"] == 0 and other.figures["moves"]["items"] == []


@pytest.mark.django_db
def test_an_enterprise_that_moves_three_times_in_a_month_is_one_closure(programme, hq_staff, make_enterprise):
    """已停产 → 关停已核验 → 已关停退出 in March: one closure, one enterprise
    closed for good, one line in the list; 强制关停中 is not a closure."""
    with time_machine.travel(dt.datetime(2022, 1, 5, 2, tzinfo=dt.UTC)):
        thrice = make_enterprise(name="三次变更电镀厂", status="closed")
        forced = make_enterprise(name="强制关停中印染厂", status="forced_closure")
    _move(thrice, hq_staff, "destination_confirmed", "production_stopped", dt.date(2022, 3, 2))
    _move(thrice, hq_staff, "production_stopped", "closure_verified", dt.date(2022, 3, 9))
    _move(thrice, hq_staff, "closure_verified", "closed", dt.date(2022, 3, 20))
    _move(forced, hq_staff, "surveyed", "holdout", dt.date(2022, 2, 1))
    _move(forced, hq_staff, "holdout", "forced_closure", dt.date(2022, 3, 25))
    with time_machine.travel(dt.datetime(2022, 4, 6, 2, tzinfo=dt.UTC)):
        bulletin = services.bulletin_compile(actor=hq_staff, programme=programme, year=2022, month=3)
    moves = bulletin.figures["moves"]
    assert (moves["closures"], moves["closed_for_good"], moves["forced_closures"], moves["relocations"]) == (1, 1, 1, 0)
    assert [i["name"] for i in moves["items"]] == ["三次变更电镀厂", "强制关停中印染厂"]
    summary = bulletin.figures["enterprises"]["summary"]
    assert summary["stopped"] == 1 and summary["forced_closures"] == 1 and summary["done"] == 1
    overview = bulletin.sections.get(key="overview").text
    assert "已关停（停产到位）1家" in overview and "本月新增关停1家" in overview
    assert "强制关停实施中1家" in overview


@pytest.mark.django_db
def test_the_overview_names_the_programmes_zone(programme, hq_staff, make_enterprise):
    programme.zone_name = "某某工业园甲片区"
    programme.save(update_fields=["zone_name"])
    make_enterprise()
    bulletin = services.bulletin_compile(actor=hq_staff, programme=programme, year=2022, month=3)
    overview = bulletin.sections.get(key="overview").text
    assert "某某工业园甲片区纳入台账企业" in overview and "基地B区" not in overview


@pytest.mark.django_db
def test_stages_and_categories_are_named_apart(programme, hq_staff, make_enterprise):
    from relocation.enterprises.models import Category

    holdouts, _created = Category.objects.get_or_create(code="holdout", defaults={"name": "钉子户", "order": 10})
    with time_machine.travel(dt.datetime(2022, 1, 5, 2, tzinfo=dt.UTC)):
        make_enterprise(status="holdout", category=holdouts)
    bulletin = services.bulletin_compile(actor=hq_staff, programme=programme, year=2022, month=3)
    text = bulletin.sections.get(key="enterprises").text
    assert "按搬迁进度阶段：拒不关停搬迁1家" in text
    assert "按管理分类（与进度阶段相互独立）：钉子户1家" in text


@pytest.mark.django_db
def test_it_counts_enterprises_by_category_and_batch(programme, hq_staff, make_enterprise):
    from relocation.enterprises.models import Batch, RelocationPlan

    first = Batch.objects.create(programme=programme, name="第一批", order=1, deadline=dt.date(2022, 3, 31))
    with time_machine.travel(dt.datetime(2022, 1, 5, 2, tzinfo=dt.UTC)):
        RelocationPlan.objects.create(enterprise=make_enterprise(), batch=first)
        make_enterprise()
    bulletin = services.bulletin_compile(actor=hq_staff, programme=programme, year=2022, month=3)
    batches = {i["label"]: i["count"] for i in bulletin.figures["enterprises"]["by_batch"]}
    assert batches == {"第一批": 1, "未分批": 1}
    assert "by_category" in bulletin.figures["enterprises"]
    assert "按批次：第一批1家，未分批1家。" in bulletin.sections.get(key="enterprises").text


@pytest.mark.django_db
def test_compiling_again_keeps_the_text_hq_edited(bulletin, hq_staff, make_enterprise, programme):
    section = bulletin.sections.get(key="overview")
    services.section_update(
        actor=hq_staff, section=section, text="指挥部改写的总体情况。", expected_version=section.version
    )
    with time_machine.travel(dt.datetime(2022, 1, 20, 2, tzinfo=dt.UTC)):
        make_enterprise()  # entered in the ledger in January, after the first compile
    again = services.bulletin_compile(actor=hq_staff, programme=programme, year=2022, month=1)
    assert again.pk == bulletin.pk and Bulletin.objects.count() == 1
    assert again.sections.get(key="overview").text == "指挥部改写的总体情况。"
    assert again.figures["enterprises"]["total"] == 3  # figures refreshed
    assert "3家" in again.sections.get(key="enterprises").text or again.sections.get(key="enterprises").text


@pytest.mark.django_db
def test_a_stale_section_edit_is_refused(bulletin, hq_staff):
    section = bulletin.sections.get(key="next_steps")
    services.section_update(actor=hq_staff, section=section, text="甲", expected_version=1)
    with pytest.raises(ConflictError):
        services.section_update(
            actor=hq_staff, section=bulletin.sections.get(key="next_steps"), text="乙", expected_version=1
        )


@pytest.mark.django_db
def test_issuing_makes_word_and_pdf_and_sends_to_units_with_leaders_in_copy(
    bulletin, hq_staff, liaison, unit_leader, group_leader
):
    from relocation.core.models import Notification

    services.bulletin_issue(actor=hq_staff, bulletin=bulletin)
    bulletin = Bulletin.objects.get(pk=bulletin.pk)
    assert bulletin.status == "issued" and bulletin.document_number.startswith("搬迁通报〔")
    text = official.docx_text(bytes(bulletin.docx))
    assert bulletin.title in text and bulletin.document_number in text and "虎门镇逾期任务" in text
    import io

    from docx import Document

    assert Document(io.BytesIO(bytes(bulletin.docx))).inline_shapes  # the charts, as pictures
    assert any(b"CJK" in name for name in embedded_font_names(bytes(bulletin.pdf)))
    kinds = dict(BulletinRecipient.objects.filter(bulletin=bulletin).values_list("user__username", "kind"))
    assert kinds == {"humen_liaison": "main", "humen_leader": "main", "group_leader": "copy"}
    assert Notification.objects.filter(verb="bulletin.issued").count() == 3
    with pytest.raises(ServiceError):
        services.bulletin_issue(actor=hq_staff, bulletin=bulletin)
    with pytest.raises(ServiceError):
        services.bulletin_compile(actor=hq_staff, programme=bulletin.programme, year=2022, month=1)


@pytest.mark.django_db
def test_a_receipt_is_recorded_on_first_open_only(bulletin, hq_staff, liaison):
    services.bulletin_issue(actor=hq_staff, bulletin=bulletin)
    bulletin.refresh_from_db()
    with time_machine.travel(dt.datetime(2022, 2, 10, 2, tzinfo=dt.UTC), tick=False):
        first = services.receipt_record(user=liaison, bulletin=bulletin)
    services.receipt_record(user=liaison, bulletin=bulletin)
    assert BulletinReceipt.objects.filter(bulletin=bulletin, user=liaison).count() == 1
    assert BulletinReceipt.objects.get().opened_at == first.opened_at


@pytest.mark.django_db
def test_units_cannot_compile_or_issue(programme, liaison, bulletin):
    with pytest.raises(PermissionDeniedError):
        services.bulletin_compile(actor=liaison, programme=programme, year=2022, month=1)
    with pytest.raises(PermissionDeniedError):
        services.bulletin_issue(actor=liaison, bulletin=bulletin)


@pytest.mark.django_db
def test_the_job_compiles_last_month_on_the_first_working_day_after_spring_festival(programme, units, hq_staff):
    """Feb 2022: the 1st–6th are Spring Festival holidays; the first working day is the 7th."""
    for day in (1, 4, 6):
        with time_machine.travel(dt.datetime(2022, 2, day, 1, tzinfo=dt.UTC), tick=False):
            compile_monthly_bulletins.call_local()
    assert not Bulletin.objects.exists()
    with time_machine.travel(dt.datetime(2022, 2, 7, 1, tzinfo=dt.UTC), tick=False):
        compile_monthly_bulletins.call_local()
        compile_monthly_bulletins.call_local()
    bulletin = Bulletin.objects.get()
    assert (bulletin.year, bulletin.month, bulletin.status) == (2022, 1, "draft")
    assert timezone.localtime(bulletin.compiled_at).date() == dt.date(2022, 2, 7)


@pytest.mark.django_db
def test_a_past_months_status_counts_are_read_back_from_the_history(programme, hq_staff, make_enterprise):
    """Compiled in May, March's bulletin counts the enterprise as it stood at the end of March."""
    with time_machine.travel(dt.datetime(2022, 1, 5, 2, tzinfo=dt.UTC)):
        enterprise = make_enterprise(status="closed")
    _move(enterprise, hq_staff, "surveyed", "production_stopped", dt.date(2022, 3, 20))
    _move(enterprise, hq_staff, "production_stopped", "closed", dt.date(2022, 4, 20))
    with time_machine.travel(dt.datetime(2022, 5, 16, 2, tzinfo=dt.UTC)):
        counts = lambda b: {i["key"]: i["count"] for i in b.figures["enterprises"]["by_status"] if i["count"]}  # noqa: E731
        feb = services.bulletin_compile(actor=hq_staff, programme=programme, year=2022, month=2)
        march = services.bulletin_compile(actor=hq_staff, programme=programme, year=2022, month=3)
        april = services.bulletin_compile(actor=hq_staff, programme=programme, year=2022, month=4)
    assert counts(feb) == {"surveyed": 1}
    assert counts(march) == {"production_stopped": 1}
    assert counts(april) == {"closed": 1}
