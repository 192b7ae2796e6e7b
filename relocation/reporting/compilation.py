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
from django.utils.translation import gettext_lazy

from relocation.meetings import official
from relocation.reporting import sources
from relocation.reporting.charts import BarChart

SECTION_KEYS = [
    "overview",
    "enterprises",
    "moves",
    "enforcement",
    "tasks",
    "social",
    "public",
    "sites",
    "alerts",
    "highlights",
    "next_steps",
]


def period_of(year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return start, end


def compile_figures(programme: Any, year: int, month: int) -> dict[str, Any]:
    start, end = period_of(year, month)
    return {
        "period": {"year": year, "month": month, "start": start.isoformat(), "end": end.isoformat()},
        # The programme's own words, frozen with the figures like everything else.
        "programme": {"name": programme.name, "zone_name": programme.zone_name},
        "enterprises": sources.enterprise_figures(programme, as_of=end),
        "moves": sources.month_arrivals(programme, start, end),
        "enforcement": sources.enforcement_figures(programme, year, month),
        "tasks": sources.task_figures(programme, start, end),
        "social": sources.social_figures(programme, start, end),
        "public": sources.public_figures(programme, start, end),
        "sites": sources.site_figures(programme, start, end),
        "alerts": sources.alert_figures(programme, start, end),
        "highlights": sources.highlights(programme, start, end),
    }


def headings() -> dict[str, str]:
    return {
        "overview": _("一、总体情况"),
        "enterprises": _("二、企业关停搬迁进展"),
        "moves": _("三、本月关停搬迁情况"),
        "enforcement": _("四、联合执法情况"),
        "tasks": _("五、任务督办情况"),
        "social": _("六、工人安置与社会稳定"),
        "public": _("七、公众诉求办理情况"),
        "sites": _("八、污染地块管控情况"),
        "alerts": _("九、监测预警与剧毒化学品"),
        "highlights": _("十、成员单位工作亮点"),
        "next_steps": _("十一、下一步工作安排"),
    }


# How the bulletin names the two ways of grouping enterprises, so that a stage
# (where an enterprise is on its way out) is never read as a category (how HQ
# manages it): 钉子户 is a category; the stage is 拒不关停搬迁.
STAGES = gettext_lazy("搬迁进度阶段")
CATEGORIES = gettext_lazy("管理分类")


def _parts(items: list[dict[str, Any]]) -> str:
    return "，".join(_("%(label)s%(count)s家") % i for i in items if i["count"])


def default_text(key: str, figures: dict[str, Any]) -> str:
    """The compiler's draft of a section, written from the figures. Every
    count is of enterprises."""
    period = figures.get("period", {})
    ent = figures.get("enterprises", {})
    summary = ent.get("summary", {})
    moves = figures.get("moves", {})
    tasks = figures.get("tasks", {})
    month = _("%(y)s年%(m)s月") % {"y": period.get("year"), "m": period.get("month")}
    if key == "overview":
        rate = tasks.get("on_time_rate")
        return _(
            "截至%(month)s底，%(zone)s纳入台账企业%(total)s家，已关停（停产到位）%(stopped)s家，"
            "其中已搬迁投产%(relocated)s家、已关停退出%(closed)s家；尚未关停%(not_stopped)s家，"
            "其中拒不关停搬迁%(holdouts)s家、强制关停实施中%(forced)s家。"
            "本月新增关停%(closures)s家、搬迁投产%(relocations)s家。"
            "本月到期任务%(due)s项，按时完成率%(rate)s，逾期未完成%(overdue)s项。"
        ) % {
            "month": month,
            "zone": figures.get("programme", {}).get("zone_name", ""),
            "total": summary.get("total", 0),
            "stopped": summary.get("stopped", 0),
            "relocated": summary.get("relocated", 0),
            "closed": summary.get("closed", 0),
            "not_stopped": summary.get("total", 0) - summary.get("stopped", 0),
            "holdouts": summary.get("holdouts", 0),
            "forced": summary.get("forced_closures", 0),
            "closures": moves.get("closures", 0),
            "relocations": moves.get("relocations", 0),
            "due": tasks.get("due", 0),
            "rate": f"{rate}%" if rate is not None else _("—（本月无到期任务）"),
            "overdue": len(tasks.get("overdue_list", [])),
        }
    if key == "enterprises":
        text = _("按%(what)s：%(parts)s。") % {
            "what": STAGES,
            "parts": _parts(ent.get("by_status", [])) or _("暂无企业"),
        }
        if ent.get("by_batch"):
            text += _("按批次：%(parts)s。") % {"parts": _parts(ent["by_batch"])}
        if ent.get("by_category"):
            text += _("按%(what)s（与进度阶段相互独立）：%(parts)s。") % {
                "what": CATEGORIES,
                "parts": _parts(ent["by_category"]),
            }
        return text + _("分布明细见附件表1至表3。")
    if key == "moves":
        items = moves.get("items", [])
        if not items:
            return _("本月无企业关停、搬迁或启动强制关停。")
        text = _("本月新增关停（停产到位）%(closures)s家，其中搬迁投产%(relocations)s家、关停退出%(closed)s家；") % {
            "closures": moves.get("closures", 0),
            "relocations": moves.get("relocations", 0),
            "closed": moves.get("closed_for_good", 0),
        }
        text += _("启动强制关停%(forced)s家，新列为拒不关停搬迁%(holdouts)s家。") % {
            "forced": moves.get("forced_closures", 0),
            "holdouts": moves.get("new_holdouts", 0),
        }
        text += _("一家企业本月多次变更进度的，只计一次。企业名单见附件表4。")
        return text
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
    if key == "social":
        return _social_text(figures.get("social", {}))
    if key == "public":
        return _public_text(figures.get("public"))
    if key == "sites":
        return _sites_text(figures.get("sites"))
    if key == "alerts":
        return _alerts_text(figures.get("alerts"))
    if key == "highlights":
        items = figures.get("highlights", [])
        if not items:
            return _("（请根据各成员单位报送情况补充。）")
        return "\n".join(f"{i['unit']}：{i['text']}" for i in items)
    if key == "next_steps":
        return _("（请指挥部填写下月重点工作安排。）")
    return ""


def _social_text(social: dict[str, Any]) -> str:
    """Workers (arrears open and paid, placement) and stability (incidents, risks)."""
    if not social:
        return _("（本月未汇编工人安置与维稳数据。）")
    kinds = social.get("workers", {}).get("kinds", [])
    place = social.get("workers", {}).get("placement", {})
    inc = social.get("stability", {}).get("incidents", {})
    risks = social.get("stability", {}).get("risks", {})
    open_parts = "，".join(
        _("%(label)s%(n)s件（尚欠%(left)s元）") % {"label": k["label"], "n": k["open"], "left": k["outstanding"]}
        for k in kinds
        if k["open"]
    )
    paid = sum(k["paid_in_month"] for k in kinds)
    text = _("劳动纠纷：未解决%(parts)s；本月清偿办结%(paid)s件。") % {
        "parts": open_parts or _("无"),
        "paid": paid,
    }
    text += _("工人安置：花名册%(roster)s人，已安置%(placed)s人，安置率%(rate)s，本月新安置%(new)s人。") % {
        "roster": place.get("roster", 0),
        "placed": place.get("placed", 0),
        "rate": f"{place['rate']}%" if place.get("rate") is not None else "—",
        "new": place.get("placed_in_month", 0),
    }
    text += _(
        "维稳事件：本月发生%(total)s起，涉及%(people)s人，按时首报%(on_time)s起、逾期首报%(late)s起，尚未办结%(open)s起。"
    ) % {
        "total": inc.get("total", 0),
        "people": inc.get("people", 0),
        "on_time": inc.get("reported_on_time", 0),
        "late": inc.get("reported_late", 0),
        "open": inc.get("open", 0),
    }
    levels = "，".join(_("%(label)s风险%(count)s家") % i for i in risks.get("by_level", []) if i["count"])
    text += _("稳定风险：%(levels)s（含欠薪、预警等风险信号）；有风险信号尚未研判%(n)s家。") % {
        "levels": levels or _("暂无研判"),
        "n": risks.get("unassessed_signals", 0),
    }
    return text


def _public_text(public: dict[str, Any] | None) -> str:
    """Reports and inquiries received, answered within their deadline, still open."""
    if public is None:
        return _("（本月未汇编公众诉求数据。）")
    kinds = "，".join(_("%(label)s%(count)s件") % k for k in public.get("by_kind", []) if k["count"])
    return _(
        "本月受理公众和企业诉求%(received)s件（%(kinds)s），不予受理%(rejected)s件；"
        "答复%(answered)s件，其中在办理时限内答复%(on_time)s件。"
        "截至汇编时尚未办结%(open)s件，超过办理时限%(overdue)s件。"
    ) % {
        "received": public.get("received", 0),
        "kinds": kinds or _("无"),
        "rejected": public.get("rejected", 0),
        "answered": public.get("answered", 0),
        "on_time": public.get("answered_on_time", 0),
        "open": public.get("open", 0),
        "overdue": public.get("overdue", 0),
    }


def _sites_text(sites: dict[str, Any] | None) -> str:
    """Contaminated sites by stage and the month's moves."""
    if sites is None:
        return _("（本月未汇编污染地块数据。）")
    stages = "，".join(_("%(label)s%(count)s块") % i for i in sites.get("by_stage", []) if i["count"])
    moved = "，".join(
        _("进入%(label)s%(n)s块") % {"label": i["label"], "n": i["reached_in_month"]}
        for i in sites.get("by_stage", [])
        if i.get("reached_in_month")
    )
    return _(
        "纳入管控的污染地块%(total)s块：%(stages)s。本月%(moved)s；验收销号%(accepted)s块，移交再开发%(handed)s块。"
    ) % {
        "total": sites.get("total", 0),
        "stages": stages or _("暂无"),
        "moved": moved or _("无阶段变化"),
        "accepted": sites.get("accepted_in_month", 0),
        "handed": sites.get("handed_over_in_month", 0),
    }


def _alerts_text(alerts: dict[str, Any] | None) -> str:
    """Detector and highly-toxic-chemical alerts raised, closed and still open."""
    if alerts is None:
        return _("（本月未汇编监测预警数据。）")
    kinds = alerts.get("kinds", [])
    raised = "，".join(_("%(label)s%(n)s条") % {"label": k["label"], "n": k["raised"]} for k in kinds if k["raised"])
    still = "，".join(_("%(label)s%(n)s条") % {"label": k["label"], "n": k["open"]} for k in kinds if k["open"])
    return _(
        "本月新发预警：%(raised)s；处置关闭%(closed)s条。截至汇编时未关闭：%(open)s；"
        "其中剧毒化学品账实不符%(toxic)s条，未关闭前相关企业不得通过关停核验。"
    ) % {
        "raised": raised or _("无"),
        "closed": sum(k["closed"] for k in kinds),
        "open": still or _("无"),
        "toxic": alerts.get("toxic_open", 0),
    }


# ----------------------------------------------------------------------------- charts and tables


def charts(figures: dict[str, Any]) -> dict[str, BarChart]:
    ent = figures.get("enterprises", {})
    tasks = figures.get("tasks", {})
    result = {
        "enterprises": BarChart(
            _("企业按%(what)s分布（家）") % {"what": STAGES},
            [i["label"] for i in ent.get("by_status", [])],
            [i["count"] for i in ent.get("by_status", [])],
        )
    }
    staged = [i for i in figures.get("sites", {}).get("by_stage", []) if i["count"]]
    if staged:
        result["sites"] = BarChart(
            _("污染地块按阶段分布（块）"), [i["label"] for i in staged], [i["count"] for i in staged]
        )
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


def annex_tables(figures: dict[str, Any]) -> list[tuple[str, str, list[list[object]]]]:
    """The detailed tables, numbered, as (section key, title, rows): the annex
    of the document (附件), and on the page under the section they belong to."""
    ent = figures.get("enterprises", {})
    moves = figures.get("moves", {})
    enforcement = figures.get("enforcement", {})
    tasks = figures.get("tasks", {})
    social = figures.get("social", {})
    count = _("企业数（家）")
    out: list[tuple[str, str, list[list[object]]]] = [
        (
            "enterprises",
            _("企业按%(what)s分布") % {"what": STAGES},
            [[str(STAGES), count], *[[i["label"], i["count"]] for i in ent.get("by_status", [])]],
        ),
        (
            "enterprises",
            _("企业按批次分布"),
            [[_("批次"), count], *[[i["label"], i["count"]] for i in ent.get("by_batch", [])]],
        ),
        (
            "enterprises",
            _("企业按%(what)s分布") % {"what": CATEGORIES},
            [[str(CATEGORIES), count], *[[i["label"], i["count"]] for i in ent.get("by_category", [])]],
        ),
        (
            "moves",
            _("本月关停搬迁企业名单"),
            [
                [_("企业"), _("本月情况"), _("月底%(what)s") % {"what": STAGES}, _("日期")],
                *[[i["name"], i.get("events", ""), i["label"], i["on"]] for i in moves.get("items", [])],
            ],
        ),
        (
            "enforcement",
            _("联合执法情况"),
            [[_("指标"), _("数量")], *[[i["label"], i["value"]] for i in enforcement.get("items", [])]],
        ),
        (
            "enforcement",
            _("违法行为按执法领域分布"),
            [
                [_("执法领域"), _("违法行为（宗）")],
                *[[d["label"], d["count"]] for d in enforcement.get("by_domain", [])],
            ],
        ),
        (
            "tasks",
            _("本月到期任务按牵头单位"),
            [
                [_("牵头单位"), _("到期任务"), _("按时完成"), _("按时完成率"), _("逾期")],
                *[
                    [u["unit"], u["due"], u["on_time"], f"{u['rate']}%" if u["rate"] is not None else "—", u["overdue"]]
                    for u in tasks.get("by_unit", [])
                ],
            ],
        ),
        (
            "tasks",
            _("逾期未完成任务"),
            [
                [_("牵头单位"), _("逾期任务"), _("完成时限"), _("逾期天数")],
                *[[t["unit"], t["title"], t["deadline"], t["days"]] for t in tasks.get("overdue_list", [])],
            ],
        ),
    ]
    out.append(
        (
            "social",
            _("劳动纠纷案件按类型"),
            [
                [_("类型"), _("未解决（件）"), _("尚欠金额（元）"), _("本月办结（件）"), _("本月清偿（元）")],
                *[
                    [k["label"], k["open"], k["outstanding"], k["paid_in_month"], k["repaid_in_month"]]
                    for k in social.get("workers", {}).get("kinds", [])
                ],
            ],
        )
    )
    public = figures.get("public") or {}
    out.append(
        (
            "public",
            _("本月受理诉求按类型"),
            [[_("类型"), _("受理（件）")], *[[k["label"], k["count"]] for k in public.get("by_kind", [])]],
        )
    )
    out.append(
        (
            "sites",
            _("污染地块按阶段"),
            [
                [_("阶段"), _("地块（块）"), _("本月进入（块）")],
                *[
                    [i["label"], i["count"], i["reached_in_month"]]
                    for i in (figures.get("sites") or {}).get("by_stage", [])
                ],
            ],
        )
    )
    out.append(
        (
            "alerts",
            _("监测预警按类型"),
            [
                [_("类型"), _("本月新发（条）"), _("本月关闭（条）"), _("未关闭（条）")],
                *[
                    [k["label"], k["raised"], k["closed"], k["open"]]
                    for k in (figures.get("alerts") or {}).get("kinds", [])
                ],
            ],
        )
    )
    return [(key, title, rows) for key, title, rows in out if len(rows) > 1]


def tables(key: str, figures: dict[str, Any]) -> list[list[list[object]]]:
    """The detailed tables that belong to a section (shown under it on the page)."""
    return [rows for k, _title, rows in annex_tables(figures) if k == key]


ANNEX_TITLE = gettext_lazy("月度统计表")


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
    # The main text is what a leader reads: the sections and two charts; the
    # detailed tables go to the annex (附件), numbered as the text cites them.
    for section in sections:
        blocks.append(official.Block("heading1", section.heading))
        blocks.extend(official.text_blocks(section.text))
        chart = drawn.get(section.key)
        if chart is not None:
            blocks.append(official.Block("chart", svg=chart.svg(), png=chart.png()))
    annex: list[official.Block] = []
    for n, (_key, title, rows) in enumerate(annex_tables(figures), start=1):
        annex.append(official.Block("caption", _("表%(n)s　%(title)s") % {"n": n, "title": title}))
        annex.append(official.Block("table", rows=rows))
    hq = Unit.objects.filter(programme=bulletin.programme, kind=Unit.Kind.HEADQUARTERS).first()
    issuer = hq.name if hq else _("现场指挥部")
    return official.OfficialDocument(
        authority=_("%(zone)s关停搬迁工作通报") % {"zone": bulletin.programme.zone_name},
        document_number=number,
        title=bulletin.title,
        recipients=_("各成员单位"),
        blocks=blocks,
        annex_title=str(ANNEX_TITLE),
        annex=annex,
        signer=issuer,
        date_text=official.chinese_date(issued_on),
        show_seal=True,
        copy_to=_("搬迁协调工作小组各位领导"),
        printed_by=issuer,
        printed_on=official.chinese_date(issued_on),
    )
