"""The pages: the public form and lookup without login, the inbox per role."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from relocation.portal import services
from relocation.portal.models import Inquiry, InquiryStatus
from relocation.portal.tests.conftest import PNG

pytestmark = pytest.mark.django_db

FORM = {"kind": "pollution", "subject": "夜间异味", "text": "十点后有酸味。", "phone": "13922001122", "website": ""}


def test_it_takes_a_report_without_login_and_shows_the_number_and_code_once(client, programme):
    response = client.post(
        reverse("portal:public:home"), {**FORM, "photos": [SimpleUploadedFile("p.png", PNG, content_type="image/png")]}
    )
    assert response.status_code == 200
    inquiry = Inquiry.objects.get()
    body = response.content.decode()
    assert inquiry.number in body and 'id="query-code"' in body
    assert inquiry.photos.count() == 1 and inquiry.phone == "13922001122"


def test_it_explains_in_chinese_what_is_wrong(client, programme):
    body = client.post(reverse("portal:public:home"), {**FORM, "subject": ""}).content.decode()
    assert "请检查标注的内容后重新提交" in body
    body = client.post(reverse("portal:public:home"), {**FORM, "website": "http://x"}).content.decode()
    assert "隐藏" in body
    for _ in range(5):
        client.post(reverse("portal:public:home"), FORM)
    response = client.post(reverse("portal:public:home"), FORM)
    assert response.status_code == 429 and "提交过于频繁" in response.content.decode()
    assert Inquiry.objects.count() == 5


def test_the_login_page_links_to_the_public_page(client, programme):
    body = client.get(reverse("login")).content.decode()
    assert reverse("portal:public:home") in body
    assert client.get(reverse("portal:public:home")).status_code == 200
    assert client.get(reverse("portal:public:lookup")).status_code == 200


def test_the_lookup_shows_status_and_answer_but_no_staff_name_nor_other_items(client, submit, hq_staff, liaison, units):
    inquiry, code = submit()
    other, _ = submit(subject="另一条举报")
    services.inquiry_assign(actor=hq_staff, inquiry=inquiry, unit=units["humen"])
    inquiry.refresh_from_db()
    services.inquiry_draft(actor=liaison, inquiry=inquiry, text="已责令停产整改。", expected_version=inquiry.version)
    inquiry.refresh_from_db()
    services.inquiry_publish(actor=hq_staff, inquiry=inquiry, expected_version=inquiry.version)
    body = client.post(reverse("portal:public:lookup"), {"number": inquiry.number, "code": code}).content.decode()
    assert "已责令停产整改。" in body and "已答复" in body and "虎门镇" in body
    for secret in ("hq_staff", "humen_liaison", other.subject, other.number, "13800138000", "李女士"):
        assert secret not in body
    wrong = client.post(reverse("portal:public:lookup"), {"number": inquiry.number, "code": "AAAAAA"}).content.decode()
    assert "受理编号或查询码不正确" in wrong and "已责令停产整改。" not in wrong


def test_a_public_follow_up_from_the_lookup_page_reopens_the_item(client, submit, hq_staff, liaison, units):
    inquiry, code = submit()
    services.inquiry_assign(actor=hq_staff, inquiry=inquiry, unit=units["humen"])
    inquiry.refresh_from_db()
    services.inquiry_draft(actor=liaison, inquiry=inquiry, text="已处理。", expected_version=inquiry.version)
    inquiry.refresh_from_db()
    services.inquiry_publish(actor=hq_staff, inquiry=inquiry, expected_version=inquiry.version)
    client.post(reverse("portal:public:lookup"), {"number": inquiry.number, "code": code, "text": "又发黑了"})
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.ASSIGNED and inquiry.follow_ups.get().text == "又发黑了"


def test_hq_assigns_from_the_detail_page_and_the_unit_then_sees_it(client, submit, hq_staff, liaison, outsider, units):
    inquiry, _ = submit()
    client.force_login(hq_staff)
    page = client.get(reverse("portal:detail", args=[inquiry.pk])).content.decode()
    assert 'id="assign-form"' in page and "138****8000" in page and "13800138000" not in page
    client.post(reverse("portal:assign", args=[inquiry.pk]), {"unit": units["humen"].pk, "version": inquiry.version})
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.ASSIGNED
    client.force_login(liaison)
    assert inquiry.number in client.get(reverse("portal:inbox")).content.decode()
    page = client.get(reverse("portal:detail", args=[inquiry.pk])).content.decode()
    assert 'id="draft-form"' in page and 'id="assign-form"' not in page
    client.force_login(outsider)
    assert client.get(reverse("portal:detail", args=[inquiry.pk])).status_code == 404
    assert inquiry.number not in client.get(reverse("portal:inbox")).content.decode()


def test_a_stale_form_says_someone_else_changed_it(client, submit, hq_staff, units):
    inquiry, _ = submit()
    client.force_login(hq_staff)
    response = client.post(
        reverse("portal:assign", args=[inquiry.pk]),
        {"unit": units["humen"].pk, "version": inquiry.version - 1},
        follow=True,
    )
    assert "其他人已修改" in response.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.RECEIVED


def test_a_unit_cannot_assign_or_reject(client, assigned, liaison, units):
    client.force_login(liaison)
    url = reverse("portal:assign", args=[assigned.pk])
    assert client.post(url, {"unit": units["eeb"].pk, "version": assigned.version}).status_code == 403
    response = client.post(
        reverse("portal:reject", args=[assigned.pk]), {"reason": "spam", "version": assigned.version}
    )
    assert response.status_code == 403


def test_the_enterprise_contact_asks_and_sees_only_its_own_questions(client, submit, enterprise_contact, hq_staff):
    public, _ = submit()
    client.force_login(enterprise_contact)
    response = client.post(reverse("portal:ask"), {"kind": "policy", "subject": "入园材料", "text": "需要哪些材料？"})
    asked = Inquiry.objects.get(channel="enterprise")
    assert response["Location"] == reverse("portal:detail", args=[asked.pk])
    body = client.get(reverse("portal:inbox")).content.decode()
    assert asked.number in body and public.number not in body
    assert client.get(reverse("portal:detail", args=[public.pk])).status_code == 404
    assert client.get(reverse("portal:settings")).status_code == 403


def test_hq_changes_a_time_limit(client, hq_staff, programme):
    from relocation.portal.models import KindSetting

    client.force_login(hq_staff)
    setting = KindSetting.objects.get(kind="complaint")
    client.post(
        reverse("portal:settings"),
        {"kind": "complaint", "due_workdays": 7, "unit_may_publish": "on", "version": setting.version},
    )
    setting.refresh_from_db()
    assert setting.due_workdays == 7 and setting.unit_may_publish


def test_the_inbox_list_costs_a_fixed_number_of_queries(
    client, submit, hq_staff, units, enterprise, django_assert_max_num_queries
):
    for i in range(3):
        inquiry, _ = submit(subject=f"举报{i}", photos=[SimpleUploadedFile("p.png", PNG, content_type="image/png")])
        services.inquiry_assign(actor=hq_staff, inquiry=inquiry, unit=units["humen"], enterprise=enterprise)
    client.force_login(hq_staff)
    with django_assert_max_num_queries(14) as captured:
        client.get(reverse("portal:inbox"))
    few = len(captured)
    for i in range(12):
        inquiry, _ = submit(subject=f"更多{i}", ip=f"192.0.2.{i}")
        services.inquiry_assign(actor=hq_staff, inquiry=inquiry, unit=units["eeb"], enterprise=enterprise)
    with django_assert_max_num_queries(few) as captured:
        body = client.get(reverse("portal:inbox")).content.decode()
    assert body.count("data-inquiry=") == 15


def test_photos_open_for_hq_and_the_assigned_unit_only(client, submit, hq_staff, liaison, outsider, units):
    inquiry, _ = submit(photos=[SimpleUploadedFile("p.png", PNG, content_type="image/png")])
    services.inquiry_assign(actor=hq_staff, inquiry=inquiry, unit=units["humen"])
    url = reverse("file", args=[inquiry.photos.get().pk])
    for user, allowed in ((hq_staff, True), (liaison, True), (outsider, False)):
        client.force_login(user)
        assert (client.get(url).status_code == 200) is allowed, user
