"""Demo part of stability work: a risk register for the demo enterprises (one
level raised with its reason), incidents and opinion events in every state,
and one approved emergency plan (first version, a second in draft) with a drill.

Relative to the (demo) clock and dated with core.demo_time. Idempotent: each
entry is keyed by its enterprise or title and left alone when present."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from relocation.core import demo_time
from relocation.enterprises.models import Enterprise
from relocation.organisation.models import Unit, User
from relocation.organisation.selectors import active_programme
from relocation.stability import services
from relocation.stability.models import EmergencyPlan, Incident, OpinionEvent, RiskAssessment

# (level, factors, notes) by position among the demo enterprises.
RISKS = [
    ("high", ["wage_arrears", "mass_layoff"], "拖欠工人工资约两个月，停产后工人集中讨薪风险较高。"),
    ("medium", ["lease_dispute"], "与村小组租约未到期，业主要求补偿，双方未谈妥。"),
    ("low", [], "已签承诺书，工人已提前安置。"),
    ("high", ["compensation", "lease_dispute"], "老板多次表示不搬迁，要求按新厂房标准补偿。"),
    ("medium", ["deposit_dispute"], "部分工人押金未退还。"),
    ("low", [], "家族企业，从业人员少，已确定迁往麻涌。"),
    ("medium", ["wage_arrears"], "社保欠缴，需人社部门跟进。"),
    ("low", [], ""),
]

PLAN_TEXT = b"""%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj
trailer << /Root 1 0 R >>
%%EOF
"""


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PLAN_TEXT, content_type="application/pdf")


def _routine(n: int) -> tuple[str, list[str], str]:
    if n % 7 == 0:
        return "medium", ["lease_dispute"], "租约未到期，业主对清租补偿有意见。"
    return "low", [], ""


def _seed_risks(enterprises: list[Enterprise], *, hq: Any, units: dict[str, Unit], today: dt.date) -> int:
    created = 0
    for n, enterprise in enumerate(enterprises):
        # The first few carry the stories; the rest of the zone is routine (mostly low).
        level, factors, notes = RISKS[n] if n < len(RISKS) else _routine(n)
        if RiskAssessment.objects.filter(enterprise=enterprise).exists():
            continue
        responsible = enterprise.territorial_unit or units["humen"]
        co = [units[c] for c in (("hrss",) if "wage_arrears" in factors else ()) if c in units]
        first = "medium" if n == 0 else level  # the first one was raised later: its history shows why
        with demo_time.on(today - dt.timedelta(days=40 - n % 30)):
            risk = services.risk_assess(
                actor=hq,
                enterprise=enterprise,
                level=first,
                factors=factors,
                notes=notes,
                responsible_unit=responsible,
                co_units=co,
                review_on=today + dt.timedelta(days=7 + n % 30) if n != 4 else today - dt.timedelta(days=2),
            )
        if first != level:
            with demo_time.on(today - dt.timedelta(days=6)):
                risk.refresh_from_db()
                services.risk_update(
                    actor=hq,
                    risk=risk,
                    expected_version=risk.version,
                    level=level,
                    factors=factors,
                    notes=notes,
                    responsible_unit=responsible,
                    co_units=co,
                    review_on=today + dt.timedelta(days=3),
                    reason="停产通知下发后工人到厂区聚集讨薪，风险升高。",
                )
        created += 1
    return created


def _seed_incidents(enterprises: list[Enterprise], *, hq: Any, units: dict[str, Unit], today: dt.date) -> int:
    programme = enterprises[0].programme
    specs = [
        # (days ago, kind, title, enterprise index, people, severity, lead, end state)
        (12, "labour_dispute", "工人聚集讨要拖欠工资", 0, 46, "larger", "humen", "resolved"),
        (5, "petition", "业主及工人到镇政府聚集上访", 3, 80, "major", "humen", "escalated"),
        (2, "safety_accident", "拆除电镀槽时酸液泄漏致一人灼伤", 1, 1, "general", "emergency", "responding"),
        (0, "environmental", "雨水口发现疑似含铬废水", None, 0, "general", "eeb", "reported"),
    ]
    created = 0
    for days, kind, title, idx, people, severity, lead, end in specs:
        if Incident.objects.filter(programme=programme, title=title).exists():
            continue
        enterprise = enterprises[idx] if idx is not None and idx < len(enterprises) else None
        day = today - dt.timedelta(days=days)
        with demo_time.on(day, hour=11):
            incident = services.incident_report(
                actor=hq,
                programme=programme,
                kind=kind,
                title=title,
                occurred_at=timezone.now() - dt.timedelta(hours=2),
                place=(enterprise.address if enterprise else "") or "基地B区3路雨水排放口",
                description=f"{title}。现场已安排属地和相关部门人员到场。",
                severity=severity,
                people_count=people,
                enterprise=enterprise,
                lead_unit=units.get(lead, units["humen"]),
                co_units=[
                    units[c] for c in ("police", "hrss") if c in units and kind in {"petition", "labour_dispute"}
                ],
            )
        if end == "reported":
            created += 1
            continue
        with demo_time.on(day, hour=13):
            services.incident_respond(actor=hq, incident=incident, note="牵头单位已到场，疏导人员、控制现场。")
            services.incident_action_add(
                actor=hq,
                incident=incident,
                text="核实涉事企业工资和押金情况，制定清偿方案"
                if kind != "safety_accident"
                else "排查其余拆除作业的防护措施",
                unit=units.get("hrss" if kind != "safety_accident" else "emergency", units["humen"]),
                due_on=day + dt.timedelta(days=7),
            )
        if end == "resolved":
            with demo_time.on(day + dt.timedelta(days=2), hour=17):
                services.incident_resolve(
                    actor=hq, incident=incident, outcome="企业已筹款结清工资，工人情绪稳定，现场秩序恢复。"
                )
        elif end == "escalated":
            with demo_time.on(day, hour=18):
                services.incident_escalate(
                    actor=hq, incident=incident, reason="涉及人数多、诉求涉及补偿标准，超出镇级协调权限，报市维稳办。"
                )
        created += 1
    return created


def _seed_opinions(enterprises: list[Enterprise], *, hq: Any) -> int:
    programme = enterprises[0].programme
    cross = (
        Enterprise.objects.filter(programme=programme, capital_background__in=sorted(services.CROSS_STRAIT_BACKGROUNDS))
        .order_by("id")
        .first()
    )
    specs = [
        # (hours ago, source, title, level, heat, enterprise, end state, published response)
        (5, "online", "网帖称B区关停“一刀切”，工人无人安置", "major", 12800, None, "detected", ""),
        (20, "media", "媒体关注B区电镀企业搬迁进度", "larger", 3200, None, "verifying", ""),
        (30, "online", "港资企业主发帖质疑搬迁补偿标准", "larger", 5400, cross, "responding", ""),
        (
            96,
            "hotline",
            "市民热线反映B区夜间仍有异味",
            "general",
            0,
            None,
            "closed",
            "经现场核查，异味来自已停产企业残留废液清运，已督促企业于当晚完成清运并加强巡查。",
        ),
    ]
    created = 0
    for hours, source, title, level, heat, enterprise, end, response in specs:
        if OpinionEvent.objects.filter(programme=programme, title=title).exists():
            continue
        event = services.opinion_record(
            actor=hq,
            programme=programme,
            source=source,
            title=title,
            first_seen_at=timezone.now() - dt.timedelta(hours=hours),
            level=level,
            heat=heat,
            url="https://bbs.example.invalid/thread/1024" if source == "online" else "",
            description=f"{title}，评论区有较多负面留言。" if source != "hotline" else title,
            enterprise=enterprise,
        )
        if end == "detected":
            created += 1
            continue
        services.opinion_verify(actor=hq, event=event, note="已联系属地核实情况。")
        if end in {"responding", "closed"}:
            services.opinion_respond(actor=hq, event=event, note="情况属实，准备回应口径。")
        if end == "closed":
            services.opinion_close(actor=hq, event=event, published_response=response)
        created += 1
    return created


def _seed_plan(*, hq: Any, units: dict[str, Unit], today: dt.date) -> int:
    programme = units["hq"].programme
    title = "虎门镇电镀印染专业基地B区关停搬迁维稳应急预案"
    if EmergencyPlan.objects.filter(programme=programme, title=title).exists():
        return 0
    responsible = [units[c] for c in ("stability", "humen", "binhaiwan", "police") if c in units]
    with demo_time.on(today - dt.timedelta(days=60)):
        plan = services.plan_create(
            actor=hq,
            programme=programme,
            title=title,
            scope="基地B区关停搬迁期间发生的群体性事件、劳资纠纷、安全生产事故和突发环境事件的预防与处置。",
            responsible_units=responsible,
            contact_roles="总指挥：现场指挥部总指挥\n现场处置组：虎门镇（分管副镇长）\n治安维护组：公安部门（派出所所长）\n"
            "劳资协调组：人力资源和社会保障部门\n舆论引导组：宣传部门",
        )
        v1 = services.plan_version_upload(actor=hq, plan=plan, uploaded_file=_pdf("维稳应急预案（第1版）.pdf"))
    with demo_time.on(today - dt.timedelta(days=55)):
        services.plan_version_approve(
            actor=hq, version=v1, approved_by="搬迁协调工作小组", approved_on=today - dt.timedelta(days=55)
        )
    with demo_time.on(today - dt.timedelta(days=30)):
        services.drill_record(
            actor=hq,
            plan=plan,
            held_on=today - dt.timedelta(days=30),
            place="虎门镇B区3号厂区",
            participants="虎门镇、公安、人社、应急管理，共 60 人",
            findings="信息报送链条偏长，30 分钟内未报到指挥部；已明确联络员直报，并补充劳资协调组值班表。",
        )
    with demo_time.on(today - dt.timedelta(days=3)):
        services.plan_version_upload(
            actor=hq,
            plan=plan,
            uploaded_file=_pdf("维稳应急预案（第2版 征求意见稿）.pdf"),
            changes="按演练发现修订信息报送流程",
        )
    return 1


def seed(*, scale: str, out: Any) -> None:
    programme = active_programme()
    if programme is None:
        return
    hq = User.objects.get(username="hq")
    units = {u.code: u for u in Unit.objects.filter(programme=programme)}
    # Every demo enterprise is on the register; at benchmark scale a sample is enough.
    limit = 200 if scale == "city" else None
    enterprises = list(Enterprise.objects.filter(programme=programme).order_by("id")[:limit])
    if not enterprises:
        return
    today = timezone.localdate()
    risks = _seed_risks(enterprises, hq=hq, units=units, today=today)
    incidents = _seed_incidents(enterprises, hq=hq, units=units, today=today)
    opinions = _seed_opinions(enterprises, hq=hq)
    plans = _seed_plan(hq=hq, units=units, today=today)
    out.write(f"  {risks} risk entries, {incidents} incidents, {opinions} opinion events, {plans} emergency plan")
