"""Categories: rules propose from the facts, a person confirms, history is kept."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relocation.core.errors import PermissionDeniedError
from relocation.core.models import AuditEvent
from relocation.enterprises import categories
from relocation.enterprises.models import Category, CategoryChange

pytestmark = pytest.mark.django_db


def cat(code: str) -> Category:
    return Category.objects.get(code=code)


@pytest.mark.parametrize(
    "facts,expected",
    [
        ({"intention": "move_to_park"}, "park_qualified"),
        ({"intention": "move_to_park", "industry": "other"}, "park_unqualified"),
        ({"intention": "move_to_park", "is_repeat_offender": True}, "holdout"),
        ({"intention": "close"}, "close_exit"),
        ({"intention": "move_out_of_city"}, "move_out"),
        ({"intention": "undecided"}, "undecided"),
        ({"intention": ""}, "undecided"),
        ({"intention": "refuses"}, "holdout"),
        ({"intention": "close", "status": "holdout"}, "holdout"),
    ],
)
def test_it_proposes_the_seeded_category_from_the_facts(make_enterprise, facts, expected):
    enterprise = make_enterprise(**facts)
    assert categories.propose(enterprise).code == expected


def test_rules_are_data(make_enterprise):
    Category.objects.create(
        code="big_key_polluter",
        name="重点大户",
        order=1,
        rule={"all": [{"field": "is_key_polluter", "eq": True}, {"field": "workers_count", "gte": 200}]},
    )
    assert categories.propose(make_enterprise(is_key_polluter=True, workers_count=250)).code == "big_key_polluter"
    assert categories.propose(make_enterprise(is_key_polluter=True, workers_count=20, intention="close")).code == (
        "close_exit"
    )


def test_a_malformed_rule_is_refused():
    with pytest.raises(categories.RuleError):
        categories.check_rule({"all": [{"field": "password", "eq": 1}]})
    with pytest.raises(categories.RuleError):
        categories.check_rule({"all": [{"field": "intention", "like": "x"}]})
    categories.check_rule({"any": [{"all": [{"field": "intention", "in": ["close"]}]}]})


def test_confirming_keeps_history_and_audit(hq_staff, liaison, make_enterprise):
    enterprise = make_enterprise(intention="undecided")
    categories.category_confirm(actor=hq_staff, enterprise=enterprise, category=cat("undecided"))
    change = categories.category_confirm(
        actor=liaison, enterprise=enterprise, category=cat("holdout"), reason="多次动员仍拒绝"
    )
    enterprise.refresh_from_db()
    assert enterprise.category.code == "holdout" and enterprise.version == 3
    assert change.from_category.code == "undecided" and change.proposed_category.code == "undecided"
    history = list(categories.category_history(enterprise))
    assert [(h.from_category and h.from_category.code, h.to_category.code) for h in history] == [
        ("undecided", "holdout"),
        (None, "undecided"),
    ]
    event = AuditEvent.objects.filter(action="enterprise.category_confirmed", enterprise_id=enterprise.pk).first()
    assert event.changes["category"] == ["undecided", "holdout"] and event.actor == liaison


def test_confirming_the_same_category_writes_nothing(hq_staff, enterprise):
    categories.category_confirm(actor=hq_staff, enterprise=enterprise, category=cat("undecided"))
    assert categories.category_confirm(actor=hq_staff, enterprise=enterprise, category=cat("undecided")) is None
    assert CategoryChange.objects.count() == 1


def test_an_outsider_cannot_confirm(outsider, inspector, enterprise):
    for persona in (outsider, inspector):
        with pytest.raises(PermissionDeniedError):
            categories.category_confirm(actor=persona, enterprise=enterprise, category=cat("holdout"))


def test_the_detail_page_proposes_and_confirms(client, liaison, make_enterprise):
    enterprise = make_enterprise(intention="close")
    client.force_login(liaison)
    page = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert "规则建议" in page and "关停退出" in page
    response = client.post(
        reverse("enterprises:category_confirm", args=[enterprise.pk]), {"category": "close_exit", "reason": "已签承诺"}
    )
    assert response.status_code == 302
    page = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert 'id="category-history"' in page and "已签承诺" in page


def test_the_confirm_view_refuses_an_outsider(client, outsider, enterprise):
    client.force_login(outsider)
    response = client.post(reverse("enterprises:category_confirm", args=[enterprise.pk]), {"category": "holdout"})
    assert response.status_code == 403
    assert CategoryChange.objects.count() == 0


def test_the_list_filters_by_category(client, hq_staff, make_enterprise):
    a = make_enterprise(name="东莞市甲电镀有限公司", intention="close")
    make_enterprise(name="东莞市乙电镀有限公司")
    categories.category_confirm(actor=hq_staff, enterprise=a, category=cat("close_exit"))
    client.force_login(hq_staff)
    page = client.get(reverse("enterprises:list"), {"category": "close_exit"}).content.decode()
    assert "甲电镀" in page and "乙电镀" not in page
    page = client.get(reverse("enterprises:list"), {"category": "none"}).content.decode()
    assert "甲电镀" not in page and "乙电镀" in page


def test_hq_changes_a_rule_and_the_proposal_follows(client, hq_staff, make_enterprise):
    enterprise = make_enterprise(intention="close", workers_count=300)
    client.force_login(hq_staff)
    assert client.get(reverse("enterprises:categories")).status_code == 200
    response = client.post(
        reverse("enterprises:category_new"),
        {
            "code": "big_closer",
            "name": "大型关停企业",
            "order": 5,
            "rule": '{"all": [{"field": "intention", "in": ["close"]}, {"field": "workers_count", "gte": 200}]}',
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert categories.propose(enterprise).code == "big_closer"
    assert AuditEvent.objects.filter(action="category.created").exists()


def test_a_bad_rule_is_refused_on_the_page(client, hq_staff):
    client.force_login(hq_staff)
    response = client.post(
        reverse("enterprises:category_edit", args=["undecided"]),
        {"code": "undecided", "name": "观望", "order": 50, "rule": '{"all": [{"field": "salary", "eq": 1}]}'},
    )
    assert response.status_code == 200 and "未知的字段" in response.content.decode()
    assert cat("undecided").rule["any"][0]["field"] == "intention"


def test_only_hq_edits_categories(client, liaison):
    client.force_login(liaison)
    assert client.get(reverse("enterprises:categories")).status_code == 200
    assert client.get(reverse("enterprises:category_edit", args=["undecided"])).status_code == 403
    assert client.get(reverse("enterprises:category_new")).status_code == 403


def test_an_enterprise_contact_cannot_see_the_rules(client, enterprise_contact):
    client.force_login(enterprise_contact)
    assert client.get(reverse("enterprises:categories")).status_code == 403


def test_list_query_count_does_not_grow_with_categorised_enterprises(client, hq_staff, make_enterprise):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(hq_staff)
    e = make_enterprise(intention="close")
    categories.category_confirm(actor=hq_staff, enterprise=e, category=cat("close_exit"))
    make_enterprise(intention="move_to_park")
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("enterprises:list"))
    for n in range(20):
        e = make_enterprise(intention="refuses" if n % 2 else "close")
        if n % 3:
            categories.category_confirm(actor=hq_staff, enterprise=e, category=cat("holdout"))
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("enterprises:list"))
    assert len(large) == len(small)


def test_detail_query_count_does_not_grow_with_category_history(client, hq_staff, enterprise):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(hq_staff)
    categories.category_confirm(actor=hq_staff, enterprise=enterprise, category=cat("undecided"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("enterprises:detail", args=[enterprise.pk]))
    for code in ["holdout", "close_exit", "move_out", "undecided", "holdout"]:
        categories.category_confirm(actor=hq_staff, enterprise=enterprise, category=cat(code))
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("enterprises:detail", args=[enterprise.pk]))
    assert len(large) == len(small)
