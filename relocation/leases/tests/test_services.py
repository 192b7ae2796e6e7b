"""Each step of a lease's life through its service: the move, its history
row and audit event, and every refusal (by role, by unit function, by state,
by amount), with nothing half-written after a refusal."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from docx import Document

from relocation.conftest import make_unit, make_user
from relocation.core.errors import PermissionDeniedError, ServiceError, TransitionError
from relocation.core.models import AuditEvent
from relocation.core.roles import Role
from relocation.leases import services
from relocation.leases.models import ClearanceCheck, DepositRefund, Lease, LeaseStatus, TerminationNotice
from relocation.leases.tests.conftest import check, issue, refund, register

pytestmark = pytest.mark.django_db
S = LeaseStatus


def _actions(lease):
    return list(
        AuditEvent.objects.filter(object_id=str(lease.pk), action__startswith="lease.").values_list("action", flat=True)
    )


def test_it_registers_an_active_lease_with_its_first_history_row_and_audit_event(lease, enterprise):
    assert lease.status == S.ACTIVE and lease.programme_id == enterprise.programme_id
    assert [h.to_status for h in lease.status_changes.all()] == [S.ACTIVE]
    event = AuditEvent.objects.get(action="lease.registered")
    assert event.enterprise_id == enterprise.pk and "ZY-2019-001" in event.summary


def test_it_refuses_a_unit_without_the_community_function_as_landlords_community(hq_staff, enterprise, units):
    with pytest.raises(ServiceError) as exc:
        register(hq_staff, enterprise, units["tax"])
    assert exc.value.code == "community_unit" and not Lease.objects.exists()


def test_it_refuses_a_term_ending_before_it_starts_and_a_duplicate_number(hq_staff, enterprise, community_unit, lease):
    with pytest.raises(ServiceError) as exc:
        register(hq_staff, enterprise, community_unit, number="X-1", ends_on=dt.date(2018, 1, 1))
    assert exc.value.code == "ends_on"
    with pytest.raises(ServiceError) as exc:
        register(hq_staff, enterprise, community_unit)
    assert exc.value.code == "number" and Lease.objects.count() == 1


def test_a_town_registers_only_its_own_enterprises_leases(liaison, make_enterprise, units, community_unit):
    other = make_enterprise(territorial_unit=units["binhaiwan"])
    with pytest.raises(PermissionDeniedError):
        register(liaison, other, community_unit)
    assert register(liaison, make_enterprise(), community_unit, number="HM-2").status == S.ACTIVE


def test_another_programmes_community_unit_is_refused(hq_staff, enterprise):
    from relocation.organisation.models import Programme

    other = Programme.objects.create(
        code="o", name="另一项目", zone_name="另区", city="另市", deadline=dt.date(2023, 1, 1)
    )
    foreign = make_unit(other, "c2", "另一社区", "community", ("community",))
    with pytest.raises(ServiceError):
        register(hq_staff, enterprise, foreign)


def test_the_notice_is_a_numbered_official_document_and_moves_the_lease(lease, community, enterprise):
    notice = issue(community, lease)
    lease.refresh_from_db()
    assert lease.status == S.NOTICE_ISSUED
    assert notice.number == "基地所在社区停租〔2022〕1号"
    text = "\n".join(p.text for p in Document(io.BytesIO(bytes(notice.document))).paragraphs)
    assert enterprise.name in text and "基地B区工业路8号厂房" in text and "72,000.00" in text
    assert "2022年3月21日" in text and notice.number in text
    assert [h.to_status for h in lease.status_changes.all()] == [S.ACTIVE, S.NOTICE_ISSUED]
    assert "lease.notice_issued" in _actions(lease)


def test_the_notice_is_issued_once_and_its_number_is_not_consumed_by_a_refusal(
    noticed, community, make_enterprise, community_unit, hq_staff
):
    with pytest.raises(TransitionError) as exc:
        issue(community, noticed)
    assert "不能重复" in exc.value.message
    second = register(hq_staff, make_enterprise(), community_unit, number="ZY-2")
    assert issue(community, second).number.endswith("〔2022〕2号")
    assert TerminationNotice.objects.count() == 2


def test_a_notice_dated_to_vacate_before_it_is_issued_is_refused(lease, hq_staff):
    with pytest.raises(ServiceError) as exc:
        services.notice_issue(
            actor=hq_staff,
            lease=lease,
            issued_on=dt.date(2022, 3, 1),
            vacate_by=dt.date(2022, 2, 1),
            refund_due_on=dt.date(2022, 4, 1),
            reason="停租",
        )
    assert exc.value.code == "vacate_by"
    lease.refresh_from_db()
    assert lease.status == S.ACTIVE and not TerminationNotice.objects.exists()


def test_an_unrelated_unit_and_the_enterprise_contact_may_not_issue_the_notice(
    lease, outsider, enterprise_contact, inspector
):
    for user in (outsider, enterprise_contact, inspector):
        with pytest.raises(PermissionDeniedError):
            issue(user, lease)
    lease.refresh_from_db()
    assert lease.status == S.ACTIVE


def test_the_refund_comes_after_the_notice(lease, hq_staff):
    with pytest.raises(TransitionError) as exc:
        refund(hq_staff, lease)
    assert "停租通知" in exc.value.message


def test_a_refund_above_the_deposit_is_refused(noticed, hq_staff):
    with pytest.raises(ServiceError) as exc:
        refund(hq_staff, noticed, "72000.01")
    assert exc.value.code == "amount" and "72000.00" in exc.value.message
    noticed.refresh_from_db()
    assert noticed.status == S.NOTICE_ISSUED and not DepositRefund.objects.exists()


def test_a_partial_refund_needs_the_reason_for_what_is_withheld(noticed, hq_staff):
    with pytest.raises(ServiceError) as exc:
        refund(hq_staff, noticed, "60000")
    assert exc.value.code == "withheld_reason" and "12000.00" in exc.value.message
    done = refund(hq_staff, noticed, "60000", reason="抵扣欠缴的两个月水电费及损坏门窗修复费")
    noticed.refresh_from_db()
    assert noticed.status == S.DEPOSIT_REFUNDED and done.amount == Decimal("60000.00")
    assert "部分退还" in noticed.status_changes.last().note
    assert "扣留理由" in AuditEvent.objects.get(action="lease.deposit_refunded").summary


def test_a_refund_dated_in_the_future_is_refused(noticed, hq_staff):
    with pytest.raises(ServiceError) as exc:
        services.deposit_refund_record(
            actor=hq_staff, lease=noticed, amount=noticed.deposit, refunded_on=dt.date.today() + dt.timedelta(days=2)
        )
    assert exc.value.code == "refunded_on"


def test_only_the_community_checks_the_clearance(refunded, hq_staff, liaison):
    for user in (hq_staff, liaison):
        with pytest.raises(PermissionDeniedError) as exc:
            check(user, refunded)
        assert "社区" in exc.value.message
    assert not ClearanceCheck.objects.exists()


def test_a_failed_check_is_kept_and_says_what_is_missing_and_a_passing_one_clears(refunded, community):
    with pytest.raises(ServiceError) as exc:
        check(community, refunded, passed=False)
    assert exc.value.code == "note"
    check(community, refunded, passed=False, note="电镀槽及行车尚未拆除")
    refunded.refresh_from_db()
    assert refunded.status == S.DEPOSIT_REFUNDED and ClearanceCheck.objects.count() == 1
    check(community, refunded)
    refunded.refresh_from_db()
    assert refunded.status == S.CLEARED and ClearanceCheck.objects.count() == 2
    assert _actions(refunded).count("lease.clearance_checked") == 2


def test_the_clearance_of_another_communitys_lease_is_refused(refunded, programme):
    other = make_unit(programme, "community2", "另一社区", "community", ("community",))
    with pytest.raises(PermissionDeniedError):
        check(make_user("c2", Role.UNIT_LIAISON, other), refunded)


def test_the_territorial_town_closes_a_cleared_lease_and_the_community_may_not(cleared, liaison, community):
    with pytest.raises(PermissionDeniedError):
        services.lease_close(actor=community, lease=cleared)
    services.lease_close(actor=liaison, lease=cleared, note="档案归档")
    cleared.refresh_from_db()
    assert cleared.status == S.CLOSED
    assert [h.to_status for h in cleared.status_changes.all()] == [
        S.ACTIVE,
        S.NOTICE_ISSUED,
        S.DEPOSIT_REFUNDED,
        S.CLEARED,
        S.CLOSED,
    ]


def test_a_lease_is_not_closed_before_it_is_cleared(refunded, hq_staff):
    with pytest.raises(TransitionError) as exc:
        services.lease_close(actor=hq_staff, lease=refunded)
    assert "核查通过" in exc.value.message


def test_an_open_dispute_holds_the_closing_until_resolved(cleared, hq_staff):
    services.dispute_open(actor=hq_staff, lease=cleared, description="村小组要求补缴违约金，企业拒绝")
    with pytest.raises(TransitionError) as exc:
        services.lease_close(actor=hq_staff, lease=cleared)
    assert "纠纷" in exc.value.message
    with pytest.raises(TransitionError):
        services.dispute_open(actor=hq_staff, lease=cleared, description="再次投诉")
    services.dispute_resolve(actor=hq_staff, lease=cleared, resolution="经司法所调解，双方达成和解")
    services.lease_close(actor=hq_staff, lease=cleared)
    cleared.refresh_from_db()
    assert cleared.status == S.CLOSED


def test_a_dispute_cannot_be_resolved_before_it_began(lease, hq_staff):
    services.dispute_open(actor=hq_staff, lease=lease, description="纠纷", opened_on=dt.date(2022, 3, 1))
    with pytest.raises(ServiceError) as exc:
        services.dispute_resolve(actor=hq_staff, lease=lease, resolution="和解", resolved_on=dt.date(2022, 2, 1))
    assert exc.value.code == "resolved_on"
    assert lease.disputes.get().resolved_on is None


def test_a_stale_copy_of_the_lease_is_judged_on_its_current_state(lease, hq_staff):
    stale = Lease.objects.get(pk=lease.pk)
    issue(hq_staff, lease)
    with pytest.raises(TransitionError):
        issue(hq_staff, stale)
    assert TerminationNotice.objects.count() == 1
