from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "relocation.organisation"
    label = "organisation"
    verbose_name = _("组织机构")

    def ready(self) -> None:
        from relocation.core import navigation, robots
        from relocation.organisation.group_robots import robots_of_users

        robots.register_lookup(robots_of_users)
        from relocation.core.roles import is_security_admin, is_staff_member, is_system_admin

        navigation.register(
            navigation.NavEntry(
                key="organisation",
                label=_("组织机构"),
                url_name="organisation:overview",
                icon="diagram-3",
                order=90,
                visible=is_staff_member,
            )
        )
        navigation.register(
            navigation.NavEntry(
                key="accounts",
                label=_("账户管理"),
                url_name="organisation:accounts",
                icon="people",
                order=200,
                visible=is_system_admin,
            )
        )
        navigation.register(
            navigation.NavEntry(
                key="programme_setup",
                label=_("项目设置"),
                url_name="organisation:setup",
                icon="gear",
                order=199,
                visible=is_system_admin,
            )
        )
        navigation.register(
            navigation.NavEntry(
                key="account_security",
                label=_("账户安全"),
                url_name="organisation:security",
                icon="shield-lock",
                order=201,
                visible=is_security_admin,
            )
        )
        navigation.register(
            navigation.NavEntry(
                key="account_approvals",
                label=_("账户审批"),
                url_name="organisation:approvals",
                icon="person-check",
                order=202,
                visible=lambda user: is_security_admin(user) or is_system_admin(user),
            )
        )
        from relocation.core import notification_kinds

        notification_kinds.register("account", _("账户审批"), order=90)
        navigation.register_account(
            navigation.NavEntry(
                key="password_change", label=_("修改密码"), url_name="organisation:password_change", icon="key"
            )
        )
        navigation.register_account(
            navigation.NavEntry(
                key="api_token",
                label=_("接口令牌"),
                url_name="organisation:api_token",
                icon="braces",
                order=300,
                visible=is_staff_member,
            )
        )
