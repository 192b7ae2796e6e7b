"""Demo part of the remediation app: one site in every stage, each moved
through its stages on the day it would have happened, with sampling results
(exceedances of screening and intervention values where the investigation
went on), liabilities, obligations (one compensation partly paid and
escalated, one remediation overdue) and plan milestones (one overdue).

Goes through the services; a site that already exists is left as it is, so a
second run creates nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from relocation.core.demo_time import on
from relocation.core.roles import Role
from relocation.enterprises.lifecycle_facts import STOPPED
from relocation.enterprises.models import Enterprise, EnterpriseContact
from relocation.organisation.models import Programme, User
from relocation.remediation import services
from relocation.remediation.models import LiabilityBasis, Obligation, ObligationKind, ScreeningValue, Site, Stage

# Every stage, and the path that reaches it from 待调查.
FORWARD = [
    Stage.INITIAL,
    Stage.DETAILED,
    Stage.RISK,
    Stage.PLAN,
    Stage.REMEDIATION,
    Stage.EFFECT,
    Stage.CLOSED,
    Stage.HANDED_OVER,
]
PATHS = {
    Stage.PENDING: [],
    Stage.NOT_REQUIRED: [Stage.INITIAL, Stage.NOT_REQUIRED],
    **{stage: FORWARD[: FORWARD.index(stage) + 1] for stage in FORWARD},
}
# Order of the demo sites: the demo enterprise login's plot is under remediation.
ORDER = [
    Stage.REMEDIATION,
    Stage.PENDING,
    Stage.INITIAL,
    Stage.DETAILED,
    Stage.RISK,
    Stage.PLAN,
    Stage.EFFECT,
    Stage.CLOSED,
    Stage.NOT_REQUIRED,
    Stage.HANDED_OVER,
]
REASONS = {
    Stage.INITIAL: "企业已停产腾退，委托第三方开展第一阶段土壤污染状况调查并布点采样",
    Stage.DETAILED: "初步调查六价铬、镍超过第二类用地筛选值，开展详细调查加密布点",
    Stage.NOT_REQUIRED: "初步调查各项指标均低于第二类用地筛选值，经专家评审无需开展详细调查",
    Stage.RISK: "详细调查确定污染范围，编制风险评估报告",
    Stage.PLAN: "风险评估结论为不可接受风险，编制修复方案",
    Stage.REMEDIATION: "修复方案通过专家评审并报市生态环境局备案，进场施工",
    Stage.EFFECT: "修复工程完工，委托第三方开展效果评估采样",
    Stage.CLOSED: "效果评估达标，经评审后移出建设用地土壤污染风险管控和修复名录",
    Stage.HANDED_OVER: "验收销号后移交土地储备机构，纳入再开发利用",
}
MILESTONES = [("进场及围挡", 10), ("污染土壤清挖", 40), ("异位固化稳定化处理", 60), ("基坑验收及回填", 80)]
# (point, depth m, pollutant code, mg/kg) — an electroplating plot.
EXCEEDING = [
    ("S1", "0.5", "cr6", "12.4"),
    ("S1", "0.5", "ni", "1250"),
    ("S1", "1.5", "cr6", "3.1"),
    ("S2", "0.5", "cr6", "96.5"),
    ("S2", "0.5", "cu", "2300"),
    ("S2", "0.5", "cn", "18.2"),
    ("S3", "0.5", "pb", "210"),
    ("S3", "0.5", "ni", "480"),
]
CLEAN = [
    ("S1", "0.5", "cr6", "0.8"),
    ("S1", "0.5", "ni", "62"),
    ("S2", "0.5", "cu", "85"),
    ("S2", "0.5", "cn", "0.6"),
    ("S3", "0.5", "pb", "41"),
]
START = dt.date(2021, 8, 2)
STEP_DAYS = 35


def _report(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{name}.pdf", b"%PDF-1.4\n% demo report\n" + name.encode() + b"\n%%EOF\n")


def _results(actor: Any, site: Site, rows: list[tuple[str, str, str, str]], stage: str, day: dt.date) -> None:
    values = {v.code: v for v in ScreeningValue.objects.all()}
    for point, depth, code, concentration in rows:
        services.result_add(
            actor=actor,
            site=site,
            pollutant=values[code],
            point=point if stage == Stage.INITIAL else f"{point}-{stage[:1].upper()}",
            depth_m=Decimal(depth),
            concentration=Decimal(concentration),
            sampled_on=day,
            stage=stage,
        )


def _walk(site: Site, target: str, town: Any, bureau: Any) -> None:
    """Move the site along its path, entering what each move needs first."""
    day = START
    for stage in PATHS[target]:
        with on(day):
            if stage in (Stage.DETAILED, Stage.RISK):
                # The results of the stage the site is leaving justify the move.
                _results(town, site, EXCEEDING, site.stage, day - dt.timedelta(days=20))
            if stage == Stage.NOT_REQUIRED:
                _results(town, site, CLEAN, Stage.INITIAL, day - dt.timedelta(days=20))
            if stage == Stage.REMEDIATION:
                services.milestones_plan(actor=town, site=site, start=day, steps=MILESTONES)
            if stage == Stage.CLOSED:
                _results(town, site, CLEAN, Stage.EFFECT, day - dt.timedelta(days=20))
            if stage == Stage.PLAN:
                # The site under remediation is behind: its obligation is overdue.
                _liability(site, bureau, day, days=120 if target == Stage.REMEDIATION else 240)
            site.refresh_from_db()
            services.site_move(
                actor=bureau if stage in (Stage.CLOSED, Stage.NOT_REQUIRED, Stage.HANDED_OVER) else town,
                site=site,
                target=stage,
                reason=REASONS[stage],
                evidence=_report(f"{site.code}-{stage}"),
                moved_on=day,
            )
        day += dt.timedelta(days=STEP_DAYS)


def _liability(site: Site, bureau: Any, day: dt.date, *, days: int) -> None:
    liability = services.liability_determine(
        actor=bureau, site=site, basis=LiabilityBasis.POLLUTER, enterprise=site.enterprise, determined_on=day
    )
    services.obligation_create(
        actor=bureau,
        liability=liability,
        kind=ObligationKind.REMEDIATION,
        description="按经备案的修复方案自行或委托专业单位实施修复，并承担全部费用",
        due_on=day + dt.timedelta(days=days),
    )


def _progress(site: Site, town: Any, percents: list[int]) -> None:
    for milestone, percent in zip(site.milestones.order_by("order"), percents, strict=False):
        services.milestone_progress(
            actor=town, milestone=milestone, percent=percent, expected_version=milestone.version
        )


def _land_user_compensation(site: Site, bureau: Any, town: Any) -> None:
    """An earlier polluter that no longer exists: the land user pays compensation."""
    day = dt.date(2021, 12, 6)
    with on(day):
        services.polluter_add(
            actor=town,
            site=site,
            name="东莞市虎门某五金电镀厂（已注销）",
            activity="镀铬、镀镍",
            from_year=2003,
            to_year=2011,
        )
        liability = services.liability_determine(
            actor=bureau,
            site=site,
            basis=LiabilityBasis.LAND_USER,
            party_name="虎门镇某股份经济联合社",
            basis_note="原污染企业 2011 年已注销，无承继其债权债务的单位；由土地使用权人承担相应责任",
            determined_on=day,
        )
        obligation = services.obligation_create(
            actor=bureau,
            liability=liability,
            kind=ObligationKind.COMPENSATION,
            description="承担原电镀厂遗留污染的生态环境损害赔偿",
            amount=Decimal("1860000.00"),
            due_on=dt.date(2022, 3, 31),
        )
    with on(dt.date(2022, 2, 18)):
        services.payment_record(
            actor=town,
            obligation=obligation,
            paid_on=dt.date(2022, 2, 18),
            amount=Decimal("600000.00"),
            reference="HM-2022-0218",
            evidence=_report("payment-receipt"),
        )
    with on(dt.date(2022, 4, 8)):
        services.obligation_escalate(actor=bureau, obligation=obligation)


def seed(*, scale: str, out: Any) -> None:
    programme = Programme.objects.filter(code="humen-zone-b").first()
    if programme is None:
        out.write("  remediation: no demo programme, skipped")
        return
    hq = User.objects.get(username="hq")
    bureau = User.objects.get(username="eeb_liaison")
    contact_link = EnterpriseContact.objects.filter(user__username="enterprise").first()
    # Only vacated plots can be sites: enterprises whose production stopped
    # (the lifecycle's definition), the zone's first town first.
    stopped = Enterprise.objects.filter(programme=programme, status__in=STOPPED, territorial_unit__isnull=False)
    contact_enterprise = getattr(contact_link, "enterprise", None)
    candidates = list(
        stopped.filter(territorial_unit__code="humen")
        .exclude(pk=getattr(contact_enterprise, "pk", None))
        .order_by("id")[: len(ORDER)]
    )
    candidates += list(
        stopped.exclude(territorial_unit__code="humen")
        .exclude(pk=getattr(contact_enterprise, "pk", None))
        .order_by("id")[: max(0, len(ORDER) - len(candidates))]
    )
    if contact_enterprise is not None and stopped.filter(pk=contact_enterprise.pk).exists():
        candidates.insert(0, contact_enterprise)
    created = 0
    for n, (enterprise, stage) in enumerate(zip(candidates, ORDER, strict=False), start=1):
        code = f"HMB-{n:03d}"
        if Site.objects.filter(programme=programme, code=code).exists():
            continue
        # The town that organises the work is the enterprise's own.
        town = (
            User.objects.filter(unit_id=enterprise.territorial_unit_id, role=Role.UNIT_LIAISON).order_by("id").first()
            or hq
        )
        with on(dt.date(2021, 7, 1)):
            site = services.site_create(
                actor=town,
                enterprise=enterprise,
                code=code,
                name=f"{enterprise.name}原厂址地块",
                area_m2=Decimal(3200 + 450 * n),
            )
        _walk(site, stage, town, bureau)
        created += 1
        if stage == Stage.REMEDIATION:
            # Behind plan: the excavation is overdue (the clock stands in May 2022).
            _progress(site, town, [100, 60])
        if stage in (Stage.EFFECT, Stage.CLOSED, Stage.HANDED_OVER):
            _progress(site, town, [100, 100, 100, 100])
        if stage in (Stage.CLOSED, Stage.HANDED_OVER):
            for obligation in Obligation.objects.filter(liability__site=site):
                services.obligation_fulfil(actor=town, obligation=obligation, reason="修复及效果评估完成，验收合格")
        if stage == Stage.RISK:
            _land_user_compensation(site, bureau, town)
    out.write(f"  remediation: {created} sites created ({Site.objects.filter(programme=programme).count()} in all)")
