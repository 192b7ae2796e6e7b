"""Run the HJ 212 data server: `manage.py hj212_serve --host 127.0.0.1 --port 2121`."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import subprocess
import sys

import uvloop
from django.core.management.base import BaseCommand

from relocation.monitoring import ingest, storage
from relocation.monitoring.server import Hj212Server, raise_open_file_limit, tune_garbage_collector


class Command(BaseCommand):
    help = "Run the asyncio TCP server that receives HJ 212 uploads from monitoring devices."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2121)
        parser.add_argument("--queue-size", type=int, default=20000, help="frames waiting for storage (back-pressure)")
        parser.add_argument("--batch", type=int, default=6000, help="rows per stored batch at most")
        parser.add_argument("--writers", type=int, default=1, help="concurrent batch writers")
        parser.add_argument("--reuse-port", action="store_true", help="let several processes share the port")
        parser.add_argument(
            "--processes", type=int, default=1, help="server processes sharing the port (SO_REUSEPORT), one per core"
        )

    def handle(self, *args, **options) -> None:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
        raise_open_file_limit()  # one socket per device; children inherit the limit
        if options["processes"] > 1:
            self._run_children(options)
            return
        uvloop.run(self._run(options))

    def _run_children(self, options) -> None:
        """Start N single-process servers on the same port; the kernel spreads
        connections over them. Each stores and acknowledges its own frames."""
        args = [
            sys.executable,
            sys.argv[0],
            "hj212_serve",
            "--host", options["host"],
            "--port", str(options["port"]),
            "--queue-size", str(options["queue_size"]),
            "--batch", str(options["batch"]),
            "--writers", str(options["writers"]),
            "--reuse-port",
        ]  # fmt: skip
        children = [subprocess.Popen(args) for _ in range(options["processes"])]

        def forward(signum, frame):
            for child in children:
                child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, forward)
        signal.signal(signal.SIGINT, forward)
        for child in children:
            child.wait()

    async def _run(self, options) -> None:
        server = Hj212Server(
            load_directory=ingest.PointDirectory.load,
            store=storage.store_rows,
            count_rejections=storage.count_rejections,
            record_activity=storage.record_activity,
            tz=ingest.site_timezone(),
            queue_size=options["queue_size"],
            batch_max=options["batch"],
            writers=options["writers"],
        )
        port = await server.start(options["host"], options["port"], reuse_port=options["reuse_port"])
        tune_garbage_collector()
        self.stdout.write(f"HJ 212 server listening on {options['host']}:{port}")
        self.stdout.flush()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        serving = asyncio.create_task(server.serve_forever())
        await stop.wait()
        serving.cancel()
        await server.stop()
        self.stdout.write(json.dumps(dict(server.stats), ensure_ascii=False))
