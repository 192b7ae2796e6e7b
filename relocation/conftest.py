"""Fixtures every app's tests share: the programme and one persona per role.

Personas: HQ staff, HQ commander, group leader, unit leader and liaison (of the
territorial town Humen), inspector (environment bureau), enterprise contact,
auditor, system admin, and an outsider (a liaison of an unrelated unit)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from relocation.core import credit_code
from relocation.core.roles import Role


@pytest.fixture(autouse=True)
def _source_language_after_each_test():
    """A request through the test client leaves the language LocaleMiddleware
    chose active in this thread; an English page test would otherwise turn
    every later test's messages English (they then fail only in some orders)."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _calendar_years_forgotten_between_tests():
    """The entered holiday notices are remembered per process for a few seconds;
    a test's rolled-back notice must not cover a year in the next test."""
    from relocation.core.workdays import forget_entered_years

    forget_entered_years()
    yield
    forget_entered_years()


@pytest.fixture
def programme(db):
    from relocation.organisation.models import Phase, Programme

    p = Programme.objects.create(
        code="test-zone",
        name="测试关停搬迁项目",
        zone_name="测试基地B区",
        city="东莞市",
        deadline=dt.date(2022, 6, 30),
        center_lat=22.82,
        center_lon=113.69,
    )
    for i, (kind, start, end) in enumerate(
        [
            ("mobilisation", dt.date(2021, 6, 1), dt.date(2021, 8, 31)),
            ("enforcement", dt.date(2021, 9, 1), dt.date(2022, 2, 28)),
            ("relocation", dt.date(2022, 3, 1), dt.date(2022, 6, 30)),
        ]
    ):
        Phase.objects.create(programme=p, kind=kind, name=kind, starts_on=start, ends_on=end, order=i)
    return p


def make_unit(programme: Any, code: str, name: str, kind: str, functions: tuple[str, ...] = (), **extra: Any):
    """A member unit carrying `functions` (rules find units by function, not by code);
    the territorial and receiving flags follow their functions as the loader sets them."""
    from relocation.organisation.models import AssignedFunction, Unit

    unit = Unit.objects.create(
        programme=programme,
        code=code,
        name=name,
        kind=kind,
        is_territorial="territorial_town" in functions,
        is_receiving="receiving_town" in functions,
        **extra,
    )
    AssignedFunction.objects.bulk_create([AssignedFunction(unit=unit, function=f) for f in functions])
    return unit


@pytest.fixture
def units(programme) -> dict[str, Any]:
    spec = [
        ("hq", "现场指挥部", "headquarters", ()),
        ("humen", "虎门镇", "town", ("territorial_town",)),
        ("binhaiwan", "滨海湾新区", "town", ("territorial_town",)),
        ("machong", "麻涌镇", "town", ("receiving_town",)),
        ("eeb", "市生态环境局", "department", ("environment",)),
        ("police", "公安部门", "department", ("police",)),
        ("water", "供水单位", "utility", ("water_supply",)),
        ("power", "供电单位", "utility", ("power_supply",)),
        ("tax", "税务部门", "department", ("tax",)),
    ]
    return {
        code: make_unit(programme, code, name, kind, functions, order=i)
        for i, (code, name, kind, functions) in enumerate(spec)
    }


def make_user(username: str, role: str, unit: Any = None, **extra: Any):
    from relocation.organisation.models import User

    user = User(username=username, role=role, unit=unit, display_name=extra.pop("display_name", username), **extra)
    user.set_password("Passw0rd!")
    user.save()
    return user


@pytest.fixture
def hq_staff(units):
    return make_user("hq_staff", Role.HQ_STAFF, units["hq"])


@pytest.fixture
def hq_commander(units):
    return make_user("hq_commander", Role.HQ_COMMANDER, units["hq"])


@pytest.fixture
def group_leader(units):
    return make_user("group_leader", Role.GROUP_LEADER, units["hq"])


@pytest.fixture
def unit_leader(units):
    return make_user("humen_leader", Role.UNIT_LEADER, units["humen"])


@pytest.fixture
def liaison(units):
    return make_user("humen_liaison", Role.UNIT_LIAISON, units["humen"])


@pytest.fixture
def inspector(units):
    return make_user("inspector", Role.INSPECTOR, units["eeb"])


@pytest.fixture
def inspector2(units):
    return make_user("inspector2", Role.INSPECTOR, units["eeb"])


@pytest.fixture
def outsider(units):
    """A logged-in liaison of an unrelated unit: sees the ledger, edits nothing of Humen's."""
    return make_user("tax_liaison", Role.UNIT_LIAISON, units["tax"])


@pytest.fixture
def auditor(db):
    return make_user("auditor", Role.AUDITOR)


@pytest.fixture
def system_admin(db):
    return make_user("sysadmin", Role.SYSTEM_ADMIN)


def valid_credit_code(n: int) -> str:
    body = f"91441900{n:09d}"
    return body + credit_code.check_character(body)


@pytest.fixture
def make_enterprise(programme, units):
    from relocation.enterprises.models import Enterprise

    counter = {"n": 0}

    def factory(**overrides: Any) -> Enterprise:
        counter["n"] += 1
        n = counter["n"]
        values: dict[str, Any] = {
            "programme": programme,
            "name": f"东莞市测试{n}号电镀有限公司",
            "credit_code": valid_credit_code(n),
            "territorial_unit": units["humen"],
            "industry": "electroplating",
            "processes": ["zinc"],
            "workers_count": 50,
            "floor_area_m2": Decimal("1200"),
            "wastewater_t_per_day": Decimal("30"),
            "contact_phone": "13812345678",
            "latitude": 22.82,
            "longitude": 113.69,
        }
        values.update(overrides)
        e = Enterprise(**values)
        e.search_text = e.build_search_text()
        e.save()
        return e

    return factory


@pytest.fixture
def enterprise(make_enterprise):
    return make_enterprise(name="东莞市虎门精艺电镀有限公司")


@pytest.fixture
def enterprise_contact(enterprise):
    from relocation.enterprises.models import EnterpriseContact

    user = make_user("ent_contact", Role.ENTERPRISE_CONTACT)
    EnterpriseContact.objects.create(user=user, enterprise=enterprise)
    return user


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no browser download)."""
    import os

    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # tests make between page actions are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    p = context.new_page()
    p.set_default_timeout(30000)
    p.base_url = live_server.url  # type: ignore[attr-defined]
    yield p
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    p = context.new_page()
    p.set_default_timeout(30000)
    p.base_url = live_server.url  # type: ignore[attr-defined]
    yield p
    context.close()


def browser_login(page: Any, username: str, password: str = "Passw0rd!") -> None:
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


def browser_switch_user(page: Any, username: str, password: str = "Passw0rd!") -> None:
    """Log out and in as someone else. Leave the page first: an htmx request
    still in flight (sections load that way) would otherwise bring the old
    session cookie back after the cookies are cleared."""
    page.goto("about:blank")
    page.context.clear_cookies()
    browser_login(page, username, password)
