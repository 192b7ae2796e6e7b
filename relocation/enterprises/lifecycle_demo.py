"""Demo part of the relocation lifecycle: three batches, and the 80 demo
enterprises spread over every stage (some relocated, some closed, holdouts,
forced closures), with commitment letters for those that signed and closure
checklists (with photos) for those whose closure was verified.

Everything goes through the services, in the order a real enterprise would
travel, and each step is skipped when already done, so a second run creates
nothing new.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from relocation.core import demo_time
from relocation.core.roles import Role
from relocation.enterprises import batches, closure, commitments, lifecycle
from relocation.enterprises.lifecycle_facts import PRE_CLOSURE
from relocation.enterprises.models import (
    Batch,
    ClosureCheck,
    ClosureItemKind,
    CommitmentDateChange,
    CommitmentLetter,
    DestinationType,
    Enterprise,
    LetterStatus,
    LifecycleStatus,
)
from relocation.organisation.models import Programme, Unit, User

S = LifecycleStatus
from relocation.organisation.demo import DEMO_PASSWORD  # noqa: E402

BATCHES = [
    ("第一批", dt.date(2021, 12, 31), "重点污染、已明确关停或迁出的企业"),
    ("第二批", dt.date(2022, 3, 31), "已签承诺书、待落实去向的企业"),
    ("第三批", dt.date(2022, 6, 30), "其余企业，2022年6月底前全面关停搬迁"),
]
# Accounts of the units that confirm closure items (besides humen_liaison and eeb_liaison).
UNIT_USERS = [
    ("water_liaison", "water", "吕清"),
    ("power_liaison", "power", "丁磊"),
    ("binhaiwan_liaison", "binhaiwan", "苏文"),
]
OUT_OF_CITY = ["迁往肇庆市金属表面处理集聚区", "迁往江门市崖门定点电镀基地", "迁往惠州市印染集中区"]

# (final stage, how many, batch index): 80 enterprises in ledger order.
PLAN: list[tuple[str, int, int]] = [
    (S.SURVEYED, 8, 2),
    (S.INTENTION_RECORDED, 8, 2),
    (S.COMMITMENT_SIGNED, 10, 1),
    (S.DESTINATION_CONFIRMED, 12, 1),
    (S.PRODUCTION_STOPPED, 8, 0),
    (S.CLOSURE_VERIFIED, 6, 0),
    (S.RELOCATED, 10, 0),
    (S.CLOSED, 8, 0),
    (S.HOLDOUT, 5, 1),
    (S.FORCED_CLOSURE, 2, 1),
    ("forced_then_closed", 3, 0),
]
MAIN = [
    S.INTENTION_RECORDED,
    S.COMMITMENT_SIGNED,
    S.DESTINATION_CONFIRMED,
    S.PRODUCTION_STOPPED,
    S.CLOSURE_VERIFIED,
]


def _photo(name: str, taken: str) -> SimpleUploadedFile:
    from PIL import Image

    image = Image.new("RGB", (64, 48), (90, 110, 130))
    exif = Image.Exif()
    exif[0x0132] = taken
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def _scan(enterprise: Enterprise) -> SimpleUploadedFile:
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%% signed commitment letter " + str(enterprise.pk).encode() + b"\n%%EOF\n"
    )
    return SimpleUploadedFile(f"承诺书扫描件-{enterprise.pk}.pdf", body, content_type="application/pdf")


def _users(programme: Programme) -> dict[str, Any]:
    from relocation.organisation.services import user_create

    for username, unit_code, name in UNIT_USERS:
        if not User.objects.filter(username=username).exists():
            unit = Unit.objects.filter(programme=programme, code=unit_code).first()
            if unit is not None:
                user_create(
                    actor=None,
                    username=username,
                    password=DEMO_PASSWORD,
                    role=Role.UNIT_LIAISON,
                    unit=unit,
                    display_name=name,
                    email=f"{username}@demo.invalid",
                )
    return {
        u.username: u
        for u in User.objects.filter(
            username__in=["hq", "commander", "humen_liaison", *[u[0] for u in UNIT_USERS], "eeb_liaison"]
        )
    }


def _closure_user(users: dict[str, Any], unit: Unit | None) -> Any:
    if unit is None:
        return None
    return User.objects.filter(unit=unit, role__in=[Role.UNIT_LIAISON, Role.UNIT_LEADER], is_active=True).first()


def _letter(enterprise: Enterprise, hq: Any, index: int, sign: bool) -> None:
    letter = CommitmentLetter.objects.filter(enterprise=enterprise).first()
    if letter is None:
        batch = enterprise.relocation_plan.batch if hasattr(enterprise, "relocation_plan") else None
        shutdown = batch.deadline if batch else dt.date(2022, 6, 30)
        letter = commitments.letter_generate(
            actor=hq,
            enterprise=enterprise,
            committed_shutdown_on=shutdown - dt.timedelta(days=(index % 4) * 7),
            committed_relocation_on=shutdown + dt.timedelta(days=90),
        )
    if sign and letter.status != LetterStatus.SIGNED:
        commitments.letter_sign(
            actor=hq,
            letter=letter,
            uploaded_file=_scan(enterprise),
            signed_on=dt.date(2021, 7, 1) + dt.timedelta(days=index % 40),
        )


# The day each step happened, spread over the programme so that the history
# reads like a real one (see core.demo_time).
STEP_DAYS = {
    S.INTENTION_RECORDED: (dt.date(2021, 7, 1), 3, 60),
    S.COMMITMENT_SIGNED: (dt.date(2021, 9, 1), 5, 90),
    S.DESTINATION_CONFIRMED: (dt.date(2021, 11, 15), 7, 80),
    S.PRODUCTION_STOPPED: (dt.date(2022, 1, 5), 11, 90),
    S.CLOSURE_VERIFIED: (dt.date(2022, 1, 25), 11, 90),
    S.RELOCATED: (dt.date(2022, 2, 20), 11, 80),
    S.CLOSED: (dt.date(2022, 2, 20), 11, 80),
}


def step_day(step: str, index: int) -> dt.date:
    start, stride, spread = STEP_DAYS[step]
    return start + dt.timedelta(days=(index * stride) % spread)


def _walk(enterprise: Enterprise, target: str, *, index: int, users: dict[str, Any]) -> None:
    road = MAIN[: MAIN.index(target) + 1] if target in MAIN else MAIN
    for step in road:
        if step in STEP_DAYS:
            with demo_time.on(step_day(step, index)):
                _walk_step(enterprise, step, target, index=index, users=users)
    with demo_time.on(step_day(S.RELOCATED, index)):
        _walk_end(enterprise, target, index=index, users=users)


def _walk_step(enterprise: Enterprise, step: str, target: str, *, index: int, users: dict[str, Any]) -> None:
    hq = users["hq"]
    enterprise.refresh_from_db()
    if (
        enterprise.status == step
        or (enterprise.status in MAIN and MAIN.index(enterprise.status) > MAIN.index(step))
        or enterprise.status in {S.RELOCATED, S.CLOSED}
    ):
        return
    if step == S.COMMITMENT_SIGNED:
        _letter(enterprise, hq, index, sign=True)  # signing moves the enterprise
        return
    if step == S.DESTINATION_CONFIRMED:
        closing = target == S.CLOSED
        lifecycle.destination_confirm(
            actor=hq,
            enterprise=enterprise,
            destination_type=DestinationType.CLOSE if closing else DestinationType.OUT_OF_CITY,
            destination_name="" if closing else OUT_OF_CITY[index % len(OUT_OF_CITY)],
        )
        return
    if step == S.CLOSURE_VERIFIED:
        _confirm_checklist(enterprise, users, index, items=list(ClosureItemKind))
    reason = {
        S.INTENTION_RECORDED: "走访核实企业搬迁意向",
        S.PRODUCTION_STOPPED: "现场核查确认已停止生产",
        S.CLOSURE_VERIFIED: "两断三清全部确认，关停核验通过",
    }[step]
    lifecycle.enterprise_transition(actor=hq, enterprise=enterprise, target=step, reason=reason)


def _walk_end(enterprise: Enterprise, target: str, *, index: int, users: dict[str, Any]) -> None:
    hq = users["hq"]
    if target == S.INTENTION_RECORDED and index % 2 == 0:
        _letter(enterprise, hq, index, sign=False)  # generated, waiting for the signature
    if target == S.PRODUCTION_STOPPED:
        # Half-way through the checklist: the utilities have cut water and power.
        _confirm_checklist(enterprise, users, index, items=[ClosureItemKind.WATER_CUT, ClosureItemKind.POWER_CUT])
    enterprise.refresh_from_db()
    if target in {S.RELOCATED, S.CLOSED} and enterprise.status == S.CLOSURE_VERIFIED:
        lifecycle.enterprise_transition(
            actor=hq,
            enterprise=enterprise,
            target=target,
            reason="新厂房已投产" if target == S.RELOCATED else "企业关停退出，注销排污许可",
        )


def _confirm_checklist(enterprise: Enterprise, users: dict[str, Any], index: int, *, items: list[Any]) -> None:
    done = set(ClosureCheck.objects.filter(enterprise=enterprise).values_list("item", flat=True))
    units = closure.responsible_units(enterprise)
    for n, item in enumerate(items):
        if item.value in done:
            continue
        user = _closure_user(users, units[item.value])
        if user is None:
            continue
        closure.closure_item_confirm(
            actor=user,
            enterprise=enterprise,
            item=item.value,
            photos=[_photo(f"{item.value}-{enterprise.pk}.jpg", f"2022:0{1 + index % 6}:1{n} 10:{10 + n}:00")],
            note="现场核查，拍照留档",
        )


def _force(enterprise: Enterprise, users: dict[str, Any], index: int, *, then_close: bool) -> None:
    enterprise.refresh_from_db()
    if enterprise.status in PRE_CLOSURE | {S.HOLDOUT}:
        lifecycle.forced_closure_start(
            actor=users["commander"],
            enterprise=enterprise,
            reason="拒不签署承诺书，逾期未关停",
            decision_ref=f"东环罚〔2022〕{30 + index}号",
        )
    if not then_close:
        return
    enterprise.refresh_from_db()
    if enterprise.status == S.FORCED_CLOSURE:
        lifecycle.enterprise_transition(
            actor=users["hq"], enterprise=enterprise, target=S.PRODUCTION_STOPPED, reason="强制关停到位，已断水断电"
        )
    enterprise.refresh_from_db()
    if enterprise.status == S.PRODUCTION_STOPPED:
        _confirm_checklist(enterprise, users, index, items=list(ClosureItemKind))
        lifecycle.enterprise_transition(
            actor=users["hq"], enterprise=enterprise, target=S.CLOSURE_VERIFIED, reason="两断三清全部确认"
        )
    enterprise.refresh_from_db()
    if enterprise.status == S.CLOSURE_VERIFIED:
        lifecycle.enterprise_transition(
            actor=users["hq"], enterprise=enterprise, target=S.CLOSED, reason="强制关停完成"
        )


def _date_changes(users: dict[str, Any], letters: list[CommitmentLetter]) -> None:
    """Two approved date changes and one waiting for HQ."""
    for n, letter in enumerate(letters[:3]):
        if CommitmentDateChange.objects.filter(letter=letter).exists():
            continue
        change = commitments.date_change_request(
            actor=users["humen_liaison"] if letter.enterprise.territorial_unit.code == "humen" else users["hq"],
            letter=letter,
            new_shutdown_on=letter.committed_shutdown_on + dt.timedelta(days=30),
            new_relocation_on=(letter.committed_relocation_on + dt.timedelta(days=30))
            if letter.committed_relocation_on
            else None,
            reason=["新厂房交付推迟一个月", "设备拆除及危废转运需时", "工人安置协商未完成"][n],
        )
        if n < 2:
            commitments.date_change_decide(
                actor=users["commander"], change=change, approve=True, note="同意，逾期不再延期"
            )


def seed(*, scale: str, out: Any) -> None:
    programme = Programme.objects.get(code="humen-zone-b")
    users = _users(programme)
    hq = users["hq"]
    batch_objs = []
    for order, (name, deadline, description) in enumerate(BATCHES):
        batch = Batch.objects.filter(programme=programme, name=name).first() or batches.batch_create(
            actor=hq, programme=programme, name=name, deadline=deadline, order=order, description=description
        )
        batch_objs.append(batch)
    enterprises = list(
        Enterprise.objects.filter(programme=programme).select_related("territorial_unit").order_by("id")[:80]
    )
    moved_before = sum(1 for e in enterprises if e.status != S.SURVEYED)
    start = 0
    for target, count, batch_index in PLAN:
        group = enterprises[start : start + count]
        batches.batch_assign(actor=hq, batch=batch_objs[batch_index], enterprises=group)
        for offset, enterprise in enumerate(group):
            index = start + offset
            if target == S.SURVEYED:
                continue
            if target == S.HOLDOUT:
                enterprise.refresh_from_db()
                if enterprise.status == S.SURVEYED:
                    with demo_time.on(dt.date(2021, 10, 10) + dt.timedelta(days=index % 30)):
                        lifecycle.enterprise_transition(
                            actor=hq, enterprise=enterprise, target=S.HOLDOUT, reason="多次走访拒不配合搬迁"
                        )
            elif target == S.FORCED_CLOSURE:
                # After the second batch's deadline (31 March): forced closure falls only on a late holdout.
                with demo_time.on(dt.date(2022, 4, 6) + dt.timedelta(days=index % 20)):
                    _force(enterprise, users, index, then_close=False)
            elif target == "forced_then_closed":
                with demo_time.on(dt.date(2022, 2, 10) + dt.timedelta(days=index % 20)):
                    _force(enterprise, users, index, then_close=True)
            else:
                _walk(enterprise, target, index=index, users=users)
        start += count
    signed = list(
        CommitmentLetter.objects.filter(enterprise__in=enterprises[16:26], status=LetterStatus.SIGNED)
        .select_related("enterprise__territorial_unit")
        .order_by("id")
    )
    _date_changes(users, signed)
    moved_after = Enterprise.objects.filter(programme=programme).exclude(status=S.SURVEYED).count()
    out.write(
        f"  lifecycle: {len(batch_objs)} batches, {moved_after} enterprises past surveyed "
        f"({moved_after - moved_before} moved now), {CommitmentLetter.objects.count()} letters"
    )
