"""Urgent notifications reach the unit's group robot at once, once per unit, in
each platform's own payload, signed as the platform checks it. The receiver is a
local HTTP server; the signatures are recomputed here from the platforms'
published recipes, not with the product's code."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from rest_framework.test import APIClient

from relocation.core import robots
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.models import AuditEvent, NotificationDelivery
from relocation.core.notifications import notify
from relocation.core.tasks import deliver
from relocation.organisation.group_robots import group_robot_save, group_robot_test
from relocation.organisation.models import GroupRobot

SECRET = "SEC0123456789abcdef"


class Receiver:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.answer: dict = {"errcode": 0, "errmsg": "ok"}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                length = int(self.headers["Content-Length"])
                url = urllib.parse.urlsplit(self.path)
                receiver.requests.append(
                    {
                        "path": url.path,
                        "query": dict(urllib.parse.parse_qsl(url.query)),
                        "body": json.loads(self.rfile.read(length)),
                        "content_type": self.headers["Content-Type"],
                    }
                )
                data = json.dumps(receiver.answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver(settings):
    settings.RHQ_ROBOT_HOSTS = ["127.0.0.1"]
    r = Receiver()
    yield r
    r.server.shutdown()


def _robot(unit, platform, url, secret="", actor=None):
    return GroupRobot.objects.create(unit=unit, platform=platform, webhook_url=url, secret=secret)


@pytest.mark.django_db
def test_an_urgent_notice_reaches_the_wecom_robot_once_per_unit(receiver, units, liaison, unit_leader):
    _robot(units["humen"], "wecom", f"{receiver.url}/cgi-bin/webhook/send?key=abc")
    items = notify(
        recipients=[liaison, unit_leader], verb="task.red", title="逾期催办：核查用水", body="已逾期 2 个工作日"
    )
    deliver([i.pk for i in items])
    assert len(receiver.requests) == 1
    sent = receiver.requests[0]
    assert sent["path"] == "/cgi-bin/webhook/send" and sent["query"] == {"key": "abc"}
    assert sent["body"]["msgtype"] == "text" and sent["body"]["text"]["content"].startswith(
        "逾期催办：核查用水\n已逾期"
    )
    assert sent["content_type"].startswith("application/json")
    assert NotificationDelivery.objects.filter(channel="robot", status="sent").count() == 1


@pytest.mark.django_db
def test_a_routine_notice_does_not_go_to_the_robot(receiver, units, liaison):
    _robot(units["humen"], "wecom", f"{receiver.url}/send?key=abc")
    deliver([i.pk for i in notify(recipients=[liaison], verb="task.assigned", title="新任务")])
    assert receiver.requests == []


@pytest.mark.django_db
def test_the_dingtalk_request_is_signed_as_dingtalk_checks_it(receiver, units, liaison):
    _robot(units["humen"], "dingtalk", f"{receiver.url}/robot/send?access_token=t0k", SECRET)
    deliver([i.pk for i in notify(recipients=[liaison], verb="monitoring.alert", title="在线监控告警")])
    sent = receiver.requests[0]
    timestamp, sign = sent["query"]["timestamp"], sent["query"]["sign"]
    assert sent["query"]["access_token"] == "t0k" and len(timestamp) == 13  # milliseconds
    expected = base64.b64encode(
        hmac.new(SECRET.encode("utf-8"), f"{timestamp}\n{SECRET}".encode(), digestmod=hashlib.sha256).digest()
    ).decode()
    assert sign == expected
    assert sent["body"] == {"msgtype": "text", "text": {"content": "在线监控告警"}}


@pytest.mark.django_db
def test_the_feishu_request_is_signed_in_the_body(receiver, units, liaison):
    _robot(units["humen"], "feishu", f"{receiver.url}/open-apis/bot/v2/hook/xyz", SECRET)
    receiver.answer = {"code": 0, "msg": "success"}
    deliver([i.pk for i in notify(recipients=[liaison], verb="stability.serious_incident", title="重大事件")])
    body = receiver.requests[0]["body"]
    assert body["msg_type"] == "text" and body["content"] == {"text": "重大事件"}
    assert len(body["timestamp"]) == 10  # seconds
    string_to_sign = f"{body['timestamp']}\n{SECRET}"
    expected = base64.b64encode(hmac.new(string_to_sign.encode(), digestmod=hashlib.sha256).digest()).decode()
    assert body["sign"] == expected


@pytest.mark.django_db
def test_a_refusal_in_a_200_answer_is_retried(receiver, units, liaison):
    _robot(units["humen"], "wecom", f"{receiver.url}/send?key=bad")
    receiver.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    failed = deliver([i.pk for i in notify(recipients=[liaison], verb="task.red", title="逾期")])
    delivery = NotificationDelivery.objects.get(channel="robot")
    assert failed == [delivery.pk] and delivery.status == "pending" and "93000" in delivery.last_error
    receiver.answer = {"errcode": 0}
    assert deliver([delivery.notification_id]) == []
    assert len(receiver.requests) == 2
    delivery.refresh_from_db()
    assert delivery.status == "sent"


@pytest.mark.django_db
def test_only_hq_or_the_unit_leader_sets_a_robot_and_the_secret_is_not_audited(units, hq_staff, liaison, unit_leader):
    url = "https://oapi.dingtalk.com/robot/send?access_token=t0k"
    with pytest.raises(PermissionDeniedError):
        group_robot_save(actor=liaison, unit=units["humen"], platform="dingtalk", webhook_url=url, secret=SECRET)
    with pytest.raises(ServiceError, match="加签"):
        group_robot_save(actor=unit_leader, unit=units["humen"], platform="dingtalk", webhook_url=url)
    with pytest.raises(ServiceError, match="不是钉钉机器人的地址"):
        group_robot_save(
            actor=hq_staff, unit=units["humen"], platform="dingtalk", webhook_url="https://example.com/x", secret=SECRET
        )
    robot = group_robot_save(
        actor=unit_leader, unit=units["humen"], platform="dingtalk", webhook_url=url, secret=SECRET
    )
    # Saving again with the address and secret left empty keeps both.
    group_robot_save(actor=hq_staff, unit=units["humen"], platform="dingtalk", webhook_url="", enabled=False)
    robot.refresh_from_db()
    assert robot.webhook_url == url and robot.secret == SECRET and not robot.enabled
    audit_text = json.dumps(list(AuditEvent.objects.values("summary", "changes")), ensure_ascii=False)
    assert "t0k" not in audit_text and SECRET not in audit_text


@pytest.mark.django_db
def test_the_page_and_the_api(client, receiver, units, hq_staff, liaison):
    unit = units["humen"]
    client.force_login(hq_staff)
    assert client.get(f"/organisation/units/{unit.pk}/robot/").status_code == 200
    response = client.post(
        f"/organisation/units/{unit.pk}/robot/",
        {"platform": "wecom", "webhook_url": f"{receiver.url}/send?key=k1", "enabled": "on", "save": "1"},
    )
    assert response.status_code == 302
    page = client.get(f"/organisation/units/{unit.pk}/robot/").content.decode()
    assert "key=k1" not in page  # the credential is never shown again
    client.post(f"/organisation/units/{unit.pk}/robot/", {"test": "1"})
    assert "测试" in receiver.requests[-1]["body"]["text"]["content"]
    api = APIClient()
    api.force_login(hq_staff)
    body = api.get(f"/api/organisation/units/{unit.pk}/robot/").json()
    assert body == {"platform": "wecom", "enabled": True, "has_secret": False}
    assert (
        api.put(
            f"/api/organisation/units/{unit.pk}/robot/", {"platform": "feishu", "webhook_url": "ftp://x"}, format="json"
        ).status_code
        == 400
    )
    api.force_login(liaison)
    assert api.get(f"/api/organisation/units/{unit.pk}/robot/").status_code == 403
    client.force_login(liaison)
    assert client.get(f"/organisation/units/{unit.pk}/robot/").status_code == 403


def test_the_text_is_cut_for_the_phone_and_keeps_the_link():
    robot = robots.Robot(key="u", platform="wecom", url="https://qyapi.weixin.qq.com/x")
    _url, payload = robots.request_for(robot, title="标题", body="很长" * 500, link="https://hq.example/t/1")
    content = payload["text"]["content"]
    assert content.endswith("\nhttps://hq.example/t/1") and len(content) < robots.MAX_TEXT_CHARS + 40


@pytest.mark.django_db
def test_a_test_message_failure_says_why(receiver, units, hq_staff):
    _robot(units["humen"], "wecom", f"{receiver.url}/send?key=bad")
    receiver.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    with pytest.raises(ServiceError, match="93000"):
        group_robot_test(actor=hq_staff, unit=units["humen"])
