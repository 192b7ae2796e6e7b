"""Send realistic HJ 212 traffic to a server and resend what was not acknowledged.

`manage.py hj212_simulate --devices N --rate R [--host --port --duration --count]`
uses the first N active monitoring points (their MN and password); with
`--mn-prefix` it invents devices instead (they must be registered to be accepted).
"""

from __future__ import annotations

import datetime as dt
import json

import uvloop
from django.core.management.base import BaseCommand, CommandError

from relocation.monitoring.server import raise_open_file_limit, tune_garbage_collector
from relocation.monitoring.simulator import Device, simulate


class Command(BaseCommand):
    help = "Simulate N HJ 212 devices sending real-time data; resend frames that were not acknowledged."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--devices", type=int, default=10)
        parser.add_argument(
            "--rate", type=float, default=1.0, help="frames per second per device (0 = as fast as answers allow)"
        )
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2121)
        parser.add_argument("--duration", type=float, default=60.0, help="seconds at most")
        parser.add_argument("--count", type=int, default=60, help="frames per device")
        parser.add_argument("--window", type=int, default=8, help="unanswered frames per device at most")
        parser.add_argument("--ack-timeout", type=float, default=10.0)
        parser.add_argument(
            "--mn-prefix", default="", help="invent devices <prefix><n> instead of using registered points"
        )
        parser.add_argument(
            "--offset", type=int, default=0, help="skip this many points first (several simulator processes)"
        )
        parser.add_argument("--begin-at", type=float, default=0.0, help="start at this epoch time (several processes)")
        parser.add_argument("--password", default="123456")
        parser.add_argument("--start", default="", help="DataTime of the first frame, YYYYMMDDhhmmss (default: now)")

    def handle(self, *args, **options) -> None:
        start = (
            dt.datetime.strptime(options["start"], "%Y%m%d%H%M%S")
            if options["start"]
            else dt.datetime.now().replace(microsecond=0)
        )
        if options["mn_prefix"]:
            devices = [
                Device(mn=f"{options['mn_prefix']}{i:06d}", pw=options["password"], start=start)
                for i in range(options["offset"], options["offset"] + options["devices"])
            ]
        else:
            from relocation.monitoring.models import MonitoringPoint

            first = options["offset"]
            points = list(
                MonitoringPoint.objects.filter(is_active=True).order_by("id")[first : first + options["devices"]]
            )
            if not points:
                raise CommandError("没有已登记的监控点；请先运行 seed_demo 或使用 --mn-prefix。")
            devices = [Device(mn=p.mn, pw=p.password, start=start) for p in points]
        raise_open_file_limit(len(devices) + 64)
        tune_garbage_collector()  # thousands of frames in flight, as in the server
        result = uvloop.run(
            simulate(
                devices,
                options["host"],
                options["port"],
                count=options["count"],
                rate=options["rate"],
                window=options["window"],
                ack_timeout=options["ack_timeout"],
                duration=options["duration"],
                begin_at=options["begin_at"],
            )
        )
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
