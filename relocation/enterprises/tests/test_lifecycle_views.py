"""The lifecycle pages: each works for the right persona, refuses the wrong
one, and keeps a fixed number of queries as rows grow."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relocation.conftest import make_user
from relocation.core.roles import Role
from relocation.enterprises import batches, commitments, lifecycle
from relocation.enterprises.models import (
    ClosureCheck,
    CommitmentDateChange,
    CommitmentLetter,
    LetterStatus,
    LifecycleStatus,
    StatusChange,
)
from relocation.enterprises.tests.lifecycle_fixtures import put_in, satisfy_guards
from relocation.enterprises.tests.uploads_fixtures import pdf, photo
from relocation.supervision.models import Task

S = LifecycleStatus


@pytest.fixture
def batch(hq_staff, programme):
    return batches.batch_create(actor=hq_staff, programme=programme, name="第一批", deadline=dt.date(2021, 12, 31))


@pytest.fixture
def letter(hq_staff, enterprise):
    return commitments.letter_generate(
        actor=hq_staff, enterprise=enterprise, committed_shutdown_on=dt.date(2021, 12, 31)
    )


# ------------------------------------------------------------ the enterprise section


@pytest.mark.django_db
def test_the_enterprise_page_shows_stage_next_step_and_moves(client, liaison, enterprise):
    enterprise.intention = "move_to_park"
    enterprise.save()
    client.force_login(liaison)
    page = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert 'id="lifecycle"' in page and "走访登记搬迁意向" in page
    assert 'data-move="intention_recorded"' in page and 'data-move="holdout"' in page
    assert "生成承诺书" in page


@pytest.mark.django_db
def test_a_move_from_the_page_is_recorded(client, liaison, enterprise):
    enterprise.intention = "move_to_park"
    enterprise.save()
    client.force_login(liaison)
    response = client.post(
        reverse("enterprises:lifecycle_move", args=[enterprise.pk]),
        {"target": S.INTENTION_RECORDED, "reason": "走访确认意向", "evidence": pdf("走访记录.pdf")},
    )
    assert response.status_code == 302
    change = StatusChange.objects.get(enterprise=enterprise)
    assert change.to_status == S.INTENTION_RECORDED and change.evidence.original_name == "走访记录.pdf"
    page = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert "走访确认意向" in page


@pytest.mark.django_db
def test_an_illegal_move_from_the_page_shows_the_reason(client, hq_staff, enterprise):
    client.force_login(hq_staff)
    response = client.post(
        reverse("enterprises:lifecycle_move", args=[enterprise.pk]), {"target": S.RELOCATED, "reason": "x"}, follow=True
    )
    assert "不能从“已摸查”变更为“已搬迁投产”" in response.content.decode()


@pytest.mark.django_db
def test_another_unit_cannot_move_from_the_page(client, outsider, enterprise):
    enterprise.intention = "close"
    enterprise.save()
    client.force_login(outsider)
    response = client.post(
        reverse("enterprises:lifecycle_move", args=[enterprise.pk]), {"target": S.INTENTION_RECORDED, "reason": "x"}
    )
    assert response.status_code == 403
    assert not StatusChange.objects.exists()


@pytest.mark.django_db
def test_the_detail_page_query_count_does_not_grow_with_history(client, hq_staff, units, enterprise):
    satisfy_guards(enterprise, units, hq_staff)
    client.force_login(hq_staff)
    lifecycle.enterprise_transition(actor=hq_staff, enterprise=enterprise, target=S.HOLDOUT, reason="1")
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("enterprises:detail", args=[enterprise.pk]))
    for i in range(5):
        lifecycle.enterprise_transition(
            actor=hq_staff, enterprise=enterprise, target=S.INTENTION_RECORDED, reason=str(i)
        )
        lifecycle.enterprise_transition(actor=hq_staff, enterprise=enterprise, target=S.HOLDOUT, reason=str(i))
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("enterprises:detail", args=[enterprise.pk]))
    assert len(large) == len(small)


# ------------------------------------------------------------ closure checklist


@pytest.mark.django_db
def test_the_unit_confirms_a_closure_item_with_a_photo(client, units, enterprise):
    water = make_user("water_liaison", Role.UNIT_LIAISON, units["water"])
    put_in(enterprise, S.PRODUCTION_STOPPED)
    client.force_login(water)
    page = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert reverse("enterprises:closure_confirm", args=[enterprise.pk, "water_cut"]) in page
    assert reverse("enterprises:closure_confirm", args=[enterprise.pk, "power_cut"]) not in page
    response = client.post(
        reverse("enterprises:closure_confirm", args=[enterprise.pk, "water_cut"]),
        {"photos": [photo("水表.jpg"), photo("阀门.jpg")], "note": "已拆表"},
    )
    assert response.status_code == 302
    check = ClosureCheck.objects.get(enterprise=enterprise)
    assert check.photos.count() == 2


@pytest.mark.django_db
def test_hq_cannot_confirm_a_closure_item(client, hq_staff, enterprise):
    put_in(enterprise, S.PRODUCTION_STOPPED)
    client.force_login(hq_staff)
    response = client.post(
        reverse("enterprises:closure_confirm", args=[enterprise.pk, "water_cut"]), {"photos": [photo()]}
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_wrong_unit_cannot_confirm_a_closure_item(client, outsider, enterprise):
    put_in(enterprise, S.PRODUCTION_STOPPED)
    client.force_login(outsider)
    response = client.post(
        reverse("enterprises:closure_confirm", args=[enterprise.pk, "water_cut"]), {"photos": [photo()]}
    )
    assert response.status_code == 403
    assert not ClosureCheck.objects.exists()


# ------------------------------------------------------------ overview, overdue, forced closure


@pytest.mark.django_db
def test_the_overview_counts_stages_and_batches(client, hq_staff, batch, make_enterprise):
    a, b = make_enterprise(), make_enterprise()
    put_in(b, S.CLOSED)
    batches.batch_assign(actor=hq_staff, batch=batch, enterprises=[a, b])
    client.force_login(hq_staff)
    response = client.get(reverse("enterprises:lifecycle_overview"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-stage="closed">1<' in page and "第一批" in page and "50%" in page
    assert "部署动员" in page or "mobilisation" in page


@pytest.mark.django_db
def test_an_enterprise_contact_cannot_see_the_overview(client, enterprise_contact):
    client.force_login(enterprise_contact)
    assert client.get(reverse("enterprises:lifecycle_overview")).status_code == 403


@pytest.mark.django_db
def test_the_overview_query_count_does_not_grow_with_batches(client, hq_staff, programme, make_enterprise):
    client.force_login(hq_staff)
    first = batches.batch_create(actor=hq_staff, programme=programme, name="b0", deadline=dt.date(2022, 1, 1))
    batches.batch_assign(actor=hq_staff, batch=first, enterprises=[make_enterprise()])
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("enterprises:lifecycle_overview"))
    for i in range(1, 6):
        b = batches.batch_create(actor=hq_staff, programme=programme, name=f"b{i}", deadline=dt.date(2022, 1, 1))
        batches.batch_assign(actor=hq_staff, batch=b, enterprises=[make_enterprise(), make_enterprise()])
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("enterprises:lifecycle_overview"))
    assert len(large) == len(small)


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2022, 1, 10, 9, 0), tick=False)
def test_hq_starts_forced_closure_from_the_overdue_page(client, hq_staff, batch, make_enterprise):
    late = make_enterprise(name="逾期电镀厂")
    batches.batch_assign(actor=hq_staff, batch=batch, enterprises=[late])
    client.force_login(hq_staff)
    page = client.get(reverse("enterprises:lifecycle_overdue")).content.decode()
    assert "逾期电镀厂" in page
    ledger = client.get(reverse("enterprises:list")).content.decode()
    assert 'data-overdue="1"' in ledger
    url = reverse("enterprises:lifecycle_forced_closure", args=[late.pk])
    # The confirmation step: a page with the decision number, the reason and a confirmation box.
    confirm = client.get(url + "?next=overdue").content.decode()
    assert 'id="forced-closure-form"' in confirm and 'name="confirm"' in confirm
    # Without the confirmation or the decision number nothing happens.
    for data in (
        {"reason": "逾期未关停", "decision_ref": "指挥部〔2022〕1号"},
        {"reason": "逾期未关停", "confirm": "on"},
    ):
        assert client.post(url, data).status_code == 200
    late.refresh_from_db()
    assert late.status == S.SURVEYED
    response = client.post(
        url, {"reason": "逾期未关停", "decision_ref": "指挥部〔2022〕1号", "confirm": "on", "next": "overdue"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("enterprises:lifecycle_overdue")
    late.refresh_from_db()
    assert late.status == S.FORCED_CLOSURE
    assert Task.objects.filter(enterprise_id=late.pk).count() == 2
    assert "逾期电镀厂" not in client.get(reverse("enterprises:lifecycle_overdue")).content.decode()


@pytest.mark.django_db
def test_a_unit_cannot_see_the_overdue_page(client, liaison):
    client.force_login(liaison)
    assert client.get(reverse("enterprises:lifecycle_overdue")).status_code == 403


@pytest.mark.django_db
def test_a_unit_cannot_start_forced_closure(client, liaison, enterprise):
    client.force_login(liaison)
    response = client.post(reverse("enterprises:lifecycle_forced_closure", args=[enterprise.pk]), {"reason": "x"})
    assert response.status_code == 403
    assert not Task.objects.exists()


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2022, 1, 10, 9, 0), tick=False)
def test_the_overdue_page_query_count_does_not_grow(client, hq_staff, batch, make_enterprise):
    client.force_login(hq_staff)
    batches.batch_assign(actor=hq_staff, batch=batch, enterprises=[make_enterprise()])
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("enterprises:lifecycle_overdue"))
    batches.batch_assign(actor=hq_staff, batch=batch, enterprises=[make_enterprise() for _ in range(10)])
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("enterprises:lifecycle_overdue"))
    assert len(large) == len(small)


# ------------------------------------------------------------ batches


@pytest.mark.django_db
def test_hq_creates_a_batch_and_assigns_enterprises_in_bulk(client, hq_staff, make_enterprise):
    a, b = make_enterprise(), make_enterprise()
    client.force_login(hq_staff)
    response = client.post(
        reverse("enterprises:batch_list"), {"name": "第二批", "deadline": "2022-03-31", "order": 2, "description": ""}
    )
    assert response.status_code == 302
    from relocation.enterprises.models import Batch

    batch = Batch.objects.get(name="第二批")
    url = reverse("enterprises:batch_detail", args=[batch.pk])
    assert a.name in client.get(url).content.decode()
    client.post(url, {"enterprise": [a.pk, b.pk], "action": "add"})
    assert set(batch.plans.values_list("enterprise_id", flat=True)) == {a.pk, b.pk}
    client.post(url, {"enterprise": [b.pk], "action": "remove"})
    assert set(batch.plans.values_list("enterprise_id", flat=True)) == {a.pk}


@pytest.mark.django_db
def test_a_unit_cannot_create_or_fill_batches(client, outsider, batch, enterprise):
    client.force_login(outsider)
    assert client.post(reverse("enterprises:batch_list"), {"name": "x", "deadline": "2022-01-01"}).status_code == 403
    url = reverse("enterprises:batch_detail", args=[batch.pk])
    assert client.post(url, {"enterprise": [enterprise.pk]}).status_code == 403


@pytest.mark.django_db
def test_an_enterprise_contact_cannot_see_batches(client, enterprise_contact, batch):
    client.force_login(enterprise_contact)
    assert client.get(reverse("enterprises:batch_list")).status_code == 403
    assert client.get(reverse("enterprises:batch_detail", args=[batch.pk])).status_code == 403


@pytest.mark.django_db
def test_the_batch_pages_query_count_does_not_grow(client, hq_staff, batch, make_enterprise):
    client.force_login(hq_staff)
    batches.batch_assign(actor=hq_staff, batch=batch, enterprises=[make_enterprise()])
    make_enterprise()
    urls = [reverse("enterprises:batch_list"), reverse("enterprises:batch_detail", args=[batch.pk])]
    small = []
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        small.append(len(ctx))
    batches.batch_assign(actor=hq_staff, batch=batch, enterprises=[make_enterprise() for _ in range(8)])
    for _ in range(8):
        make_enterprise()
    for url, before in zip(urls, small, strict=True):
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        assert len(ctx) == before, url


# ------------------------------------------------------------ letters


@pytest.mark.django_db
def test_the_territorial_unit_generates_downloads_and_uploads_a_letter(client, liaison, enterprise):
    put_in(enterprise, S.INTENTION_RECORDED)
    client.force_login(liaison)
    url = reverse("enterprises:letter_generate", args=[enterprise.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "committed_shutdown_on": "2021-12-31",
            "committed_relocation_on": "2022-06-30",
            "obligations": "按期停产\n清理危废",
        },
    )
    assert response.status_code == 302
    letter = CommitmentLetter.objects.get(enterprise=enterprise)
    assert letter.obligations == ["按期停产", "清理危废"]
    download = client.get(reverse("enterprises:letter_download", args=[enterprise.pk]))
    assert download.status_code == 200 and download.content[:2] == b"PK"
    response = client.post(
        reverse("enterprises:letter_upload", args=[enterprise.pk]), {"file": pdf(), "signed_on": "2021-07-01"}
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    enterprise.refresh_from_db()
    assert letter.status == LetterStatus.SIGNED and enterprise.status == S.COMMITMENT_SIGNED


@pytest.mark.django_db
def test_a_wrong_file_type_is_refused_with_a_message(client, hq_staff, letter, enterprise):
    from relocation.enterprises.tests.uploads_fixtures import fake_pdf

    client.force_login(hq_staff)
    response = client.post(
        reverse("enterprises:letter_upload", args=[enterprise.pk]),
        {"file": fake_pdf(), "signed_on": "2021-07-01"},
        follow=True,
    )
    assert "文件类型不符" in response.content.decode()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.GENERATED


@pytest.mark.django_db
def test_another_unit_cannot_prepare_or_upload_a_letter(client, outsider, letter, enterprise):
    client.force_login(outsider)
    assert client.get(reverse("enterprises:letter_generate", args=[enterprise.pk])).status_code == 403
    response = client.post(
        reverse("enterprises:letter_upload", args=[enterprise.pk]), {"file": pdf(), "signed_on": "2021-07-01"}
    )
    assert response.status_code == 403
    response = client.post(
        reverse("enterprises:letter_date_change", args=[enterprise.pk]),
        {"new_shutdown_on": "2022-03-01", "reason": "x"},
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_an_enterprise_uploads_its_own_letter_but_not_anothers(
    client, enterprise_contact, letter, enterprise, make_enterprise, hq_staff
):
    other = make_enterprise(name="别家")
    commitments.letter_generate(actor=hq_staff, enterprise=other, committed_shutdown_on=dt.date(2022, 1, 1))
    client.force_login(enterprise_contact)
    response = client.post(
        reverse("enterprises:letter_upload", args=[enterprise.pk]), {"file": pdf(), "signed_on": "2021-07-01"}
    )
    assert response.status_code == 302
    assert client.get(reverse("enterprises:letter_download", args=[other.pk])).status_code == 404
    letter.refresh_from_db()
    assert client.get(reverse("file", args=[letter.signed_file_id])).status_code == 200


@pytest.mark.django_db
def test_a_date_change_is_requested_and_approved_by_another_person(client, liaison, hq_staff, letter, enterprise):
    commitments.letter_sign(actor=hq_staff, letter=letter, uploaded_file=pdf(), signed_on=dt.date(2021, 7, 1))
    client.force_login(liaison)
    client.post(
        reverse("enterprises:letter_date_change", args=[enterprise.pk]),
        {"new_shutdown_on": "2022-02-28", "reason": "设备拆除需时"},
    )
    change = CommitmentDateChange.objects.get()
    assert client.post(reverse("enterprises:date_change_decide", args=[change.pk]), {"approve": "1"}).status_code == 403
    client.force_login(hq_staff)
    register = client.get(reverse("enterprises:letter_register")).content.decode()
    assert "设备拆除需时" in register
    client.post(reverse("enterprises:date_change_decide", args=[change.pk]), {"approve": "1", "note": "同意"})
    letter.refresh_from_db()
    assert letter.committed_shutdown_on == dt.date(2022, 2, 28) and letter.dates_changed
    changed = client.get(reverse("enterprises:letter_register"), {"state": "changed"}).content.decode()
    assert enterprise.name in changed


@pytest.mark.django_db
def test_the_register_filters_signed_and_unsigned(client, hq_staff, make_enterprise):
    signed, unsigned = make_enterprise(name="已签企业"), make_enterprise(name="未签企业")
    for e in (signed, unsigned):
        commitments.letter_generate(actor=hq_staff, enterprise=e, committed_shutdown_on=dt.date(2022, 1, 1))
    commitments.letter_sign(
        actor=hq_staff, letter=signed.commitment_letter, uploaded_file=pdf(), signed_on=dt.date(2021, 7, 1)
    )
    client.force_login(hq_staff)
    page = client.get(reverse("enterprises:letter_register"), {"state": "signed"}).content.decode()
    assert "已签企业" in page and "未签企业" not in page
    page = client.get(reverse("enterprises:letter_register"), {"state": "unsigned"}).content.decode()
    assert "未签企业" in page and "已签企业" not in page


@pytest.mark.django_db
def test_an_enterprise_contact_cannot_see_the_register(client, enterprise_contact):
    client.force_login(enterprise_contact)
    assert client.get(reverse("enterprises:letter_register")).status_code == 403


@pytest.mark.django_db
def test_the_register_query_count_does_not_grow(client, hq_staff, make_enterprise):
    client.force_login(hq_staff)
    commitments.letter_generate(actor=hq_staff, enterprise=make_enterprise(), committed_shutdown_on=dt.date(2022, 1, 1))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("enterprises:letter_register"))
    for _ in range(10):
        commitments.letter_generate(
            actor=hq_staff, enterprise=make_enterprise(), committed_shutdown_on=dt.date(2022, 1, 1)
        )
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("enterprises:letter_register"))
    assert len(large) == len(small)


@pytest.mark.django_db
def test_hq_sees_and_downloads_the_letter_template(client, hq_staff):
    client.force_login(hq_staff)
    page = client.get(reverse("enterprises:letter_template")).content.decode()
    assert "系统默认模板" in page and "enterprise_name" in page
    download = client.get(reverse("enterprises:letter_template_download"))
    assert download.status_code == 200 and download.content[:2] == b"PK"


@pytest.mark.django_db
def test_a_unit_cannot_change_the_letter_template(client, liaison):
    client.force_login(liaison)
    assert client.get(reverse("enterprises:letter_template")).status_code == 403
    assert client.get(reverse("enterprises:letter_template_download")).status_code == 403


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2022, 1, 10, 9, 0), tick=False)
def test_overdue_ids_among_limits_the_question_to_the_given_rows(hq_staff, batch, make_enterprise):
    from relocation.enterprises import lifecycle_selectors

    late, other_late, on_time = make_enterprise(), make_enterprise(), make_enterprise()
    batches.batch_assign(actor=hq_staff, batch=batch, enterprises=[late, other_late])
    assert lifecycle_selectors.overdue_ids(hq_staff) == {late.pk, other_late.pk}
    assert lifecycle_selectors.overdue_ids(hq_staff, among=[late, on_time]) == {late.pk}
    assert lifecycle_selectors.overdue_ids(hq_staff, among=[on_time.pk]) == set()
    assert lifecycle_selectors.overdue_ids(hq_staff, among=[]) == set()


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2022, 1, 10, 9, 0), tick=False)
def test_the_ledger_list_badges_overdue_rows_with_a_constant_query_count(client, hq_staff, batch, make_enterprise):
    client.force_login(hq_staff)
    batches.batch_assign(actor=hq_staff, batch=batch, enterprises=[make_enterprise(name="逾期甲厂")])
    with CaptureQueriesContext(connection) as small:
        page = client.get(reverse("enterprises:list")).content.decode()
    assert page.count('data-overdue="1"') == 1
    batches.batch_assign(actor=hq_staff, batch=batch, enterprises=[make_enterprise() for _ in range(10)])
    with CaptureQueriesContext(connection) as large:
        page = client.get(reverse("enterprises:list")).content.decode()
    assert page.count('data-overdue="1"') == 11
    assert len(large) == len(small)


@pytest.mark.django_db
def test_forced_closure_is_not_offered_within_the_deadline_and_hq_can_lift_it(client, hq_staff, batch, enterprise):
    client.force_login(hq_staff)
    detail = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert 'id="forced-closure-link"' not in detail and 'data-move="forced_closure"' not in detail
    page = client.get(reverse("enterprises:lifecycle_forced_closure", args=[enterprise.pk])).content.decode()
    assert 'id="forced-closure-not-allowed"' in page and 'id="forced-closure-form"' not in page
    batches.batch_assign(actor=hq_staff, batch=batch, enterprises=[enterprise])
    url = reverse("enterprises:lifecycle_forced_closure", args=[enterprise.pk])
    client.post(url, {"reason": "逾期", "decision_ref": "指挥部〔2022〕2号", "confirm": "on"})
    enterprise.refresh_from_db()
    assert enterprise.status == S.FORCED_CLOSURE
    detail = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert 'id="forced-closure-lift-link"' in detail
    lift = reverse("enterprises:lifecycle_forced_closure_lift", args=[enterprise.pk])
    assert client.get(lift).status_code == 200
    assert client.post(lift, {"reason": ""}).status_code == 200
    assert client.post(lift, {"reason": "决定已撤销"}).status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.status == S.HOLDOUT
