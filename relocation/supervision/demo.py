"""Demo part of supervision: the plan's tasks for every unit in various
stages (some red, with supervision notices and escalations), recent tasks
around today's date (yellow and red), unit reports for recent periods with
some missing, this month's checklist and a special inspection.

The demo replays history on the demo clock (core.demo_time) so that stage
clocks, report dates and notices look like months of real use. Idempotent:
every task has a dedupe key, and a task is only moved on while it is still
in the state the first run left it in."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db.models import Q
from django.utils import timezone

from relocation.core import demo_time, workdays
from relocation.core.roles import Role
from relocation.organisation.models import Programme, Unit, User
from relocation.organisation.services import user_create
from relocation.supervision import reports, reviews, services
from relocation.supervision.early_warnings import scan_tasks
from relocation.supervision.models import Inspection, MonthlyReview, Task, TaskSource, TaskStatus, UnitReport
from relocation.supervision.plan import plan_tasks_seed

DEMO_PASSWORD = "Demo@2022"

RECENT_TASKS = [
    "核查基地B区企业生产用水异常情况",
    "对已关停企业实施断电并拍照留证",
    "完成剧毒化学品库存清点和转移",
    "排查未签订关停搬迁承诺书企业",
    "协调麻涌园区标准厂房交付进度",
    "核发承接企业排污许可证变更",
    "组织开展消防安全专项检查",
    "开展工资拖欠和押金纠纷摸底",
    "开展舆情监测并每日报送",
    "完成关停企业场地土壤初步调查",
    "核实企业税务清算情况",
    "落实主动搬迁企业优待措施兑现",
    "组织整改“回头看”专项行动",
    "对钉子户企业依法查封取缔",
    "完成承接园区规划环评调整报批",
]
PROGRESS_NOTES = [
    "已召开专题会议部署，明确责任人。",
    "已完成现场摸排，正在汇总台账。",
    "已协调相关部门联合行动，完成约六成。",
    "遇到企业不配合情况，已约谈企业负责人。",
]
PROBLEMS = [
    ("部分企业拒绝签收停水通知", "需公安部门现场配合"),
    ("承接园区厂房交付延后", "需协调麻涌镇加快进度"),
    ("工人欠薪引发聚集风险", "需人社部门提前介入"),
]


def _at(day: dt.date, hour: int = 10):
    """Run the block as if it were `day` (never later than the present of the demo clock)."""
    return demo_time.on(day, hour)


def _shift_workdays(day: dt.date, n: int) -> dt.date:
    """`n` working days after `day`, or before it for a negative `n`."""
    if n >= 0:
        return workdays.add_workdays(day, n)
    while n < 0:
        day -= dt.timedelta(days=1)
        if workdays.is_workday(day):
            n += 1
    return day


def _unit_liaisons(programme: Programme) -> dict[int, User]:
    """Every member unit gets a liaison login (demo only) so that its reports come from the unit."""
    result: dict[int, User] = {}
    for unit in Unit.objects.filter(programme=programme):
        user = unit.users.filter(role=Role.UNIT_LIAISON).first()
        if user is None:
            username = f"{unit.code}_liaison"
            user = User.objects.filter(username=username).first() or user_create(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                role=Role.UNIT_LIAISON,
                unit=unit,
                display_name=f"{unit}联络员",
                email=f"{username}@demo.invalid",
            )
        result[unit.pk] = user
    return result


def _advance(
    task: Task, target: str, *, liaison: User, hq: User, start: dt.date, end: dt.date, rng: random.Random
) -> None:
    """Move a fresh task along to `target`, one stage every few working days."""
    order = [TaskStatus.SIGNED_FOR, TaskStatus.IN_PROGRESS, TaskStatus.REPORTED_DONE, TaskStatus.VERIFIED]
    if target not in order:
        return
    steps = order[: order.index(target) + 1]
    day = start
    span = max((end - start).days, len(steps) + 1)
    for step in steps:
        day = min(day + dt.timedelta(days=rng.randint(1, max(span // (len(steps) + 1), 1))), end)
        day = workdays.add_workdays(day, 0)  # the same day if it is a working day, else the next one
        with _at(day, rng.randint(9, 17)):
            if step == TaskStatus.SIGNED_FOR:
                services.task_sign_for(actor=liaison, task=task)
            elif step == TaskStatus.IN_PROGRESS:
                services.task_update_add(actor=liaison, task=task, body=rng.choice(PROGRESS_NOTES))
            elif step == TaskStatus.REPORTED_DONE:
                services.task_report_done(actor=liaison, task=task, note="已按要求完成，相关材料已归档。")
            else:
                services.task_verify(actor=hq, task=task, note="经核实已完成。")
        task.refresh_from_db()


def seed(*, scale: str, out: Any) -> None:
    programme = Programme.objects.filter(is_active=True).order_by("id").first()
    if programme is None:
        return
    today = timezone.localdate()
    hq = User.objects.get(username="hq")
    liaisons = _unit_liaisons(programme)
    units = {u.code: u for u in Unit.objects.filter(programme=programme)}

    # 1. The plan's duty list, replayed from the programme's start.
    first_phase = programme.phases.order_by("starts_on").first()
    start = first_phase.starts_on if first_phase else today - dt.timedelta(days=365)
    with _at(start):
        plan_tasks = plan_tasks_seed(actor=hq, programme=programme)
    targets = [TaskStatus.VERIFIED] * 5 + [TaskStatus.REPORTED_DONE, TaskStatus.IN_PROGRESS, TaskStatus.IN_PROGRESS]
    targets += [TaskStatus.SIGNED_FOR, TaskStatus.ASSIGNED]
    moved = 0
    for task in plan_tasks:
        # One generator per task, so a second run draws the same target for it.
        task_rng = random.Random(task.dedupe_key)
        target = task_rng.choice(targets)
        if target == TaskStatus.ASSIGNED or task.status != TaskStatus.ASSIGNED or task.stages.count() > 1:
            continue
        liaison = liaisons.get(task.lead_unit_id) or hq
        _advance(task, target, liaison=liaison, hq=hq, start=start, end=min(task.deadline, today), rng=task_rng)
        moved += 1

    # 2. Recent tasks around today: some due soon (yellow), some overdue (red).
    member_units = [u for u in units.values() if u.kind != Unit.Kind.HEADQUARTERS]
    recent = 0
    for i, title in enumerate(RECENT_TASKS):
        unit = member_units[(i * 7) % len(member_units)]
        created_on = today - dt.timedelta(days=25 + i)
        offset = [-8, -3, -1, 1, 2, 5, 12, 20][i % 8]
        deadline = _shift_workdays(today, offset)
        with _at(created_on):
            task = services.task_create(
                actor=hq,
                title=title,
                lead_unit=unit,
                co_units=[member_units[(i * 7 + 3) % len(member_units)]],
                deadline=deadline,
                source=[TaskSource.MANUAL, "meeting", TaskSource.SUPERVISION][i % 3],
                dedupe_key=f"demo:recent:{i}",
            )
        stages = [TaskStatus.SIGNED_FOR, TaskStatus.IN_PROGRESS, TaskStatus.ASSIGNED, TaskStatus.REPORTED_DONE]
        target = stages[i % 4]
        if target != TaskStatus.ASSIGNED and task.status == TaskStatus.ASSIGNED and task.stages.count() == 1:
            _advance(
                task,
                target,
                liaison=liaisons[unit.pk],
                hq=hq,
                start=created_on,
                end=today - dt.timedelta(days=1),
                rng=random.Random(task.dedupe_key),
            )
            recent += 1

    # 2b. Six months of finished work, some of it late, so that the scorecards have a trend.
    for back in range(1, 7):
        month_day = (today.replace(day=1) - dt.timedelta(days=30 * back - 14)).replace(day=15)
        for j, unit in enumerate(member_units):
            key = f"demo:history:{month_day:%Y-%m}:{unit.code}"
            created_on = month_day - dt.timedelta(days=20)
            with _at(created_on):
                task = services.task_create(
                    actor=hq,
                    title=f"{month_day.month}月份{RECENT_TASKS[(back + j) % len(RECENT_TASKS)]}",
                    lead_unit=unit,
                    deadline=month_day,
                    source="meeting",
                    dedupe_key=key,
                )
            if task.status == TaskStatus.ASSIGNED and task.stages.count() == 1:
                # Some units are late more often than others, so the league table spreads out.
                late = (j % 5 == 0 and back % 2 == 0) or (back + j) % 6 == 0
                _advance(
                    task,
                    TaskStatus.VERIFIED,
                    liaison=liaisons[unit.pk],
                    hq=hq,
                    start=month_day if late else created_on,
                    end=month_day + dt.timedelta(days=8) if late else month_day - dt.timedelta(days=1),
                    rng=random.Random(key),
                )
                recent += 1

    # 3. The daily warning scan (reminders, supervision notices, escalations).
    # Only this demo's tasks: tasks other apps' demos add later are scanned by the daily job,
    # so that a second seed_demo run issues nothing new.
    mine = Q(dedupe_key__startswith="demo:") | Q(dedupe_key__startswith="plan:") | Q(source=TaskSource.SUPERVISION)
    result = scan_tasks(today=today, programme=programme, only=mine)

    # 4. Unit reports for the last twelve periods; some units miss some periods.
    period = reports.last_closed_period(programme, today)
    periods = []
    for _ in range(12):
        periods.append(period)
        period = reports.period_containing(programme, period.start - dt.timedelta(days=1))
    made = 0
    for n, p in enumerate(reversed(periods)):
        for unit in member_units:
            if (unit.order + n) % 6 == 0:
                continue  # missing report
            if UnitReport.objects.filter(unit=unit, period_start=p.start).exists():
                continue
            liaison = liaisons[unit.pk]
            submit_on = workdays.add_workdays(p.end, 1 if (unit.order + n) % 4 else 3)
            if submit_on > today:
                continue
            with _at(submit_on):
                report = reports.report_open(actor=liaison, unit=unit, period_start=p.start)
                problems = []
                if (unit.order + n) % 3 == 0:
                    title, detail = PROBLEMS[(unit.order + n) % len(PROBLEMS)]
                    problems.append({"title": title, "detail": detail, "is_urgent": (unit.order + n) % 9 == 0})
                reports.report_save(
                    actor=liaison,
                    report=report,
                    progress=report.progress,
                    next_steps="按照指挥部部署推进下一阶段工作。",
                    suggestions="",
                    problems=problems,
                )
                reports.report_submit(actor=liaison, report=report)
            if n < len(periods) - 2:
                with _at(workdays.add_workdays(submit_on, 1)):
                    reports.report_review(actor=hq, report=report, comment="收悉，请按计划推进。")
            made += 1

    # 5. This month's checklist and a special inspection this quarter. The
    # checklist is generated once: apps seeded after this one open tasks too,
    # and a second seed would otherwise add them as "new" (an audit event per
    # re-seed); HQ adds them with "生成本月督办清单" when it wants to.
    if not MonthlyReview.objects.filter(programme=programme, month=today.replace(day=1)).exists():
        reviews.review_generate(actor=hq, programme=programme, month=today.replace(day=1))
    quarter = (today.month - 1) // 3 + 1
    if not Inspection.objects.filter(programme=programme, year=today.year, quarter=quarter).exists():
        inspection = reviews.inspection_create(
            actor=hq,
            programme=programme,
            title="关停企业断水断电落实情况专题督查",
            year=today.year,
            quarter=quarter,
            scope="基地B区已关停企业；供水、供电单位及属地镇街",
        )
        reviews.finding_add(
            actor=hq,
            inspection=inspection,
            unit=units.get("water", member_units[0]),
            description="2家已关停企业仍有生产用水记录",
            rectification="立即核查并停止供水，报送整改照片",
            deadline=workdays.add_workdays(today, 5),
        )
        reviews.finding_add(
            actor=hq,
            inspection=inspection,
            unit=units.get("power", member_units[0]),
            description="1家企业断电后私接临时电源",
            rectification="拆除临时线路并加强巡查",
            deadline=workdays.add_workdays(today, 3),
        )
    out.write(
        f"  {Task.objects.filter(programme=programme).count()} tasks ({moved + recent} moved on this run, "
        f"{result.red} red, {len(result.notices)} notices), {made} unit reports"
    )
