"""The HJ 212 data server (asyncio TCP).

Each connection is a `DeviceConnection` protocol: it cuts the byte stream into
CRLF-terminated packets and hands them to the server, which decodes them,
authenticates the device (MN and PW against the registered monitoring points)
and queues data uploads. Writer tasks take the queued frames in batches, store
each batch in a thread (one transaction, COPY on PostgreSQL) and only then
write the 9014 data answers, one write per connection and batch. So:

- a frame is acknowledged only after its rows are committed;
- when the database is slow the queue fills to `queue_size` frames; then the
  connections stop being read (their unread packets wait in the protocol and
  the socket): back-pressure reaches the devices through TCP instead of memory
  growing;
- a failed batch is not acknowledged, the devices resend, and idempotent
  storage drops what had already been stored.

Each device is answered in its own dialect: the version of its frame and the
CRC variant of its point. When a device comes back after a gap, its first
upload on the connection triggers a history-retrieval request for the missing
period (补传); re-sent values fill the gap and duplicates are dropped by the
storage's unique key. A real-time upload whose DataTime is off by more than the
policy's limit triggers a time calibration (1012). What the server saw of each
device (frames by dialect, last frame, clock skew, back-fill requests) is
written periodically with the refusal counts.

Protocols instead of streams, and one write per connection per batch, because
at thousands of frames per second the per-frame cost of the event loop is what
counts (a coroutine, a future and a write per frame cost more than decoding).

The server does not import the ORM; storage and the point directory are
injected (see the `hj212_serve` command), which keeps it testable.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import logging
from collections import Counter, deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from relocation.monitoring import ingest
from relocation.monitoring.hj212 import codes, replies
from relocation.monitoring.hj212.frame import MAX_LENGTH, Frame, FrameError, decode
from relocation.monitoring.hj212.reassembly import Reassembler

log = logging.getLogger("relocation.monitoring.hj212")

LINE_LIMIT = MAX_LENGTH + 64
# A DataTime further ahead of the packet's arrival than this is refused ("DataTime in the
# future"): no clock drifts a day, and such data would be stored for a day not yet begun.
FUTURE_TOLERANCE = dt.timedelta(days=1)


def tune_garbage_collector() -> None:
    """Collect cycles rarely: call once the process has loaded what it keeps.

    Each frame allocates a score of containers (dicts, tuples, the Frame) that
    reference counting frees (they hold no cycles); with the default thresholds
    the cyclic collector ran every few dozen frames and rescanned the thousands of
    frames waiting for storage — a quarter of the server's CPU. Freezing moves what
    is loaded so far (Django, the point directory) out of the collector's sight.
    """
    gc.freeze()
    gc.set_threshold(50_000, 50, 1000)


def raise_open_file_limit(needed: int = 0) -> int:
    """Raise the soft limit of open files to the hard limit (each device holds a
    socket; the usual soft limit of 1,024 stops a server or a simulator at about a
    thousand devices). Returns the limit now in force; logs when it stays below `needed`."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, needed + 1024, 65536)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            log.warning("could not raise the open-file limit from %d", soft)
    if needed and soft < needed:
        log.warning("open-file limit %d is below the %d connections asked for", soft, needed)
    return soft


class DeviceConnection(asyncio.Protocol):
    """One device's TCP connection."""

    def __init__(self, server: Hj212Server) -> None:
        self.server = server
        self.transport: asyncio.Transport | None = None
        self.buffer = b""
        self.discarding = False  # inside a line longer than any packet: drop until its end
        self.held: deque[bytes] = deque()  # packets read but not yet decoded (queue full)
        self.reassembler: Reassembler | None = None
        self.seen = server.now
        self.answers: list[bytes] = []
        self.commands: list[bytes] = []  # requests to the device, sent after the answers they follow
        self.followed_up: set[int] = set()  # points checked for a gap on this connection
        self.time_set: set[int] = set()  # points sent a time calibration on this connection

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.server._opened(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.server._closed(self)
        self.held.clear()

    def data_received(self, data: bytes) -> None:
        self.seen = self.server.now
        if self.buffer:
            data = self.buffer + data
            self.buffer = b""
        if self.discarding:
            end = data.find(b"\n")
            if end < 0:
                return
            data = data[end + 1 :]
            self.discarding = False
        lines = data.split(b"\n")
        rest = lines.pop()
        if len(rest) > LINE_LIMIT:
            # No CRLF within the 4-digit length limit: drop what was read.
            self.server._reject("", "bad length")
            self.discarding = True
        else:
            self.buffer = rest
        if lines:
            self.server._received(self, lines)

    def send(self, data: bytes) -> None:
        transport = self.transport
        if transport is not None and not transport.is_closing():
            transport.write(data)

    def flush_answers(self) -> None:
        if self.commands:  # after the data answer: a logger waits for that first
            self.answers.extend(self.commands)
            self.commands = []
        if self.answers:
            self.send(b"".join(self.answers))
            self.answers = []


class Hj212Server:
    def __init__(
        self,
        *,
        load_directory: Callable[[], ingest.PointDirectory],
        store: Callable[[Sequence[ingest.Row]], int],
        count_rejections: Callable[[dict], None] | None = None,
        record_activity: Callable[[dict, dict], None] | None = None,
        tz: Any = dt.UTC,
        queue_size: int = 20000,
        batch_max: int = 4000,
        writers: int = 1,
        refresh_seconds: float = 30.0,
        idle_timeout: float = 600.0,
    ) -> None:
        self.load_directory = load_directory
        self.store = store
        self.count_rejections = count_rejections
        self.record_activity = record_activity
        self.tz = tz
        self.queue_size = queue_size
        self.batch_max = batch_max
        self.writers = writers
        self.refresh_seconds = refresh_seconds
        self.idle_timeout = idle_timeout
        self.directory = ingest.PointDirectory()
        self.executor = ThreadPoolExecutor(max_workers=writers + 1, thread_name_prefix="hj212-db")
        self.stats: Counter[str] = Counter()
        self.rejections: Counter[tuple[dt.date, str, str]] = Counter()
        # Accepted frames per (day, MN, CRC variant, version) and the devices' latest status.
        self.dialects: Counter[tuple[dt.date, str, str, str]] = Counter()
        self.statuses: dict[int, dict[str, Any]] = {}
        self._server: asyncio.base_events.Server | None = None
        self._tasks: list[asyncio.Task] = []
        self.connections = 0
        self._connections: set[DeviceConnection] = set()
        # Frames decoded and waiting for a writer: (connection, parts to answer, rows).
        self.queue: deque[tuple[DeviceConnection, list[Frame], list[ingest.Row], str]] = deque()
        self._held: deque[DeviceConnection] = deque()  # connections with packets not yet decoded
        self._storing = 0  # frames taken by writers, not yet answered
        self._work: asyncio.Event | None = None
        self._drained: asyncio.Event | None = None
        self._demo_offset = dt.timedelta(0)  # demo time minus real time (config/democlock.py)
        self._future: tuple[dt.datetime | None, dt.datetime] = (None, dt.datetime.max)
        self.now = 0.0  # the loop's clock, ticked each second (cheaper than asking per packet)

    # -- lifecycle -------------------------------------------------------
    async def start(self, host: str, port: int, *, reuse_port: bool = False) -> int:
        loop = asyncio.get_running_loop()
        self._work = asyncio.Event()
        self._drained = asyncio.Event()
        self._drained.set()
        self.now = loop.time()
        from config import democlock

        self._demo_offset = democlock.offset()
        self.directory = await loop.run_in_executor(self.executor, self.load_directory)
        self._tasks = [asyncio.create_task(self._writer_loop()) for _ in range(self.writers)]
        self._tasks.append(asyncio.create_task(self._housekeeping()))
        self._tasks.append(asyncio.create_task(self._clock()))
        self._server = await loop.create_server(
            lambda: DeviceConnection(self), host, port, backlog=4096, reuse_port=reuse_port or None
        )
        return self._server.sockets[0].getsockname()[1]

    async def serve_forever(self) -> None:
        assert self._server is not None
        async with self._server:
            await self._server.serve_forever()

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        # Let queued frames be stored (and acknowledged) before stopping.
        assert self._drained is not None
        await self._drained.wait()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._flush_rejections()
        self.executor.shutdown(wait=True)

    async def abort(self) -> None:
        """Stop like a crash would: drop connections and queued frames unanswered."""
        if self._server is not None:
            self._server.close()
        for connection in list(self._connections):
            if connection.transport is not None:
                connection.transport.abort()
        self.queue.clear()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self.executor.shutdown(wait=True)

    # -- connections -----------------------------------------------------
    def _opened(self, connection: DeviceConnection) -> None:
        self.connections += 1
        self.stats["connections"] += 1
        self._connections.add(connection)
        if self.queue_is_full():
            self._hold(connection, [])  # read once there is room, like the others

    def _closed(self, connection: DeviceConnection) -> None:
        self.connections -= 1
        self._connections.discard(connection)

    def queue_is_full(self) -> bool:
        return len(self.queue) >= self.queue_size

    def _received(self, connection: DeviceConnection, lines: list[bytes]) -> None:
        if connection.held:
            connection.held.extend(lines)
            return
        received_at = dt.datetime.now(dt.UTC)
        for i, line in enumerate(lines):
            if len(self.queue) >= self.queue_size:
                self._hold(connection, lines[i:])
                return
            self._process(line, connection, received_at)

    def _hold(self, connection: DeviceConnection, lines: list[bytes]) -> None:
        """The queue is full: keep the packets undecoded and stop reading this device."""
        connection.held.extend(lines)
        self._held.append(connection)
        if connection.transport is not None:
            connection.transport.pause_reading()

    def _release_held(self) -> None:
        """Room in the queue again: decode held packets, then read again."""
        received_at = dt.datetime.now(dt.UTC)
        held = self._held
        while held and len(self.queue) < self.queue_size:
            connection = held[0]
            lines = connection.held
            while lines and len(self.queue) < self.queue_size:
                self._process(lines.popleft(), connection, received_at)
            if lines:
                return
            held.popleft()
            if connection.transport is not None and not connection.transport.is_closing():
                connection.transport.resume_reading()

    def _process(self, line: bytes, connection: DeviceConnection, received_at: dt.datetime) -> None:
        stats = self.stats
        stats["frames"] += 1
        directory = self.directory
        try:
            frame = decode(line, crc_variants=directory.crc_variants, sm4_key=directory.sm4_key)
        except FrameError as exc:
            self._reject(exc.mn, exc.reason)
            return
        except Exception:  # noqa: BLE001 - nothing a device sends may stop the server
            log.exception("unexpected decoder failure")
            self._reject("", "decoder error")
            return
        if frame.length > 1024:
            stats["oversize"] += 1
        point = directory.get(frame.mn)
        if point is None:
            self._reject(frame.mn, "unknown MN")
            connection.send(replies.request_answer(frame, codes.QN_BAD_MN))
            return
        variant = point.crc_variant
        if not point.password_ok(frame.pw):
            self._reject(frame.mn, "wrong password")
            connection.send(replies.request_answer(frame, codes.QN_BAD_PW, crc_variant=variant))
            return
        if frame.data_time is not None and frame.data_time > self._future_limit(received_at):
            # Refused before anything is learnt from it: a clock years ahead would
            # otherwise become the device's newest DataTime and hide real gaps.
            self._reject(frame.mn, "DataTime in the future")
            return
        self._seen(frame, point, received_at)
        cn = frame.cn
        if cn in codes.REPLY_CNS:
            stats["replies_received"] += 1
            return
        if cn in codes.NOTIFY_CNS or cn == codes.CN_HEARTBEAT:
            if cn in codes.NOTIFY_CNS or frame.needs_ack:
                connection.send(replies.notify_answer(frame, crc_variant=variant))
            return
        if cn not in codes.UPLOAD_CNS:
            self._reject(frame.mn, "unsupported CN")
            if frame.needs_ack:
                connection.send(replies.request_answer(frame, codes.QN_BAD_CN, crc_variant=variant))
            return
        if frame.is_split:
            if connection.reassembler is None:
                connection.reassembler = Reassembler()
            complete = connection.reassembler.feed(frame)
            if complete is None:
                stats["parts_waiting"] += 1
                return
            whole, parts = complete
        else:
            whole, parts = frame, [frame]
        if cn in codes.DATA_CNS and whole.data_time is None and whole.values:
            self._reject(frame.mn, "missing field: DataTime")
            return
        if cn in codes.DATA_CNS and whole.data_time is not None:
            self._follow_up(connection, whole, point, received_at)
        rows = ingest.rows_for(whole, point, received_at, self.tz)
        if not rows:
            # Nothing to store (status, restart time, a data-free upload …): answer right away.
            stats["accepted_without_rows"] += 1
            self._answer(connection, parts, variant)
            connection.flush_answers()
            return
        self.queue.append((connection, parts, rows, variant))
        if self._drained.is_set():  # type: ignore[union-attr]
            self._drained.clear()  # type: ignore[union-attr]
        if not self._work.is_set():  # type: ignore[union-attr]
            self._work.set()  # type: ignore[union-attr]

    def _future_limit(self, received_at: dt.datetime) -> dt.datetime:
        """The latest site-local DataTime accepted for packets that arrived at
        `received_at`: one day ahead of the real time (the demo clock's jump is
        taken back out, as security_clock does). Computed once per read, not per packet."""
        cached = self._future
        if cached[0] is not received_at:
            real = received_at - self._demo_offset
            limit = (real + FUTURE_TOLERANCE).astimezone(self.tz).replace(tzinfo=None)
            cached = self._future = (received_at, limit)
        return cached[1]

    def _answer(self, connection: DeviceConnection, parts: list[Frame], variant: str) -> int:
        answered = 0
        for part in parts:
            if part.needs_ack:
                connection.answers.append(replies.data_answer(part, crc_variant=variant))
                answered += 1
        self.stats["acknowledged"] += answered
        return answered

    # -- what the server learns of each device -----------------------------
    def _seen(self, frame: Frame, point: ingest.PointInfo, received_at: dt.datetime) -> None:
        self.dialects[(received_at.date(), point.mn, frame.crc_variant, frame.version.name[-4:])] += 1
        status = self.statuses.get(point.id)
        if status is None:
            status = self.statuses[point.id] = {}
        status["last_frame_at"] = received_at
        if frame.cn in codes.DATA_CNS and frame.data_time is not None:
            when = frame.data_time.replace(tzinfo=self.tz)
            if when > status.get("last_data_time", when - dt.timedelta(seconds=1)):
                status["last_data_time"] = when
            if frame.cn == codes.CN_REALTIME and not frame.resent:
                status["clock_skew_seconds"] = round((received_at - when).total_seconds())

    def _follow_up(
        self, connection: DeviceConnection, frame: Frame, point: ingest.PointInfo, received_at: dt.datetime
    ) -> None:
        """Back-fill a gap the device left (once per connection), and calibrate its
        clock when it is off by more than the limit."""
        directory = self.directory
        when = frame.data_time.replace(tzinfo=self.tz)  # type: ignore[union-attr]
        if point.id not in connection.followed_up and not frame.resent:
            connection.followed_up.add(point.id)
            last = point.last_data_time
            allowed = dt.timedelta(minutes=point.interval_minutes * directory.gap_factor)
            if last is not None and when - last > allowed:
                cn = codes.CN_MINUTE if point.interval_minutes < 60 else codes.CN_HOURLY
                if frame.cn in (codes.CN_MINUTE, codes.CN_HOURLY, codes.CN_DAILY):
                    cn = frame.cn
                connection.commands.append(
                    self._command(
                        frame,
                        point,
                        cn,
                        {"BeginTime": _site_text(last, self.tz), "EndTime": _site_text(when, self.tz)},
                    )
                )
                self.stats["backfill_requested"] += 1
                status = self.statuses.setdefault(point.id, {})
                status.update(backfill_requested_at=received_at, backfill_from=last, backfill_to=when)
        if frame.cn == codes.CN_REALTIME and point.id not in connection.time_set:
            if abs((received_at - when).total_seconds()) > directory.skew_limit_seconds:
                connection.time_set.add(point.id)
                connection.commands.append(
                    self._command(frame, point, codes.CN_SET_TIME, {"SystemTime": _site_text(received_at, self.tz)})
                )
                self.stats["time_set"] += 1
                self.statuses.setdefault(point.id, {})["time_set_at"] = received_at

    def _command(self, frame: Frame, point: ingest.PointInfo, cn: str, fields: dict[str, str]) -> bytes:
        from relocation.monitoring.hj212.versions import BY_NAME

        version = BY_NAME.get(point.protocol_version, frame.version)
        now = dt.datetime.now(self.tz)
        return version.command(
            qn=now.strftime("%Y%m%d%H%M%S%f")[:17],
            st=frame.st,
            cn=cn,
            pw=frame.pw,
            mn=point.mn,
            cp_fields=fields,
            crc_variant=point.crc_variant,
            sm4_key=point.sm4_key,
        )

    def _reject(self, mn: str, reason: str) -> None:
        self.stats["rejected"] += 1
        self.stats[f"rejected:{reason}"] += 1
        self.rejections[(dt.date.today(), mn[:32], reason)] += 1

    # -- storage ---------------------------------------------------------
    async def _writer_loop(self) -> None:
        loop = asyncio.get_running_loop()
        queue = self.queue
        work = self._work
        assert work is not None
        while True:
            while not queue:
                work.clear()
                await work.wait()
            batch = []
            rows: list[ingest.Row] = []
            while queue and len(rows) < self.batch_max:
                item = queue.popleft()
                batch.append(item)
                rows.extend(item[2])
            self._storing += len(batch)
            if self._held:
                self._release_held()
            ok = True
            try:
                inserted = await loop.run_in_executor(self.executor, self.store, rows)
                self.stats["rows_inserted"] += inserted
                self.stats["frames_stored"] += len(batch)
                self.stats["batches"] += 1
            except Exception:  # noqa: BLE001 - not acknowledged: the devices resend
                log.exception("storing a batch of %d rows failed", len(rows))
                self.stats["batches_failed"] += 1
                ok = False
            if ok:
                touched = set()
                for connection, parts, _, variant in batch:
                    if self._answer(connection, parts, variant) or connection.commands:
                        touched.add(connection)
                for connection in touched:
                    connection.flush_answers()
            else:
                self.stats["not_acknowledged"] += len(batch)
            self._storing -= len(batch)
            if not queue and not self._storing:
                self._drained.set()  # type: ignore[union-attr]

    async def _clock(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            self.now = loop.time()
            for connection in list(self._connections):
                if self.now - connection.seen > self.idle_timeout and connection.transport is not None:
                    connection.transport.abort()  # a device silent this long has gone away
            await asyncio.sleep(1.0)

    async def _housekeeping(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.refresh_seconds)
            try:
                self.directory = await loop.run_in_executor(self.executor, self.load_directory)
            except Exception:  # noqa: BLE001 - keep the old directory
                log.exception("reloading monitoring points failed")
            await self._flush_rejections()

    async def _flush_rejections(self) -> None:
        await self._flush_activity()
        if not self.rejections or self.count_rejections is None:
            return
        pending, self.rejections = dict(self.rejections), Counter()
        try:
            await asyncio.get_running_loop().run_in_executor(self.executor, self.count_rejections, pending)
        except Exception:  # noqa: BLE001
            log.exception("counting rejected frames failed")
            self.rejections.update(pending)

    async def _flush_activity(self) -> None:
        if self.record_activity is None or not (self.dialects or self.statuses):
            return
        dialects, self.dialects = dict(self.dialects), Counter()
        statuses, self.statuses = self.statuses, {}
        try:
            await asyncio.get_running_loop().run_in_executor(self.executor, self.record_activity, dialects, statuses)
        except Exception:  # noqa: BLE001 - statistics only; keep them for the next try
            log.exception("recording device activity failed")
            self.dialects.update(dialects)
            for point_id, status in statuses.items():
                self.statuses.setdefault(point_id, status)


def _site_text(when: dt.datetime, tz: Any) -> str:
    """An aware time as the site-local YYYYMMDDhhmmss the devices speak."""
    return when.astimezone(tz).strftime("%Y%m%d%H%M%S")
