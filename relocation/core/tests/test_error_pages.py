"""Error pages speak the user's language and keep the navigation: an error is
never a dead end. The 500 page renders without a database query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

pytestmark = [pytest.mark.django_db, pytest.mark.urls("relocation.core.tests.error_urls")]


def _english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def test_it_answers_404_in_chinese_with_the_menu(client, hq_staff):
    client.force_login(hq_staff)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在（404）" in body
    assert 'data-nav="' in body  # the user's navigation menu is there
    assert 'id="error-home"' in body


def test_it_answers_404_in_english(client, hq_staff):
    client.force_login(hq_staff)
    body = _english(client).get("/no-such-page/").content.decode()
    assert "Page not found (404)" in body and "页面不存在" not in body


def test_it_answers_403_with_the_menu(client, hq_staff):
    client.force_login(hq_staff)
    response = client.get("/test-errors/403/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "无权访问（403）" in body and 'data-nav="' in body


def test_it_answers_400_in_the_users_language(client, hq_staff):
    client.force_login(hq_staff)
    response = _english(client).get("/test-errors/400/")
    assert response.status_code == 400
    assert "Bad request (400)" in response.content.decode()


def test_a_refused_form_says_it_expired(hq_staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(hq_staff)
    response = client.post("/inbox/read/", {})
    assert response.status_code == 403
    body = response.content.decode()
    assert "表单已过期" in body and 'data-nav="' in body


@override_settings(DEBUG=False)
def test_it_answers_500_with_home_and_guide_links_and_no_query(rf, hq_staff):
    client = Client(raise_request_exception=False)
    client.force_login(hq_staff)
    from relocation.core import error_pages

    with CaptureQueriesContext(connection) as queries:
        response = error_pages.server_error(rf.get("/"))
    assert len(queries) == 0
    response = client.get("/test-errors/500/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "系统出错（500）" in body
    assert 'href="/guide/' in body and 'id="error-home"' in body


def test_the_500_page_is_english_for_an_english_user(hq_staff):
    client = _english(Client(raise_request_exception=False))
    client.force_login(hq_staff)
    assert "System error (500)" in client.get("/test-errors/500/").content.decode()
