"""From a month's figures to the bulletin: the default text of each section,
the tables and charts that go with it, and the whole as an official document.

Figures are compiled once (reporting.sources) and stored on the bulletin; the
text is what HQ edits; tables and charts are always drawn from the figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from relocation.meetings import official
from relocation.reporting import sources
from relocation.reporting.charts import BarChart

SECTION_KEYS = ["overview", "enterprises", "moves", "enforcement", "tasks", "highlights", "next_steps"]


def period_of(year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return start, end


def compile_figures(programme: Any, year: int, month: int) -> dict[str, Any]:
    start, end = period_of(year, month)
    return {
        "period": {"year": year, "month": month, "start": start.isoformat(), "end": end.isoformat()},
        "enterprises": sources.enterprise_figures(programme, as_of=end),
        "moves": sources.status_moves(programme, start, end),
        "enforcement": sources.enforcement_figures(programme, year, month),
        "tasks": sources.task_figures(programme, start, end),
        "highlights": sources.highlights(programme, start, end),
    }


def headings() -> dict[str, str]:
    return {
        "overview": _("一、总体情况"),
        "enterprises": _("二、企业搬迁进展"),
        "moves": _("三、本月关停搬迁情况"),
        "enforcement": _("四、联合执法情况"),
        "tasks": _("五、任务督办情况"),
        "highlights": _("六、成员单位工作亮点"),
        "next_steps": _("七、下一步工作安排"),
    }


def _count(items: list[dict[str, Any]], *keys: str) -> int:
    return sum(i["count"] for i in items if i["key"] in keys)


def default_text(key: str, figures: dict[str, Any]) -> str:
    """The compiler's draft of a section, written from the figures."""
    period = figures.get("period", {})
    ent = figures.get("enterprises", {})
    moves = figures.get("moves", {})
    tasks = figures.get("tasks", {})
    by_status = ent.get("by_status", [])
    month = _("%(y)s年%(m)s月") % {"y": period.get("year"), "m": period.get("month")}
    if key == "overview":
        done = _count(by_status, "closure_verified", "relocated", "closed")
        rate = tasks.get("on_time_rate")
        return _(
            "截至%(month)s底，基地B区纳入台账企业%(total)s家，已完成关停或搬迁%(done)s家。"
            "本月新增关停%(closures)s家、搬迁投产%(relocations)s家；本月到期任务%(due)s项，按时完成率%(rate)s，"
            "逾期未完成%(overdue)s项。"
        ) % {
            "month": month,
            "total": ent.get("total", 0),
            "done": done,
            "closures": moves.get("closures", 0),
            "relocations": moves.get("relocations", 0),
            "due": tasks.get("due", 0),
            "rate": f"{rate}%" if rate is not None else _("—（本月无到期任务）"),
            "overdue": len(tasks.get("overdue_list", [])),
        }
    if key == "enterprises":
        parts = [f"{i['label']}{i['count']}家" for i in by_status if i["count"]]
        text = _("企业搬迁进度分布：%(parts)s。") % {"parts": "，".join(parts) or _("暂无企业")}
        for name, label in (("by_category", _("分类")), ("by_batch", _("批次"))):
            if ent.get(name):
                text += _("按%(what)s：%(parts)s。") % {
                    "what": label,
                    "parts": "，".join(f"{i['label']}{i['count']}家" for i in ent[name]),
                }
        return text
    if key == "moves":
        items = moves.get("items", [])
        if not items:
            return _("本月无企业完成关停或搬迁。")
        names = "、".join(i["name"] for i in items[:10])
        more = _("等") if len(items) > 10 else ""
        return _("本月共有%(n)s家企业关停或搬迁（%(names)s%(more)s），明细见下表。") % {
            "n": len(items),
            "names": names,
            "more": more,
        }
    if key == "enforcement":
        items = figures.get("enforcement", {}).get("items", [])
        parts = [f"{i['label']}{i['value']}" for i in items if i["value"] not in (0, "0", "0.00")]
        return _("本月联合执法情况：%(parts)s。") % {"parts": "，".join(parts) or _("暂无数据")}
    if key == "tasks":
        lagging = [u for u in tasks.get("by_unit", []) if u.get("overdue")]
        lagging.sort(key=lambda u: -u["overdue"])
        text = _("本月到期任务%(due)s项，按时完成%(on_time)s项。") % {
            "due": tasks.get("due", 0),
            "on_time": tasks.get("on_time", 0),
        }
        if lagging:
            text += _("逾期较多的单位：%(units)s，请相关单位抓紧落实。") % {
                "units": "、".join(f"{u['unit']}（{u['overdue']}项）" for u in lagging[:5])
            }
        return text
    if key == "highlights":
        items = figures.get("highlights", [])
        if not items:
            return _("（请根据各成员单位报送情况补充。）")
        return "\n".join(f"{i['unit']}：{i['text']}" for i in items)
    if key == "next_steps":
        return _("（请指挥部填写下月重点工作安排。）")
    return ""


# ----------------------------------------------------------------------------- charts and tables


def charts(figures: dict[str, Any]) -> dict[str, BarChart]:
    ent = figures.get("enterprises", {})
    tasks = figures.get("tasks", {})
    result = {
        "enterprises": BarChart(
            _("企业搬迁进度（家）"),
            [i["label"] for i in ent.get("by_status", [])],
            [i["count"] for i in ent.get("by_status", [])],
        )
    }
    rated = [u for u in tasks.get("by_unit", []) if u.get("rate") is not None]
    if rated:
        result["tasks"] = BarChart(
            _("本月到期任务按时完成率（%）"),
            [u["unit"] for u in rated],
            [u["rate"] for u in rated],
            unit="%",
            max_value=100,
        )
    return result


def tables(key: str, figures: dict[str, Any]) -> list[list[list[object]]]:
    ent = figures.get("enterprises", {})
    if key == "enterprises":
        out = [[[_("搬迁进度"), _("企业数（家）")], *[[i["label"], i["count"]] for i in ent.get("by_status", [])]]]
        for name, label in (("by_category", _("分类")), ("by_batch", _("批次"))):
            if ent.get(name):
                out.append([[label, _("企业数（家）")], *[[i["label"], i["count"]] for i in ent[name]]])
        return out
    if key == "moves":
        items = figures.get("moves", {}).get("items", [])
        if not items:
            return []
        return [[[_("企业"), _("进度"), _("日期")], *[[i["name"], i["label"], i["on"]] for i in items[:50]]]]
    if key == "enforcement":
        enforcement = figures.get("enforcement", {})
        items = enforcement.get("items", [])
        out = [[[_("指标"), _("数量")], *[[i["label"], i["value"]] for i in items]]] if items else []
        if enforcement.get("by_domain"):
            out.append(
                [[_("执法领域"), _("违法行为（宗）")], *[[d["label"], d["count"]] for d in enforcement["by_domain"]]]
            )
        return out
    if key == "tasks":
        tasks = figures.get("tasks", {})
        out = []
        if tasks.get("by_unit"):
            out.append(
                [
                    [_("牵头单位"), _("到期任务"), _("按时完成"), _("按时完成率"), _("逾期")],
                    *[
                        [
                            u["unit"],
                            u["due"],
                            u["on_time"],
                            f"{u['rate']}%" if u["rate"] is not None else "—",
                            u["overdue"],
                        ]
                        for u in tasks["by_unit"]
                    ],
                ]
            )
        if tasks.get("overdue_list"):
            out.append(
                [
                    [_("牵头单位"), _("逾期任务"), _("完成时限"), _("逾期天数")],
                    *[[t["unit"], t["title"], t["deadline"], t["days"]] for t in tasks["overdue_list"][:50]],
                ]
            )
        return out
    return []


# ----------------------------------------------------------------------------- the document


def document(bulletin: Any, sections: list[Any], *, number: str = "", issued_on: dt.date | None = None):
    """The bulletin as an official document (GB/T 9704-2012), charts included.
    Always in Chinese, whatever the language of the person issuing it."""
    with translation.override(settings.LANGUAGE_CODE):
        return _document(bulletin, sections, number=number, issued_on=issued_on)


def _document(bulletin: Any, sections: list[Any], *, number: str, issued_on: dt.date | None):
    from django.utils import timezone

    from relocation.organisation.models import Unit

    issued_on = issued_on or timezone.localdate()
    figures = bulletin.figures or {}
    drawn = charts(figures)
    blocks: list[official.Block] = []
    for section in sections:
        blocks.append(official.Block("heading1", section.heading))
        blocks.extend(official.text_blocks(section.text))
        for rows in tables(section.key, figures):
            blocks.append(official.Block("table", rows=rows))
        chart = drawn.get(section.key)
        if chart is not None:
            blocks.append(official.Block("chart", svg=chart.svg(), png=chart.png()))
    hq = Unit.objects.filter(programme=bulletin.programme, kind=Unit.Kind.HEADQUARTERS).first()
    issuer = hq.name if hq else _("现场指挥部")
    return official.OfficialDocument(
        authority=_("%(zone)s关停搬迁工作通报") % {"zone": bulletin.programme.zone_name},
        document_number=number,
        title=bulletin.title,
        recipients=_("各成员单位"),
        blocks=blocks,
        signer=issuer,
        date_text=official.chinese_date(issued_on),
        show_seal=True,
        copy_to=_("搬迁协调工作小组各位领导"),
        printed_by=issuer,
        printed_on=official.chinese_date(issued_on),
    )
