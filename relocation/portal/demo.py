"""Demo part of the portal: fourteen reports, inquiries and enterprise
questions in every state — waiting for triage, with a unit (one overdue, one
with a draft), answered, closed, reopened by a follow-up, rejected — each step
dated on the day it would have happened. Idempotent: a programme that already
has items is left alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from relocation.core import demo_time
from relocation.enterprises.models import Enterprise
from relocation.organisation.models import Unit, User
from relocation.organisation.selectors import active_programme
from relocation.portal import services
from relocation.portal.models import Inquiry

# (days ago, kind, subject, text, location, name, phone, unit code, what happens next)
PUBLIC = [
    (
        1,
        "pollution",
        "夜间有刺鼻气味",
        "最近三晚十点后，B区东侧厂房一带有很浓的酸味，窗户都不敢开。",
        "虎门镇B区东侧",
        "陈先生",
        "13922001122",
        None,
        "received",
    ),
    (
        2,
        "policy",
        "工人工资谁来保障",
        "我所在的电镀厂说六月底停产，拖欠的两个月工资怎么办？",
        "",
        "",
        "",
        None,
        "received",
    ),
    (
        12,
        "pollution",
        "河涌颜色发黑",
        "B区南边河涌这几天水是黑色的，还有泡沫，怀疑有厂偷排。",
        "B区南侧河涌",
        "李女士",
        "13800138000",
        "eeb",
        "overdue",
    ),
    (
        4,
        "policy",
        "搬迁后还能在东莞办厂吗",
        "我们是小型印染厂，想了解搬到麻涌园区需要什么条件。",
        "",
        "王先生",
        "0769-85123456",
        "machong",
        "draft",
    ),
    (
        3,
        "complaint",
        "停电影响周边居民",
        "B区断电时把旁边出租屋的电也停了，希望提前通知。",
        "威远片区",
        "",
        "",
        "power",
        "assigned",
    ),
    (
        15,
        "pollution",
        "工厂凌晨仍在生产",
        "说是已经停产的一家电镀厂，凌晨两三点还有机器声和排水。",
        "B区中路",
        "",
        "13711112222",
        "eeb",
        "answered",
    ),
    (
        18,
        "policy",
        "主动搬迁有什么优惠",
        "听说主动搬迁的企业有奖励，具体政策在哪里看？",
        "",
        "赵先生",
        "",
        "humen",
        "answered",
    ),
    (25, "complaint", "建议公开搬迁进度", "建议每月公布关停搬迁进度，让周边居民放心。", "", "", "", "humen", "closed"),
    (28, "pollution", "废水外溢", "下雨后有厂区废水漫到路面。", "B区北门", "", "13566667777", "eeb", "reopened"),
    (6, "complaint", "asdfasdf", "http://spam.example 广告", "", "", "", None, "spam"),
    (
        5,
        "pollution",
        "河涌颜色发黑（重复）",
        "同一条河涌发黑，之前已经反映过。",
        "B区南侧河涌",
        "李女士",
        "13800138000",
        None,
        "duplicate",
    ),
]
ENTERPRISE = [
    (2, "policy", "承诺书日期能否调整", "我司承诺6月15日前停产，但订单需延至6月25日完成，可否申请调整？", "received"),
    (9, "policy", "入园手续需要哪些材料", "我司计划搬往麻涌园区，请问排污许可证迁移需要准备哪些材料？", "answered"),
    (20, "complaint", "执法检查频次过高", "一周内接受了三次检查，影响正常生产安排。", "closed"),
]
ANSWERS = {
    "answered": "经核查，该企业已于上周停产断电，凌晨声响为设备拆除作业。我局将继续加强夜间巡查。",
    "closed": "感谢您的建议。指挥部自本月起每月在镇政府网站公布关停搬迁进度。",
    "reopened": "已现场核查，厂区雨水沟已封堵，废水不再外溢。",
}


def _handle(inquiry: Inquiry, *, plan: str, day: dt.date, hq: Any, unit: Unit | None, people: dict[str, Any]) -> None:
    """Move one item along its demo path, each step on its own (past) day."""
    if plan in ("spam", "duplicate"):
        with demo_time.on(day + dt.timedelta(days=1)):
            services.inquiry_reject(
                actor=hq,
                inquiry=inquiry,
                reason=plan,
                note="" if plan == "spam" else "与已受理的举报反映同一问题",
                expected_version=inquiry.version,
            )
        return
    if unit is None or plan == "received":
        return
    with demo_time.on(day + dt.timedelta(days=1), hour=9):
        services.inquiry_assign(
            actor=hq, inquiry=inquiry, unit=unit, enterprise=inquiry.enterprise, expected_version=inquiry.version
        )
    if plan in ("assigned", "overdue"):
        return
    handler = people.get(unit.code, hq)
    answer = ANSWERS.get(
        plan, "您好，您反映的问题已转承办单位办理，相关政策详见指挥部发布的搬迁支持措施，欢迎来电咨询。"
    )
    with demo_time.on(day + dt.timedelta(days=3), hour=15):
        inquiry.refresh_from_db()
        services.inquiry_draft(actor=handler, inquiry=inquiry, text=answer, expected_version=inquiry.version)
    if plan == "draft":
        return
    with demo_time.on(day + dt.timedelta(days=4), hour=10):
        inquiry.refresh_from_db()
        services.inquiry_publish(actor=hq, inquiry=inquiry, expected_version=inquiry.version)
    if plan == "answered":
        return
    with demo_time.on(day + dt.timedelta(days=6), hour=10):
        inquiry.refresh_from_db()
        services.inquiry_close(actor=hq, inquiry=inquiry, expected_version=inquiry.version)
    if plan == "reopened":
        with demo_time.on(day + dt.timedelta(days=10), hour=20):
            actor = inquiry.submitted_by or services.PUBLIC_ACTOR
            services.inquiry_follow_up(actor=actor, inquiry=inquiry, text="昨晚下雨后又有废水流到路面，请再次核查。")


def seed(*, scale: str, out: Any) -> None:
    programme = active_programme()
    if programme is None or Inquiry.objects.filter(programme=programme).exists():
        return
    hq = User.objects.get(username="hq")
    units = {u.code: u for u in Unit.objects.filter(programme=programme)}
    people = {
        u.unit.code: u
        for u in User.objects.filter(username__in=["humen_liaison", "eeb_liaison"]).select_related("unit")
    }
    today = timezone.localdate()
    for i, (ago, kind, subject, text, location, name, phone, unit_code, plan) in enumerate(PUBLIC):
        day = today - dt.timedelta(days=ago)
        with demo_time.on(day, hour=8 + i % 10):
            # Documentation addresses (RFC 5737): one per item, so the hourly limit never bites.
            inquiry, _code = services.inquiry_submit_public(
                kind=kind,
                subject=subject,
                text=text,
                location=location,
                contact_name=name,
                phone=phone,
                ip=f"192.0.2.{i + 1}",
            )
        enterprise = (
            Enterprise.objects.filter(programme=programme).order_by("pk").first() if plan == "answered" else None
        )
        inquiry.enterprise = enterprise
        _handle(inquiry, plan=plan, day=day, hq=hq, unit=units.get(unit_code) if unit_code else None, people=people)
    contact = User.objects.filter(username="enterprise", enterprise_link__isnull=False).first()
    if contact is not None:
        for ago, kind, subject, text, plan in ENTERPRISE:
            day = today - dt.timedelta(days=ago)
            with demo_time.on(day, hour=11):
                inquiry = services.inquiry_ask(actor=contact, kind=kind, subject=subject, text=text)
            unit = contact.enterprise_link.enterprise.territorial_unit or units.get("humen")
            _handle(inquiry, plan=plan, day=day, hq=hq, unit=unit, people=people)
    out.write(f"  {Inquiry.objects.filter(programme=programme).count()} reports, inquiries and enterprise questions")
