"""Emergency plans: versions, approval, the plan in force, drills."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from relocation.core.errors import PermissionDeniedError, ServiceError, TransitionError
from relocation.core.uploads import can_download
from relocation.stability import selectors, services
from relocation.stability.tests.conftest import pdf

pytestmark = pytest.mark.django_db


def test_versions_are_numbered_and_the_latest_approved_is_in_force(plan, hq_staff):
    today = timezone.localdate()
    v1 = services.plan_version_upload(actor=hq_staff, plan=plan, uploaded_file=pdf())
    assert selectors.current_version(plan) is None
    services.plan_version_approve(actor=hq_staff, version=v1, approved_by="协调小组", approved_on=today)
    v2 = services.plan_version_upload(actor=hq_staff, plan=plan, uploaded_file=pdf(), changes="修订报送流程")
    assert (v1.number, v2.number) == (1, 2)
    assert selectors.current_version(plan) == v1  # a draft does not replace the approved text
    services.plan_version_approve(actor=hq_staff, version=v2, approved_by="协调小组", approved_on=today)
    assert selectors.current_version(plan) == v2
    with pytest.raises(TransitionError):
        services.plan_version_approve(actor=hq_staff, version=v2, approved_by="协调小组", approved_on=today)


def test_only_hq_approves(plan, liaison, hq_staff):
    version = services.plan_version_upload(actor=liaison, plan=plan, uploaded_file=pdf())  # Humen is responsible
    with pytest.raises(PermissionDeniedError):
        services.plan_version_approve(actor=liaison, version=version, approved_by="x", approved_on=timezone.localdate())


def test_an_outside_unit_cannot_upload(plan, outsider):
    with pytest.raises(PermissionDeniedError):
        services.plan_version_upload(actor=outsider, plan=plan, uploaded_file=pdf())


def test_only_pdf_or_word_is_accepted(plan, hq_staff):
    with pytest.raises(ServiceError):
        services.plan_version_upload(
            actor=hq_staff, plan=plan, uploaded_file=SimpleUploadedFile("plan.pdf", b"just text")
        )
    assert not plan.versions.exists()


def test_a_drill_records_the_version_in_force(plan, hq_staff):
    today = timezone.localdate()
    v1 = services.plan_version_upload(actor=hq_staff, plan=plan, uploaded_file=pdf())
    services.plan_version_approve(
        actor=hq_staff, version=v1, approved_by="协调小组", approved_on=today - dt.timedelta(days=10)
    )
    drill = services.drill_record(
        actor=hq_staff, plan=plan, held_on=today - dt.timedelta(days=2), findings="报送链条偏长", place="B区"
    )
    assert drill.plan_version == v1
    with pytest.raises(ServiceError):
        services.drill_record(actor=hq_staff, plan=plan, held_on=today, findings=" ")


def test_units_see_the_plans_they_are_responsible_for(plan, liaison, outsider, auditor, hq_staff):
    version = services.plan_version_upload(actor=hq_staff, plan=plan, uploaded_file=pdf())
    assert list(selectors.plans_for_user(liaison)) == [plan]
    assert list(selectors.plans_for_user(outsider)) == []
    assert list(selectors.plans_for_user(auditor)) == [plan]
    assert can_download(liaison, version.file) and not can_download(outsider, version.file)
