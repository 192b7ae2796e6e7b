"""Pages: who sees what (three personas and more), masked personal data,
forms that go through the services, and query counts that do not grow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from relocation.core.tests.personas import verified_login
from relocation.workers import services
from relocation.workers.models import LabourCase, Worker

pytestmark = pytest.mark.django_db


def get(client, user, url):
    if user.role in {"auditor", "system_admin"}:
        verified_login(client, user)
    else:
        client.force_login(user)
    return client.get(url)


def test_the_overview_shows_the_programme_rate(client, hq_staff, enterprise, make_worker):
    workers = [make_worker(enterprise) for _ in range(2)]
    services.placement_record(actor=hq_staff, worker=workers[0], outcome="retired")
    response = get(client, hq_staff, reverse("workers:overview"))
    assert response.status_code == 200
    assert "50.0%" in response.content.decode()


@pytest.mark.parametrize("persona", ["hq_staff", "bureau", "liaison", "enterprise_contact", "auditor"])
def test_readers_see_the_roster(persona, request, client, enterprise, worker):
    user = request.getfixturevalue(persona)
    response = get(client, user, reverse("workers:roster", args=[enterprise.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert worker.name in body and worker.id_number not in body and "4419**********" in body


@pytest.mark.parametrize("persona", ["other_town", "outsider", "inspector"])
def test_other_units_get_404_for_the_roster(persona, request, client, enterprise, worker):
    user = request.getfixturevalue(persona)
    assert get(client, user, reverse("workers:roster", args=[enterprise.pk])).status_code == 404
    assert get(client, user, reverse("workers:worker", args=[worker.pk])).status_code == 404


def test_the_system_admin_is_refused(client, system_admin):
    assert get(client, system_admin, reverse("workers:overview")).status_code == 403
    assert get(client, system_admin, reverse("workers:cases")).status_code == 403


def test_the_anonymous_user_is_sent_to_login(client, enterprise):
    response = client.get(reverse("workers:roster", args=[enterprise.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_enterprise_contact_may_not_add_workers(client, enterprise_contact, enterprise):
    client.force_login(enterprise_contact)
    response = client.post(reverse("workers:worker_new", args=[enterprise.pk]), {"name": "x"})
    assert response.status_code == 403


def test_the_bureau_adds_a_worker_and_sees_errors_in_chinese(client, bureau, enterprise):
    from relocation.workers.tests.conftest import valid_id

    client.force_login(bureau)
    url = reverse("workers:worker_new", args=[enterprise.pk])
    response = client.post(url, {"name": "张三", "id_number": "123"})
    assert "身份证号无效" in response.content.decode() and not Worker.objects.exists()
    response = client.post(url, {"name": "张三", "id_number": valid_id(5), "monthly_wage": "5200"})
    assert response.status_code == 302 and Worker.objects.get().monthly_wage == Decimal("5200")


def test_a_stale_edit_shows_the_conflict_and_keeps_the_newer_value(client, hq_staff, worker):
    services.worker_update(actor=hq_staff, worker=worker, expected_version=1, data={"job": "质检员"})
    client.force_login(hq_staff)
    response = client.post(
        reverse("workers:worker", args=[worker.pk]),
        {"action": "edit", "name": worker.name, "job": "仓管员", "version": 1},
    )
    assert response.status_code == 200 and "其他人已修改" in response.content.decode()
    assert Worker.objects.get(pk=worker.pk).job == "质检员"


def test_an_empty_personal_field_keeps_the_stored_value(client, hq_staff, worker):
    client.force_login(hq_staff)
    client.post(
        reverse("workers:worker", args=[worker.pk]),
        {"action": "edit", "name": "新名字", "phone": "", "version": worker.version},
    )
    fresh = Worker.objects.get(pk=worker.pk)
    assert (fresh.name, fresh.phone) == ("新名字", "13812345678")


def test_the_contact_reports_a_case_from_the_page(client, enterprise_contact, enterprise, worker):
    client.force_login(enterprise_contact)
    url = reverse("workers:case_new", args=[enterprise.pk])
    response = client.post(url, {"kind": "wage_arrears", "summary": "三月工资未发", f"amount_{worker.pk}": "abc"})
    assert "金额应为数字" in response.content.decode() and not LabourCase.objects.exists()
    response = client.post(
        url,
        {"kind": "wage_arrears", "summary": "三月工资未发", f"amount_{worker.pk}": "5000", f"months_{worker.pk}": "1"},
    )
    case = LabourCase.objects.get()
    assert response.status_code == 302 and case.total_owed == Decimal("5000")
    # The contact reads the case but cannot move it.
    response = client.post(
        reverse("workers:case", args=[case.pk]), {"action": "move", "target": "verified", "reason": "x"}
    )
    assert response.status_code == 403


def test_the_bureau_moves_and_pays_a_case_on_its_page(client, bureau, enterprise, make_case):
    case = make_case(enterprise, amounts=(Decimal("800"),))
    client.force_login(bureau)
    url = reverse("workers:case", args=[case.pk])
    client.post(url, {"action": "move", "target": "verified", "reason": "核实"})
    response = client.post(url, {"action": "payment", "amount": "900", "paid_on": "2022-05-01"})
    assert "超过尚欠" in response.content.decode()
    client.post(url, {"action": "payment", "amount": "800", "paid_on": "2022-05-01"})
    assert LabourCase.objects.get(pk=case.pk).status == "paid"


def test_the_enterprise_page_shows_the_section(client, hq_staff, enterprise, make_case):
    make_case(enterprise)
    response = get(client, hq_staff, reverse("enterprises:detail", args=[enterprise.pk]))
    body = response.content.decode()
    assert 'id="workers-section"' in body and "1 件纠纷未解决" in body


def test_the_timeline_shows_the_events(client, hq_staff, enterprise, make_case):
    make_case(enterprise)
    from relocation.core.selectors import timeline_for_enterprise

    actions = set(timeline_for_enterprise(enterprise.pk).values_list("action", flat=True))
    assert {"worker.created", "labour_case.reported"} <= actions


def _populate(make_enterprise, make_worker, make_case, n: int) -> None:
    for _ in range(n):
        e = make_enterprise()
        make_worker(e)
        make_case(e)


@pytest.mark.parametrize("url_name", ["workers:overview", "workers:cases", "workers:activities"])
def test_lists_take_a_fixed_number_of_queries(
    url_name, client, hq_staff, make_enterprise, make_worker, make_case, django_assert_max_num_queries
):
    _populate(make_enterprise, make_worker, make_case, 2)
    client.force_login(hq_staff)
    client.get(reverse(url_name))  # warm the session and the menu
    with django_assert_max_num_queries(16) as small:
        client.get(reverse(url_name))
    _populate(make_enterprise, make_worker, make_case, 6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse(url_name)).status_code == 200


def test_the_roster_takes_a_fixed_number_of_queries(
    client, hq_staff, enterprise, make_worker, make_case, django_assert_max_num_queries
):
    make_worker(enterprise)
    make_case(enterprise)
    client.force_login(hq_staff)
    url = reverse("workers:roster", args=[enterprise.pk])
    client.get(url)
    with django_assert_max_num_queries(16) as small:
        client.get(url)
    for _ in range(10):
        make_worker(enterprise)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_case_detail_takes_a_fixed_number_of_queries(
    client, hq_staff, enterprise, make_case, django_assert_max_num_queries
):
    case = make_case(enterprise, amounts=(Decimal(1), Decimal(2)))
    client.force_login(hq_staff)
    url = reverse("workers:case", args=[case.pk])
    client.get(url)
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    big = make_case(enterprise, amounts=tuple(Decimal(i + 1) for i in range(8)))
    services.case_transition(actor=hq_staff, case=big, target="verified", reason="x")
    services.payment_record(actor=hq_staff, case=big, amount=1, paid_on=dt.date(2022, 5, 1))
    services.payment_record(actor=hq_staff, case=big, amount=2, paid_on=dt.date(2022, 5, 1))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("workers:case", args=[big.pk]))


def test_the_bureau_records_a_job_fair_with_attendees_by_id_number(client, bureau, worker):
    from relocation.workers.models import PlacementActivity

    client.force_login(bureau)
    url = reverse("workers:activities")
    data = {"kind": "job_fair", "title": "专场招聘会", "held_on": "2022-04-01", "employers": 3, "jobs_offered": 40}
    response = client.post(url, {**data, "id_numbers": f"{worker.id_number}\n440000000000000000"})
    assert "440000000000000000" in response.content.decode() and not PlacementActivity.objects.exists()
    response = client.post(url, {**data, "id_numbers": worker.id_number.lower()})
    assert response.status_code == 302
    assert list(PlacementActivity.objects.get().workers.all()) == [worker]


def test_a_territorial_liaison_cannot_record_activities(client, liaison):
    client.force_login(liaison)
    response = client.post(reverse("workers:activities"), {"kind": "job_fair", "title": "x", "held_on": "2022-04-01"})
    assert response.status_code == 403


def test_pages_render_in_english(client, hq_staff, enterprise, worker, make_case):
    case = make_case(enterprise)
    client.force_login(hq_staff)
    client.cookies["django_language"] = "en"
    pages = [
        reverse("workers:overview"),
        reverse("workers:roster", args=[enterprise.pk]),
        reverse("workers:worker", args=[worker.pk]),
        reverse("workers:worker_new", args=[enterprise.pk]),
        reverse("workers:import", args=[enterprise.pk]),
        reverse("workers:case_new", args=[enterprise.pk]),
        reverse("workers:cases"),
        reverse("workers:case", args=[case.pk]),
        reverse("workers:activities"),
    ]
    for url in pages:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, url
    body = client.get(reverse("workers:overview"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Worker placement overview" in body and "Placement rate" in body
    body = client.get(reverse("workers:case", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Wage arrears" in body and "Reported" in body
