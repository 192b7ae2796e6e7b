"""The pages around the ledger: new enterprise, import flow, API token, and
one permission-denied check per view."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from relocation.conftest import valid_credit_code
from relocation.core.models import AuditEvent
from relocation.enterprises.models import Enterprise, LedgerImport
from relocation.enterprises.tests.workbooks import row, workbook

pytestmark = pytest.mark.django_db


def upload(rows):
    return SimpleUploadedFile(
        "台账.xlsx", workbook(rows), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def test_hq_adds_an_enterprise(client, hq_staff, programme, units):
    client.force_login(hq_staff)
    assert client.get(reverse("enterprises:new")).status_code == 200
    data = {
        "name": "东莞市新增电镀有限公司",
        "credit_code": valid_credit_code(77),
        "territorial_unit": units["humen"].pk,
        "industry": "electroplating",
        "processes": ["zinc", "nickel"],
        "capital_background": "domestic",
        "workers_count": 30,
        "floor_area_m2": "800",
        "wastewater_t_per_day": "12",
        "production_status": "producing",
    }
    response = client.post(reverse("enterprises:new"), data)
    enterprise = Enterprise.objects.get(name="东莞市新增电镀有限公司")
    assert response.status_code == 302 and response.url == reverse("enterprises:detail", args=[enterprise.pk])
    assert enterprise.processes == ["zinc", "nickel"] and enterprise.territorial_unit == units["humen"]
    assert AuditEvent.objects.filter(action="enterprise.created", enterprise_id=enterprise.pk).exists()


def test_new_enterprise_reports_a_bad_credit_code(client, hq_staff, programme):
    client.force_login(hq_staff)
    data = {
        "name": "东莞市新增电镀有限公司",
        "credit_code": "91441900123456789X",
        "industry": "electroplating",
        "capital_background": "domestic",
        "workers_count": 30,
        "floor_area_m2": "800",
        "wastewater_t_per_day": "12",
        "production_status": "producing",
    }
    response = client.post(reverse("enterprises:new"), data)
    assert response.status_code == 200 and "校验位错误" in response.content.decode()
    assert not Enterprise.objects.exists()


def test_the_import_flow_previews_then_applies(client, hq_staff, programme):
    client.force_login(hq_staff)
    response = client.post(reverse("enterprises:import"), {"file": upload([row(1), row(2)])})
    page = response.content.decode()
    assert response.status_code == 200 and 'id="confirm-import"' in page
    assert not Enterprise.objects.exists()
    record = LedgerImport.objects.get()
    assert record.status == "previewed" and len(record.stored_file.sha256) == 64
    response = client.post(reverse("enterprises:import_confirm", args=[record.pk]))
    assert response.status_code == 302
    assert Enterprise.objects.count() == 2
    record.refresh_from_db()
    assert record.status == "applied"
    # Confirming twice does not import twice.
    client.post(reverse("enterprises:import_confirm", args=[record.pk]))
    assert Enterprise.objects.count() == 2


def test_the_import_page_shows_row_errors(client, hq_staff, programme):
    client.force_login(hq_staff)
    page = client.post(
        reverse("enterprises:import"), {"file": upload([row(1), row(2, 统一社会信用代码="123")])}
    ).content.decode()
    assert 'id="import-errors"' in page and "第 3 行" in page and "统一社会信用代码应为18位" in page
    assert 'id="confirm-import"' not in page


def test_the_import_page_refuses_a_non_workbook(client, hq_staff, programme):
    client.force_login(hq_staff)
    bad = SimpleUploadedFile("x.xlsx", b"not a zip")
    page = client.post(reverse("enterprises:import"), {"file": bad}).content.decode()
    assert "不是有效的 Excel 工作簿" in page
    assert not LedgerImport.objects.exists()


def test_someone_else_cannot_confirm_my_import(client, hq_staff, hq_commander, programme):
    client.force_login(hq_staff)
    client.post(reverse("enterprises:import"), {"file": upload([row(1)])})
    record = LedgerImport.objects.get()
    client.force_login(hq_commander)
    assert client.post(reverse("enterprises:import_confirm", args=[record.pk])).status_code == 404
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize(
    "name,method,args",
    [
        ("enterprises:new", "get", []),
        ("enterprises:import", "get", []),
        ("enterprises:import_confirm", "post", [1]),
    ],
)
def test_hq_only_pages_refuse_a_unit_liaison(client, outsider, name, method, args):
    client.force_login(outsider)
    assert getattr(client, method)(reverse(name, args=args)).status_code == 403


@pytest.mark.parametrize("name", ["enterprises:template", "enterprises:export"])
def test_staff_pages_refuse_an_enterprise_contact(client, enterprise_contact, name):
    client.force_login(enterprise_contact)
    assert client.get(reverse(name)).status_code == 403


def test_the_import_command_exit_status(tmp_path, programme, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook([row(1)]))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook([row(1), row(2, 许可证有效期至="下个月")]))
    call_command("import_ledger", str(good), "--dry-run")
    assert not Enterprise.objects.exists()
    # CommandError is how manage.py exits with status 1.
    with pytest.raises(CommandError):
        call_command("import_ledger", str(bad))
    assert "第3行 许可证有效期至" in capsys.readouterr().err
    assert not Enterprise.objects.exists()
    call_command("import_ledger", str(good))
    assert Enterprise.objects.count() == 1


def test_an_enterprise_contact_cannot_record_a_visit(client, enterprise_contact, enterprise):
    client.force_login(enterprise_contact)
    assert client.get(reverse("enterprises:visit_create", args=[enterprise.pk])).status_code == 403


def test_an_outsider_cannot_see_another_enterprise(client, enterprise_contact, make_enterprise):
    other = make_enterprise(name="东莞市别家电镀有限公司")
    client.force_login(enterprise_contact)
    assert client.get(reverse("enterprises:detail", args=[other.pk])).status_code == 404
    assert (
        client.post(reverse("enterprises:category_confirm", args=[other.pk]), {"category": "holdout"}).status_code
        == 404
    )
