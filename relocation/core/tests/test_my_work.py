"""My work on the home page: each role sees what it must do now, soonest
deadline first, each with its one action, scoped to its programme, unit and
role; the page costs a fixed number of queries whatever the volume."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from relocation.conftest import make_unit, make_user
from relocation.core import my_work
from relocation.core.roles import Role
from relocation.core.tests.personas import verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(programme, units, hq_staff, liaison, inspector, inspector2, enterprise, enterprise_contact):
    """One piece of work of each kind, for the Humen unit, the environment team and the enterprise."""
    from relocation.enforcement import services as enforcement
    from relocation.enforcement.models import EnforcementDomain
    from relocation.enterprises import commitments
    from relocation.meetings.models import Decision, Meeting
    from relocation.stability import services as stability
    from relocation.supervision import services as supervision

    today = timezone.localdate()
    late = supervision.task_create(
        actor=hq_staff, title="核查用水用电台账", lead_unit=units["humen"], deadline=today - dt.timedelta(days=2)
    )
    soon = supervision.task_create(
        actor=hq_staff, title="组织企业座谈", lead_unit=units["humen"], deadline=today + dt.timedelta(days=3)
    )
    supervision.task_sign_for(actor=liaison, task=soon)
    done = supervision.task_create(
        actor=hq_staff, title="清点危废", lead_unit=units["humen"], deadline=today + dt.timedelta(days=9)
    )
    supervision.task_sign_for(actor=liaison, task=done)
    supervision.task_report_done(actor=liaison, task=done, note="已清点")
    supervision.task_create(actor=hq_staff, title="税务核查", lead_unit=units["tax"], deadline=today)

    enforcement.configuration_ensure(actor=None, programme=programme)
    domain = EnforcementDomain.objects.get(programme=programme, code="ecology_environment")
    team = enforcement.team_create(actor=None, domain=domain, name="生态环境执法一组", members=[inspector, inspector2])
    inspection = enforcement.inspection_record(
        actor=inspector,
        enterprise=enterprise,
        team=team,
        inspectors=[inspector, inspector2],
        findings="废水直排",
        representative_name="王经理",
        representative_signed=True,
    )
    violation = enforcement.violation_record(
        actor=inspector,
        inspection=inspection,
        domain=domain,
        legal_basis=domain.legal_bases.first(),
        description="通过暗管排放电镀废水",
    )
    enforcement.measure_issue(actor=inspector, violation=violation, kind="rectification", workdays=5)
    fine = enforcement.measure_issue(actor=inspector2, violation=violation, kind="fine", amount=Decimal("50000"))

    commitments.letter_generate(
        actor=hq_staff,
        enterprise=enterprise,
        committed_shutdown_on=today + dt.timedelta(days=20),
        committed_relocation_on=today + dt.timedelta(days=60),
    )
    meeting = Meeting.objects.create(
        programme=programme, kind="extra", title="专题会商", scheduled_at=timezone.now(), status="held"
    )
    Decision.objects.create(meeting=meeting, text="虎门镇牵头清理出租厂房", lead_unit=units["humen"], deadline=today)
    stability.incident_report(
        actor=liaison,
        programme=programme,
        kind="labour_dispute",
        title="工人聚集讨薪",
        occurred_at=timezone.now(),
        place="厂区门口",
        description="约二十名工人聚集",
    )
    return {"late": late, "soon": soon, "done": done, "fine": fine, "team": team}


def _titles(user) -> list[str]:
    return [str(item.title) for item in my_work.collect(user)]


def test_it_gives_the_liaison_the_units_work_soonest_first_with_its_action(world, liaison):
    items = my_work.collect(liaison)
    titles = [str(i.title) for i in items]
    assert titles.index("核查用水用电台账") < titles.index("组织企业座谈")
    assert "工人聚集讨薪" in titles and "虎门镇牵头清理出租厂房" in titles
    assert "税务核查" not in titles  # another unit's task
    assert "清点危废" not in titles  # reported: it waits on HQ, not on the unit
    dues = [i.due_date for i in items if i.due_date is not None]
    assert dues == sorted(dues)
    late = next(i for i in items if i.title == "核查用水用电台账")
    assert late.post == (("action", "sign_for"),) and late.action_url == reverse(
        "supervision:task", args=[world["late"].pk]
    )
    assert "已交办" in late.detail  # the running stage's clock
    signed = next(i for i in items if i.title == "组织企业座谈")
    assert signed.post == () and "已签收" in signed.detail


def test_it_gives_hq_the_verifications_and_not_the_units_own_steps(world, hq_staff):
    titles = _titles(hq_staff)
    assert "清点危废" in titles
    assert "核查用水用电台账" not in titles


def test_it_gives_the_inspector_the_reinspection_and_the_other_members_decision(world, inspector, inspector2):
    items = my_work.collect(inspector)
    kinds = {str(i.kind) for i in items}
    assert {"复查", "待审批"} <= kinds
    approval = next(i for i in items if str(i.kind) == "待审批")
    assert approval.action_url == reverse("enforcement:measure_detail", args=[world["fine"].pk])
    # Four eyes: the one who drafted the fine is not asked to approve it.
    assert "待审批" not in {str(i.kind) for i in my_work.collect(inspector2)}


def test_it_gives_the_enterprise_contact_its_own_obligations_only(world, enterprise_contact, make_enterprise):
    other = make_enterprise(name="别家企业")
    from relocation.enterprises import commitments

    commitments.letter_generate(actor=None, enterprise=other, committed_shutdown_on=timezone.localdate())
    titles = _titles(enterprise_contact)
    assert titles == ["签署并上传关停搬迁承诺书", "按承诺日期停止生产", "按承诺日期完成搬迁"]


def test_another_programmes_work_stays_out(world, hq_staff, units):
    from relocation.organisation.models import Programme
    from relocation.supervision import services as supervision

    other = Programme.objects.create(
        code="other", name="另一项目", zone_name="其他", city="江门市", deadline=dt.date(2023, 1, 1)
    )
    unit = make_unit(other, "town", "某镇", "town", ("territorial_town",))
    other_hq = make_unit(other, "hq2", "另一指挥部", "headquarters")
    boss = make_user("other_hq", Role.HQ_STAFF, other_hq)
    task = supervision.task_create(actor=boss, title="另一项目的任务", lead_unit=unit, deadline=timezone.localdate())
    supervision.task_sign_for(actor=make_user("other_l", Role.UNIT_LIAISON, unit), task=task)
    supervision.task_report_done(actor=make_user("other_l2", Role.UNIT_LIAISON, unit), task=task, note="")
    assert "另一项目的任务" not in _titles(hq_staff)
    assert "另一项目的任务" in _titles(boss)


def test_the_home_page_leads_with_my_work_and_its_button_signs_for_the_task(client, world, liaison):
    client.force_login(liaison)
    html = client.get(reverse("home")).content.decode()
    assert html.index('id="my-work"') < html.index('id="home-tiles"')
    assert "核查用水用电台账" in html
    response = client.post(reverse("supervision:task", args=[world["late"].pk]), {"action": "sign_for"})
    assert response.status_code == 302
    world["late"].refresh_from_db()
    assert world["late"].status == "signed_for"


def test_a_role_with_nothing_to_do_is_told_so(client, world, group_leader):
    client.force_login(group_leader)
    assert 'id="my-work-empty"' in client.get(reverse("home")).content.decode()


def test_the_auditor_is_asked_to_verify_the_chain(world, auditor):
    items = my_work.collect(auditor)
    assert [i.action_url for i in items] == [reverse("audit_verify")]


# The home page of any role: session, user, programme, one or two queries per
# provider, the messages and the menu; the second request with more data checks
# that the number does not grow with the volume.
HOME_QUERIES = 30
ROLES = [
    "hq_staff",
    "hq_commander",
    "group_leader",
    "unit_leader",
    "liaison",
    "inspector",
    "enterprise_contact",
    "auditor",
]


@pytest.mark.parametrize("persona", ROLES)
def test_each_roles_home_costs_a_fixed_number_of_queries(
    persona, request, client, world, units, hq_staff, django_assert_max_num_queries
):
    from relocation.supervision import services as supervision

    user = request.getfixturevalue(persona)

    responsible = user if user.role in {Role.INSPECTOR, Role.HQ_STAFF} else None

    def more_tasks(n: int) -> None:
        for i in range(n):
            supervision.task_create(
                actor=hq_staff,
                title=f"追加任务{i}",
                lead_unit=user.unit if responsible else units["humen"],
                deadline=timezone.localdate(),
                responsible=responsible,
            )

    verified_login(client, user)
    more_tasks(1)
    client.get(reverse("home"))  # warm the per-process caches (calendar years, programme)
    with django_assert_max_num_queries(HOME_QUERIES) as first:
        assert client.get(reverse("home")).status_code == 200
    more_tasks(15)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(reverse("home")).status_code == 200
