"""Group robots (群机器人) of WeCom, DingTalk and Feishu: what each platform's
custom robot accepts, and how the platforms that sign want the request signed.

A unit may configure a robot for its working group; urgent notifications
(`notification_kinds.MANDATORY`) are pushed to it at once, one message per unit
however many of its people are told. The core knows the platforms; which unit a
user belongs to and its robot come from the organisation app, registered with
`register_lookup` (the core imports no app).

Platform rules, from their public robot documentation:
- WeCom (企业微信) group robot: POST JSON {"msgtype": "text", "text": {"content": …}} to the
  webhook URL (its `key` is the credential); answers {"errcode": 0, "errmsg": "ok"}.
- DingTalk (钉钉) custom robot, "加签" security: `timestamp` in milliseconds,
  sign = urlencode(base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}"))),
  both appended to the URL as query parameters; same body shape; answers {"errcode": 0}.
- Feishu (飞书) custom bot, "签名校验": `timestamp` in seconds,
  sign = base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", msg=b"")), both in the JSON body
  with {"msg_type": "text", "content": {"text": …}}; answers {"code": 0}.
All three answer HTTP 200 on a refused message too, so the body's code decides.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

WECOM = "wecom"
DINGTALK = "dingtalk"
FEISHU = "feishu"
PLATFORMS = (WECOM, DINGTALK, FEISHU)
# The platforms cap a text message (WeCom 2,048 bytes, DingTalk 20,000); the title,
# the first lines and the link are what a phone shows anyway.
MAX_TEXT_CHARS = 600


class RobotRefused(Exception):
    """The platform answered, but did not post the message (bad key, bad signature, rate limit)."""


@dataclass(frozen=True)
class Robot:
    key: str  # one robot per key: the message goes once per key
    platform: str
    url: str
    secret: str = ""


_lookup: Callable[[Iterable[int]], dict[int, Robot]] | None = None


def register_lookup(lookup: Callable[[Iterable[int]], dict[int, Robot]]) -> None:
    """The app that knows users' units registers how to find their robots: user ids → robot."""
    global _lookup
    _lookup = lookup


def robots_for(user_ids: Iterable[int]) -> dict[int, Robot]:
    return _lookup(user_ids) if _lookup is not None else {}


def _text(title: str, body: str, link: str) -> str:
    text = "\n".join(part for part in (title, body.strip()) if part)
    if len(text) > MAX_TEXT_CHARS:
        text = text[: MAX_TEXT_CHARS - 1] + "…"
    return f"{text}\n{link}" if link else text


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def request_for(
    robot: Robot, *, title: str, body: str = "", link: str = "", now: float | None = None
) -> tuple[str, dict]:
    """The URL and JSON body to POST for one message (signed where the platform signs)."""
    now = time.time() if now is None else now
    text = _text(title, body, link)
    if robot.platform == FEISHU:
        payload: dict[str, Any] = {"msg_type": "text", "content": {"text": text}}
        if robot.secret:
            timestamp = int(now)
            payload.update(timestamp=str(timestamp), sign=feishu_sign(robot.secret, timestamp))
        return robot.url, payload
    payload = {"msgtype": "text", "text": {"content": text}}
    if robot.platform == DINGTALK and robot.secret:
        timestamp = int(now * 1000)
        query = urllib.parse.urlencode({"timestamp": timestamp, "sign": dingtalk_sign(robot.secret, timestamp)})
        separator = "&" if "?" in robot.url else "?"
        return f"{robot.url}{separator}{query}", payload
    return robot.url, payload


def post(robot: Robot, *, title: str, body: str = "", link: str = "", timeout: float = 10) -> None:
    """Send one message; raises RobotRefused when the platform says no, OSError when unreachable."""
    url, payload = request_for(robot, title=title, body=body, link=link)
    if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
        raise RobotRefused(f"not an http(s) address: {url[:40]}")
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        raw = response.read(65536)
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        raise RobotRefused(f"not a JSON answer: {raw[:80]!r}") from None
    code = answer.get("code", answer.get("errcode", answer.get("StatusCode", 0)))
    if code not in (0, "0", None):
        message = answer.get("msg") or answer.get("errmsg") or answer.get("StatusMessage") or ""
        raise RobotRefused(f"{robot.platform} refused: {code} {message}"[:200])
