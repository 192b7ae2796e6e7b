"""The HJ 212 data server (asyncio TCP).

Each connection reads CRLF-terminated packets, decodes them, authenticates the
device (MN and PW against the registered monitoring points) and hands data
uploads to a bounded queue. Writer tasks drain the queue in batches, store
each batch in a thread (one transaction, COPY on PostgreSQL) and only then
resolve the per-frame futures that send the 9014 data answers. So:

- a frame is acknowledged only after its rows are committed;
- when the database is slow the queue fills and readers wait on `put()`:
  back-pressure reaches the devices through TCP instead of memory growing;
- a failed batch is not acknowledged, the devices resend, and idempotent
  storage drops what had already been stored.

The server does not import the ORM; storage and the point directory are
injected (see the `hj212_serve` command), which keeps it testable.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from relocation.monitoring import ingest
from relocation.monitoring.hj212 import codes, replies
from relocation.monitoring.hj212.frame import MAX_LENGTH, Frame, FrameError, decode
from relocation.monitoring.hj212.reassembly import Reassembler

log = logging.getLogger("relocation.monitoring.hj212")

LINE_LIMIT = MAX_LENGTH + 64


class Hj212Server:
    def __init__(
        self,
        *,
        load_directory: Callable[[], ingest.PointDirectory],
        store: Callable[[Sequence[ingest.Row]], int],
        count_rejections: Callable[[dict], None] | None = None,
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
        self.tz = tz
        self.queue: asyncio.Queue = asyncio.Queue(maxsize=queue_size)
        self.batch_max = batch_max
        self.writers = writers
        self.refresh_seconds = refresh_seconds
        self.idle_timeout = idle_timeout
        self.directory = ingest.PointDirectory()
        self.executor = ThreadPoolExecutor(max_workers=writers + 1, thread_name_prefix="hj212-db")
        self.stats: Counter[str] = Counter()
        self.rejections: Counter[tuple[dt.date, str, str]] = Counter()
        self._server: asyncio.base_events.Server | None = None
        self._tasks: list[asyncio.Task] = []
        self.connections = 0
        self._writers: set[asyncio.StreamWriter] = set()
        # Last activity per connection, swept by housekeeping (cheaper than a timeout per read).
        self._last_seen: dict[asyncio.StreamWriter, float] = {}
        self._now = 0.0

    # -- lifecycle -------------------------------------------------------
    async def start(self, host: str, port: int, *, reuse_port: bool = False) -> int:
        loop = asyncio.get_running_loop()
        self.directory = await loop.run_in_executor(self.executor, self.load_directory)
        self._tasks = [asyncio.create_task(self._writer_loop()) for _ in range(self.writers)]
        self._tasks.append(asyncio.create_task(self._housekeeping()))
        self._tasks.append(asyncio.create_task(self._clock()))
        self._server = await asyncio.start_server(
            self._handle, host, port, limit=LINE_LIMIT, backlog=4096, reuse_port=reuse_port or None
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
        await self.queue.join()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._flush_rejections()
        self.executor.shutdown(wait=True)

    async def abort(self) -> None:
        """Stop like a crash would: drop connections and queued frames unanswered."""
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self.executor.shutdown(wait=True)

    # -- connections -----------------------------------------------------
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.stats["connections"] += 1
        self._writers.add(writer)
        self._last_seen[writer] = self._now
        reassembler = Reassembler()
        try:
            while True:
                try:
                    line = await reader.readuntil(b"\n")
                except asyncio.LimitOverrunError as exc:
                    # No CRLF within the 4-digit length limit: drop what was read.
                    await reader.readexactly(exc.consumed)
                    self._reject("", "bad length")
                    continue
                except (asyncio.IncompleteReadError, ConnectionError):
                    break
                self._last_seen[writer] = self._now
                await self._process(line, writer, reassembler)
        except ValueError:  # stream limit overrun surfaced as ValueError
            self._reject("", "bad length")
        finally:
            self.connections -= 1
            self._writers.discard(writer)
            self._last_seen.pop(writer, None)
            writer.close()

    async def _process(self, line: bytes, writer: asyncio.StreamWriter, reassembler: Reassembler) -> None:
        self.stats["frames"] += 1
        directory = self.directory
        try:
            frame = decode(line, crc_variants=directory.crc_variants)
        except FrameError as exc:
            self._reject(exc.mn, exc.reason)
            return
        except Exception:  # noqa: BLE001 - nothing a device sends may stop the server
            log.exception("unexpected decoder failure")
            self._reject("", "decoder error")
            return
        if frame.oversize:
            self.stats["oversize"] += 1
        point = directory.get(frame.mn)
        if point is None:
            self._reject(frame.mn, "unknown MN")
            self._send(writer, replies.request_answer(frame, codes.QN_BAD_MN))
            return
        if not point.password_ok(frame.pw):
            self._reject(frame.mn, "wrong password")
            self._send(writer, replies.request_answer(frame, codes.QN_BAD_PW))
            return
        cn = frame.cn
        if cn in codes.REPLY_CNS:
            self.stats["replies_received"] += 1
            return
        if cn in codes.NOTIFY_CNS:
            self._send(writer, replies.notify_answer(frame))
            return
        if cn not in codes.UPLOAD_CNS:
            self._reject(frame.mn, "unsupported CN")
            if frame.needs_ack:
                self._send(writer, replies.request_answer(frame, codes.QN_BAD_CN))
            return
        complete = reassembler.feed(frame)
        if complete is None:
            self.stats["parts_waiting"] += 1
            return
        whole, parts = complete
        if cn in codes.DATA_CNS and whole.data_time is None:
            self._reject(frame.mn, "missing field: DataTime")
            return
        rows = ingest.rows_for(whole, point, dt.datetime.now(dt.UTC), self.tz)
        if not rows:
            # Nothing to store (status, restart time …): answer right away.
            self.stats["accepted_without_rows"] += 1
            self._ack(writer, parts)
            return
        future = asyncio.get_running_loop().create_future()
        await self.queue.put((rows, future))  # waits when the writers are behind
        future.add_done_callback(lambda f: self._after_store(f, writer, parts))

    def _after_store(self, future: asyncio.Future, writer: asyncio.StreamWriter, parts: list[Frame]) -> None:
        if future.cancelled() or not future.result():
            self.stats["not_acknowledged"] += 1
            return
        self._ack(writer, parts)

    def _ack(self, writer: asyncio.StreamWriter, parts: list[Frame]) -> None:
        for part in parts:
            if part.needs_ack:
                self._send(writer, replies.data_answer(part))
                self.stats["acknowledged"] += 1

    def _send(self, writer: asyncio.StreamWriter, data: bytes) -> None:
        if writer.is_closing():
            return
        try:
            writer.write(data)
        except (ConnectionError, RuntimeError):
            pass

    def _reject(self, mn: str, reason: str) -> None:
        self.stats["rejected"] += 1
        self.stats[f"rejected:{reason}"] += 1
        self.rejections[(dt.date.today(), mn[:32], reason)] += 1

    # -- storage ---------------------------------------------------------
    async def _writer_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            first = await self.queue.get()
            batch = [first]
            rows_count = len(first[0])
            while rows_count < self.batch_max and not self.queue.empty():
                item = self.queue.get_nowait()
                batch.append(item)
                rows_count += len(item[0])
            rows = [row for item_rows, _ in batch for row in item_rows]
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
            for _, future in batch:
                if not future.done():
                    future.set_result(ok)
                self.queue.task_done()

    async def _clock(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            self._now = loop.time()
            for writer, seen in list(self._last_seen.items()):
                if self._now - seen > self.idle_timeout:
                    writer.transport.abort()  # a device silent this long has gone away
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
        if not self.rejections or self.count_rejections is None:
            return
        pending, self.rejections = dict(self.rejections), Counter()
        try:
            await asyncio.get_running_loop().run_in_executor(self.executor, self.count_rejections, pending)
        except Exception:  # noqa: BLE001
            log.exception("counting rejected frames failed")
            self.rejections.update(pending)
