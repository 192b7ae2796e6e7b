"""Pages: each renders for those who may see it, refuses the others, keeps a
fixed number of queries, and drives the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from relocation.core.tests.personas import verified_login
from relocation.remediation.models import SamplingResult, Stage
from relocation.remediation.tests.conftest import add_results, move, pdf

pytestmark = pytest.mark.django_db


def test_the_list_shows_the_users_sites(client, liaison, site, other_site):
    client.force_login(liaison)
    body = client.get(reverse("remediation:list")).content.decode()
    assert "HM-001" in body and "BH-001" not in body


def test_the_list_keeps_its_query_count(client, hq_staff, make_enterprise, values, django_assert_max_num_queries):
    from relocation.remediation import services

    for n in range(12):
        site = services.site_create(
            actor=hq_staff, enterprise=make_enterprise(status="closed"), code=f"S-{n:02d}", name=f"地块{n}"
        )
        add_results(hq_staff, site, values, [("S1", "cr6", "9")])
    client.force_login(hq_staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("remediation:list"))
    assert response.status_code == 200 and "S-11" in response.content.decode()


def test_the_overview_keeps_its_query_count(client, inspector, liable, site, django_assert_max_num_queries):
    client.force_login(inspector)
    # 13: the environment-bureau permission reads the unit's functions (one query).
    with django_assert_max_num_queries(13):
        response = client.get(reverse("remediation:overview"))
    body = response.content.decode()
    assert response.status_code == 200 and "逾期未履行的责任义务" in body and site.code in body


def test_the_overview_is_for_hq_and_the_bureau(client, liaison, enterprise_contact):
    for user in (liaison, enterprise_contact):
        client.force_login(user)
        assert client.get(reverse("remediation:overview")).status_code == 403


def test_a_site_of_another_town_is_not_found(client, liaison, other_site):
    client.force_login(liaison)
    assert client.get(reverse("remediation:site", args=[other_site.pk])).status_code == 404


def test_the_public_is_sent_to_log_in_and_auditors_only_read(client, auditor, site):
    assert client.get(reverse("remediation:list")).status_code == 302
    verified_login(client, auditor)
    body = client.get(reverse("remediation:site", args=[site.pk])).content.decode()
    assert site.code in body and "move-form" not in body
    assert client.get(reverse("remediation:site_create")).status_code == 403


def test_the_detail_page_shows_exceedances(client, liaison, site, values, django_assert_max_num_queries):
    add_results(liaison, site, values, [("S1", "cr6", "96.5"), ("S2", "ni", "120")])
    client.force_login(liaison)
    with django_assert_max_num_queries(20):
        body = client.get(reverse("remediation:site", args=[site.pk])).content.decode()
    assert "超管制值" in body and "未超标" in body and "1 项超筛选值" in body


def test_the_stage_moves_from_the_page(client, liaison, site):
    client.force_login(liaison)
    response = client.post(
        reverse("remediation:site_move", args=[site.pk]),
        {"target": "initial", "moved_on": "2022-03-01", "reason": "委托调查", "evidence": pdf()},
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.stage == Stage.INITIAL and site.stage_changed_on == dt.date(2022, 3, 1)
    body = client.get(reverse("remediation:site", args=[site.pk])).content.decode()
    assert "report.pdf" in body and "委托调查" in body


def test_an_enterprise_cannot_move_its_site(client, enterprise_contact, site):
    client.force_login(enterprise_contact)
    client.post(
        reverse("remediation:site_move", args=[site.pk]),
        {"target": "initial", "moved_on": "2022-03-01", "reason": "x", "evidence": pdf()},
    )
    site.refresh_from_db()
    assert site.stage == Stage.PENDING


def test_the_import_page_reports_bad_rows_and_imports_nothing(client, liaison, site, values):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = "采样点,深度（米）,污染物,浓度（mg/kg）,采样日期\nS1,0.5,镍,1200,2022-03-01\nS2,0.5,镍,abc,2022-03-01\n"
    client.force_login(liaison)
    response = client.post(
        reverse("remediation:results_import", args=[site.pk]),
        {"file": SimpleUploadedFile("lab.csv", data.encode())},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "第 3 行" in body and "浓度" in body
    assert not SamplingResult.objects.exists()


def test_the_import_page_names_unknown_items_and_keeps_the_others(client, liaison, site, values):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = "采样点,深度（米）,污染物,浓度（mg/kg）,采样日期\nS1,0.5,苯胺,120,2022-03-01\nS2,0.5,锌,3,2022-03-01\n"
    client.force_login(liaison)
    response = client.post(
        reverse("remediation:results_import", args=[site.pk]),
        {"file": SimpleUploadedFile("lab.csv", data.encode())},
        follow=True,
    )
    body = response.content.decode()
    assert "已导入 1 条" in body and "锌" in body and "第 3 行未导入" in body
    assert SamplingResult.objects.get().pollutant.code == "aniline"


def test_a_stale_site_form_shows_the_conflict(client, liaison, site):
    client.force_login(liaison)
    url = reverse("remediation:site_edit", args=[site.pk])
    form = {"name": "A", "land_use": "second", "area_m2": "10", "address": "", "notes": "", "version": site.version}
    assert client.post(url, form).status_code == 302
    body = client.post(url, form | {"name": "B"}).content.decode()
    assert "其他人已修改" in body


def test_the_enterprise_uploads_for_its_obligation(client, enterprise_contact, liable):
    _liability, obligation = liable
    client.force_login(enterprise_contact)
    page = client.get(reverse("remediation:obligation", args=[obligation.pk])).content.decode()
    assert "upload-form" in page and "escalate-button" not in page
    client.post(reverse("remediation:obligation_upload", args=[obligation.pk]), {"file": pdf(), "note": "回单"})
    assert obligation.documents.count() == 1


def test_the_bureau_escalates_from_the_page(client, inspector, liable):
    _liability, obligation = liable
    client.force_login(inspector)
    client.post(reverse("remediation:obligation_escalate", args=[obligation.pk]))
    obligation.refresh_from_db()
    assert obligation.task_id is not None


def test_the_enterprise_page_has_the_section_and_the_timeline_event(client, hq_staff, site):
    client.force_login(hq_staff)
    move(hq_staff, site, Stage.INITIAL)
    body = client.get(reverse("enterprises:detail", args=[site.enterprise_id])).content.decode()
    assert "remediation-section" in body and site.code in body
    assert "初步调查" in body


def test_pages_render_in_english(client, hq_staff, liable, site):
    _liability, obligation = liable
    client.force_login(hq_staff)
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        urls = [
            reverse("remediation:list"),
            reverse("remediation:overview"),
            reverse("remediation:screening_values"),
            reverse("remediation:site", args=[site.pk]),
            reverse("remediation:obligation", args=[obligation.pk]),
            reverse("remediation:site_create"),
            reverse("remediation:results_import", args=[site.pk]),
        ]
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, url
    body = client.get(reverse("remediation:overview"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Pending investigation" in body and "待调查" not in body
