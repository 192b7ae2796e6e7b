"""The kinds of notification, for the channels a user may choose.

A notification's category is the first part of its verb (`task.assigned` → `task`).
Users choose per category whether it also comes by e-mail; the in-app inbox always
gets it. A few verbs always go by e-mail too, whatever the user chose: the formal
and urgent ones, where HQ must be able to rely on the message having gone out.
Keys only: the core names the categories but imports no app.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

OTHER = "other"

CATEGORIES: list[tuple[str, str]] = [
    ("task", _("督办任务：交办、签收、办结、核验、退回、临期和逾期提醒")),
    ("supervision", _("月度督办清单与季度督查报告")),
    ("report", _("双周报告：催报、缺报、审阅结果")),
    ("meeting", _("会议：召开、改期、纪要、议题申请")),
    ("bulletin", _("月度通报：编制与印发")),
    ("letter", _("承诺书日期变更的申请与审批")),
    ("monitoring", _("在线监控告警与告警指派")),
    ("stability", _("维稳与舆情：事件交办、重特大事件、上报市里、舆情交办和逾期")),
    (OTHER, _("其他通知")),
]

# verb → why it always goes by e-mail as well.
MANDATORY: dict[str, str] = {
    "task.notice": _("督办单是指挥部的正式文书，必须确保承办单位收到。"),
    "task.red": _("逾期催办：任务已超过完成时限，承办人必须知道。"),
    "task.escalated": _("逾期升级：已报指挥部或协调小组领导，须立即办理。"),
    "monitoring.alert": _("在线监控告警可能意味着偷排或仍在生产，须立即处置。"),
    "stability.serious_incident": _("重特大维稳、安全或环境事件，指挥部领导须立即知道。"),
    "report.urgent_problem": _("成员单位在双周报告中上报的紧急问题，须指挥部当天知道。"),
}

_KNOWN = {key for key, _label in CATEGORIES}


def category_of(verb: str) -> str:
    prefix = verb.split(".", 1)[0]
    return prefix if prefix in _KNOWN else OTHER


def is_mandatory(verb: str) -> bool:
    return verb in MANDATORY
