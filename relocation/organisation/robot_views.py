"""The page where HQ or a unit's leader sets the unit's group robot."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relocation.core.errors import ServiceError
from relocation.core.roles import is_staff_member
from relocation.organisation import group_robots, selectors
from relocation.organisation.models import GroupRobot


class GroupRobotForm(forms.Form):
    platform = forms.ChoiceField(label=gettext_lazy("平台"), choices=GroupRobot.Platform.choices)
    webhook_url = forms.URLField(
        label=gettext_lazy("Webhook 地址"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("地址含机器人密钥，保存后不再显示；修改其他项时留空即保留原地址。"),
    )
    secret = forms.CharField(
        label=gettext_lazy("加签密钥"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy("钉钉、飞书开启“加签/签名校验”后填写；留空则保留已保存的密钥。"),
    )
    enabled = forms.BooleanField(label=gettext_lazy("启用"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-control"
            field.widget.attrs.setdefault("class", css)


def unit_robot(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_staff_member(request.user):
        raise PermissionDenied
    unit = selectors.unit_for_user(request.user, pk)
    if not group_robots.can_configure(request.user, unit):
        raise PermissionDenied
    robot = GroupRobot.objects.filter(unit=unit).first()
    initial = {"platform": robot.platform, "enabled": robot.enabled} if robot else {}
    form = GroupRobotForm(initial=initial)
    if request.method == "POST":
        try:
            if "remove" in request.POST:
                group_robots.group_robot_remove(actor=request.user, unit=unit)
                messages.success(request, _("已删除群机器人。"))
                return redirect("organisation:unit_robot", pk=unit.pk)
            if "test" in request.POST:
                group_robots.group_robot_test(actor=request.user, unit=unit)
                messages.success(request, _("测试消息已发送，请在群里查看。"))
                return redirect("organisation:unit_robot", pk=unit.pk)
            form = GroupRobotForm(request.POST)
            if form.is_valid():
                group_robots.group_robot_save(actor=request.user, unit=unit, **form.cleaned_data)
                messages.success(request, _("已保存群机器人。"))
                return redirect("organisation:unit_robot", pk=unit.pk)
        except ServiceError as exc:
            form.add_error(None, exc.message)
    return render(request, "organisation/unit_robot.html", {"unit": unit, "robot": robot, "form": form})
