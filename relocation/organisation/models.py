"""The programme and the people who run it.

A programme (one zone's shutdown and relocation) is data: its phases, units,
duties and leading bodies are loaded from a configuration file, so another
city's zone is set up without code changes.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from relocation.core.fields import EncryptedTextField
from relocation.core.models import TimeStampedModel
from relocation.core.roles import Role
from relocation.organisation.functions import UnitFunction


class Programme(TimeStampedModel):
    code = models.SlugField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    zone_name = models.CharField(_("关停区域"), max_length=200)
    city = models.CharField(_("城市"), max_length=64)
    deadline = models.DateField(_("完成期限"))
    goal = models.TextField(_("任务目标"), blank=True)
    # Map framing for the battle map: centre and the zone outline (GeoJSON).
    center_lat = models.FloatField(_("中心纬度"), null=True, blank=True)
    center_lon = models.FloatField(_("中心经度"), null=True, blank=True)
    zone_geojson = models.JSONField(_("区域边界"), default=dict, blank=True)
    is_active = models.BooleanField(_("当前项目"), default=True)
    # The public portal's tracking numbers start with it (HMB-GZ-2022-000123), so
    # that a number read out on the phone says which programme it belongs to.
    tracking_prefix = models.CharField(_("受理编号前缀"), max_length=6, blank=True)

    class Meta:
        ordering = ["-is_active", "code"]
        verbose_name = _("搬迁项目")
        verbose_name_plural = _("搬迁项目")
        constraints = [
            # Two programmes with one prefix would draw numbers from one sequence.
            models.UniqueConstraint(
                fields=["tracking_prefix"],
                condition=~models.Q(tracking_prefix=""),
                name="programme_tracking_prefix_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Phase(TimeStampedModel):
    class Kind(models.TextChoices):
        MOBILISATION = "mobilisation", _("部署动员阶段")
        ENFORCEMENT = "enforcement", _("执法关停阶段")
        RELOCATION = "relocation", _("全面搬迁阶段")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="phases", verbose_name=_("项目"))
    kind = models.CharField(_("阶段"), max_length=32, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    tasks = models.JSONField(_("阶段任务"), default=list, blank=True)

    class Meta:
        ordering = ["programme", "order"]
        verbose_name = _("阶段")
        verbose_name_plural = _("阶段")
        constraints = [
            models.UniqueConstraint(fields=["programme", "kind"], name="phase_kind_once_per_programme"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="phase_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.name


class Unit(TimeStampedModel):
    """A member unit (成员单位): a department, a town government, a utility."""

    class Kind(models.TextChoices):
        HEADQUARTERS = "headquarters", _("现场指挥部")
        TOWN = "town", _("镇街/新区")
        DEPARTMENT = "department", _("职能部门")
        UTILITY = "utility", _("供水供电单位")
        COMMUNITY = "community", _("社区")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="units", verbose_name=_("项目"))
    code = models.SlugField(_("代码"), max_length=64)
    name = models.CharField(_("名称"), max_length=200)
    short_name = models.CharField(_("简称"), max_length=64, blank=True)
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    # 属地: the town/area government responsible for the place.
    is_territorial = models.BooleanField(_("属地单位"), default=False)
    # Receiving towns (承接园区所属镇).
    is_receiving = models.BooleanField(_("承接单位"), default=False)
    duties = models.TextField(_("职责"), blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["programme", "order", "code"]
        verbose_name = _("成员单位")
        verbose_name_plural = _("成员单位")
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="unit_code_unique_in_programme")]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def functions(self) -> list[str]:
        """The unit's functions (prefetch `assigned_functions` in lists). Kept on the
        instance: permission checks ask several times per request."""
        if "_functions" not in self.__dict__:
            self.__dict__["_functions"] = sorted(a.function for a in self.assigned_functions.all())
        return self.__dict__["_functions"]


class AssignedFunction(TimeStampedModel):
    """One function a unit performs in its programme (see `functions.UnitFunction`);
    rules find units by function, never by unit code."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="assigned_functions", verbose_name=_("单位"))
    function = models.CharField(_("职能"), max_length=32, choices=UnitFunction.choices)

    class Meta:
        ordering = ["unit", "function"]
        verbose_name = _("单位职能")
        verbose_name_plural = _("单位职能")
        constraints = [models.UniqueConstraint(fields=["unit", "function"], name="unit_function_once")]
        # units_with_function: the units of one function, then narrowed to the programme.
        indexes = [models.Index(fields=["function", "unit"], name="assigned_function_lookup")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_function_display()}"


class User(AbstractUser):
    """An account. Exactly one role; unit roles belong to one member unit."""

    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="users", verbose_name=_("所属单位")
    )
    display_name = models.CharField(_("姓名"), max_length=64, blank=True)
    phone = EncryptedTextField(_("手机号码"), blank=True)

    class Meta:
        ordering = ["username"]
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            # A member-unit account without a unit would see nothing or, worse, everything.
            models.CheckConstraint(
                condition=~models.Q(role__in=["unit_leader", "unit_liaison", "inspector"])
                | models.Q(unit__isnull=False),
                name="unit_role_needs_unit",
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.username


class Person(TimeStampedModel):
    """Someone named in the organisation (a leader, a liaison); may have an account."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="people", verbose_name=_("单位"))
    name = models.CharField(_("姓名"), max_length=64)
    title = models.CharField(_("职务"), max_length=100, blank=True)
    phone = EncryptedTextField(_("联系电话"), blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="person", verbose_name=_("账户")
    )

    class Meta:
        ordering = ["unit", "name"]
        verbose_name = _("人员")
        verbose_name_plural = _("人员")

    def __str__(self) -> str:
        return self.name


class Body(models.TextChoices):
    COORDINATION_GROUP = "coordination_group", _("搬迁协调工作小组")
    HEADQUARTERS = "headquarters", _("现场指挥部")


class Position(models.TextChoices):
    HEAD = "head", _("组长")
    EXECUTIVE_HEAD = "executive_head", _("执行组长")
    DEPUTY_HEAD = "deputy_head", _("副组长")
    MEMBER = "member", _("成员")
    COMMANDER = "commander", _("总指挥")
    DEPUTY_COMMANDER = "deputy_commander", _("副总指挥")


class Membership(TimeStampedModel):
    """A seat in the coordination group or the HQ."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="memberships")
    body = models.CharField(_("机构"), max_length=32, choices=Body.choices)
    position = models.CharField(_("职位"), max_length=32, choices=Position.choices)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("人员"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme", "body", "order", "id"]
        verbose_name = _("机构成员")
        verbose_name_plural = _("机构成员")
        constraints = [models.UniqueConstraint(fields=["programme", "body", "person"], name="membership_once_per_body")]

    def __str__(self) -> str:
        return f"{self.get_body_display()} {self.get_position_display()} {self.person}"


class LiaisonAssignment(TimeStampedModel):
    """Who is a unit's liaison (联络员), with the history of changes.
    The current one has no end date; at most one is current per unit."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="liaison_assignments", verbose_name=_("单位"))
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="liaison_assignments", verbose_name=_("联络员")
    )
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    assigned_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["unit", "-starts_on", "-id"]
        verbose_name = _("联络员任命")
        verbose_name_plural = _("联络员任命")
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=models.Q(ends_on__isnull=True), name="one_current_liaison_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.person}"


class GroupRobot(TimeStampedModel):
    """A unit's working-group robot (WeCom, DingTalk or Feishu): urgent notifications
    for the unit's people are pushed to it at once. The webhook address carries the
    robot's credential and the signing secret is one too, so both are encrypted."""

    class Platform(models.TextChoices):
        WECOM = "wecom", _("企业微信")
        DINGTALK = "dingtalk", _("钉钉")
        FEISHU = "feishu", _("飞书")

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="group_robot", verbose_name=_("单位"))
    platform = models.CharField(_("平台"), max_length=16, choices=Platform.choices)
    webhook_url = EncryptedTextField(_("Webhook 地址"))
    secret = EncryptedTextField(_("加签密钥"), blank=True)
    enabled = models.BooleanField(_("启用"), default=True)
    updated_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["unit"]
        verbose_name = _("单位群机器人")
        verbose_name_plural = _("单位群机器人")

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_platform_display()}"


class AccountApproval(TimeStampedModel):
    """A second person's approval of an HQ or admin account (三员分立 made real):
    the system admin asks, the security admin decides. Until then a new account
    stays inactive, and an account to be elevated keeps its old role."""

    class Kind(models.TextChoices):
        CREATE = "create", _("新建账户")
        ELEVATE = "elevate", _("提升角色")

    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="approvals", verbose_name=_("账户"))
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    role = models.CharField(_("申请角色"), max_length=32, choices=Role.choices)
    previous_role = models.CharField(_("原角色"), max_length=32, choices=Role.choices, blank=True)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属单位")
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("申请人")
    )
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("审批人")
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    reason = models.TextField(_("审批意见"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("账户审批")
        verbose_name_plural = _("账户审批")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status="pending"), name="one_pending_approval_per_account"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()} · {self.get_role_display()}"


from relocation.organisation.token_models import ApiToken  # noqa: E402, F401
