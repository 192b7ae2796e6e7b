"""Backup and restore of the whole installation: the database (PostgreSQL with
pg_dump/pg_restore, SQLite with its online backup API) and the uploaded files,
in one archive encrypted with a key the operator holds (BACKUP_KEY, never in
the database nor in the archive).

The archive is a tar (database dump, media/…, manifest.json) sealed in
AES-256-GCM chunks: each chunk's nonce carries its number and the last chunk
is marked, so a reordered, edited or cut-off file is refused, not half restored.
The manifest records the row count of every table, the SHA-256 of every file
and the audit chain's head; a restore checks all three on the restored copy
(the restore drill).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.db import connections
from django.utils import timezone

MAGIC = b"RHQBAK1\n"
CHUNK = 1024 * 1024
SALT_BYTES = 16
NONCE_PREFIX_BYTES = 8
RESTORE_ALIAS = "restore_target"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


# ----------------------------------------------------------------------------- the key and the seal


def load_key(text: str | None) -> bytes:
    """The operator's key: 32 bytes, base64 (`backup --new-key` prints one)."""
    if not text:
        raise BackupError("no backup key: set BACKUP_KEY or pass --key-file (backup --new-key makes one)")
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except ValueError as exc:
        raise BackupError("the backup key is not base64") from exc
    if len(key) != 32:
        raise BackupError("the backup key must be 32 bytes (base64 of 32 random bytes)")
    return key


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def _file_key(key: bytes, salt: bytes) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"rhq-backup").derive(key)
    return AESGCM(derived)


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + struct.pack(">I", index)


def seal(source: BinaryIO, target: BinaryIO, key: bytes) -> None:
    salt, prefix = os.urandom(SALT_BYTES), os.urandom(NONCE_PREFIX_BYTES)
    header = MAGIC + salt + prefix
    target.write(header)
    aead = _file_key(key, salt)
    index = 0
    chunk = source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        final = not following
        sealed = aead.encrypt(_nonce(prefix, index), chunk, header + bytes([final]))
        target.write(struct.pack(">I", len(sealed)) + sealed)
        if final:
            return
        chunk, index = following, index + 1


def unseal(source: BinaryIO, target: BinaryIO, key: bytes) -> None:
    header = source.read(len(MAGIC) + SALT_BYTES + NONCE_PREFIX_BYTES)
    if not header.startswith(MAGIC) or len(header) < len(MAGIC) + SALT_BYTES + NONCE_PREFIX_BYTES:
        raise BackupError("not a Relocation HQ backup file")
    salt = header[len(MAGIC) : len(MAGIC) + SALT_BYTES]
    prefix = header[len(MAGIC) + SALT_BYTES :]
    aead = _file_key(key, salt)
    index = 0
    while True:
        size = source.read(4)
        if len(size) < 4:
            raise BackupError("the backup file is cut off (its last part is missing)")
        sealed = source.read(struct.unpack(">I", size)[0])
        for final in (False, True):
            try:
                chunk = aead.decrypt(_nonce(prefix, index), sealed, header + bytes([final]))
                break
            except InvalidTag:
                continue
        else:
            raise BackupError("wrong backup key, or the file was altered")
        target.write(chunk)
        if final:
            if source.read(1):
                raise BackupError("data after the end of the backup (the file was altered)")
            return
        index += 1


# ----------------------------------------------------------------------------- what is in an installation


def table_counts(using: str = "default") -> dict[str, int]:
    """Rows per table of every model the project keeps (the manifest's check)."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        counts[meta.db_table] = model._base_manager.using(using).count()
    return dict(sorted(counts.items()))


def audit_head(using: str = "default") -> dict[str, Any]:
    from relocation.core.models import AuditEvent

    last = AuditEvent.objects.using(using).order_by("-seq").values("seq", "hash").first()
    return last or {"seq": 0, "hash": ""}


def _media_files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                yield path


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def _pg_env(conf: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["-d", conf["NAME"]]
    if conf.get("HOST"):
        args += ["-h", str(conf["HOST"])]
    if conf.get("PORT"):
        args += ["-p", str(conf["PORT"])]
    if conf.get("USER"):
        args += ["-U", str(conf["USER"])]
    env = {**os.environ}
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        subprocess.run(command, env=env, check=True, capture_output=True)
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed (package postgresql-client)") from exc
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{command[0]} failed: {exc.stderr.decode(errors='replace').strip()[-500:]}") from exc


# ----------------------------------------------------------------------------- backup


@dataclass
class Manifest:
    created_at: str
    vendor: str
    tables: dict[str, int]
    files: dict[str, str]
    audit: dict[str, Any]
    database_file: str
    version: int = 1
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__, ensure_ascii=False, indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        data = json.loads(raw)
        if data.get("version") != 1:
            raise BackupError("this backup was written by a newer version")
        return cls(**data)


def _dump_database(conf: dict[str, Any], vendor: str, workdir: Path) -> str:
    if vendor == "sqlite":
        target = workdir / "database.sqlite3"
        connection = connections["default"]
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return target.name
    if vendor == "postgresql":
        target = workdir / "database.dump"
        args, env = _pg_env(conf)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "-f", str(target), *args], env)
        return target.name
    raise BackupError(f"backup does not know the {vendor} database")


def create_backup(output: Path, key: bytes, media_root: Path | None = None) -> Manifest:
    """Write an encrypted archive of the database and the uploaded files to
    `output` (written beside it first, renamed when complete)."""
    connection = connections["default"]
    vendor = connection.vendor
    media_root = Path(media_root or settings.MEDIA_ROOT)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rhq-backup-") as tmp:
        workdir = Path(tmp)
        # Counts and head first, then the dump: rows written in between make the
        # restored copy richer than the manifest, never poorer (checked as ≥ for the audit).
        tables = table_counts()
        head = audit_head()
        database_file = _dump_database(connection.settings_dict, vendor, workdir)
        files = {str(p.relative_to(media_root)): _sha256(p) for p in _media_files(media_root)}
        manifest = Manifest(
            created_at=timezone.now().isoformat(),
            vendor=vendor,
            tables=tables,
            files=files,
            audit=head,
            database_file=database_file,
        )
        archive = workdir / "archive.tar"
        with tarfile.open(archive, "w") as tar:
            info = tarfile.TarInfo("manifest.json")
            raw = manifest.to_json()
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
            tar.add(workdir / database_file, arcname=database_file)
            for name in files:
                tar.add(media_root / name, arcname=f"media/{name}")
        partial = output.with_name(output.name + ".part")
        with archive.open("rb") as source, partial.open("wb") as target:
            seal(source, target, key)
        partial.replace(output)
    return manifest


# ----------------------------------------------------------------------------- restore


@dataclass
class RestoreReport:
    manifest: Manifest
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def read_archive(path: Path, key: bytes, workdir: Path) -> Manifest:
    archive = workdir / "archive.tar"
    with path.open("rb") as source, archive.open("wb") as target:
        unseal(source, target, key)
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            # The archive is authenticated, but stay inside the work directory anyway.
            if member.name.startswith("/") or ".." in Path(member.name).parts or not member.isfile():
                raise BackupError(f"unexpected entry in the backup: {member.name}")
        tar.extractall(workdir / "content", filter="data")
    return Manifest.from_json((workdir / "content" / "manifest.json").read_bytes())


def target_settings(database_url: str | None) -> dict[str, Any]:
    """The database to restore into: the configured one, or a fresh one named by URL."""
    base = dict(connections.databases["default"])
    if not database_url:
        return base
    import dj_database_url

    parsed = dj_database_url.parse(database_url)
    keep = {k: v for k, v in base.items() if k not in parsed and k not in ("OPTIONS", "TEST")}
    return {**keep, **parsed, "OPTIONS": parsed.get("OPTIONS", {}), "TEST": {}}


def _is_empty(alias: str) -> bool:
    connection = connections[alias]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    if "django_migrations" not in tables:
        return True
    from relocation.core.models import AuditEvent

    return not AuditEvent.objects.using(alias).exists()


def _load_database(manifest: Manifest, conf: dict[str, Any], alias: str, content: Path) -> None:
    dump = content / manifest.database_file
    if manifest.vendor == "sqlite":
        source = sqlite3.connect(dump)
        connection = connections[alias]
        connection.ensure_connection()
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    args, env = _pg_env(conf)
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction", *args,
          str(dump)], env)  # fmt: skip


def _restore_files(manifest: Manifest, content: Path, media_root: Path) -> None:
    for name in manifest.files:
        target = media_root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(content / "media" / name, target)


def verify_restored(manifest: Manifest, alias: str, media_root: Path) -> list[str]:
    """The restore drill's checks on the restored copy: row counts, file
    hashes, and the audit chain intact up to the head the backup saw."""
    from relocation.core.audit import verify_chain
    from relocation.core.audit_checkpoints import Checkpoint

    problems = []
    counts = table_counts(alias)
    for table, expected in manifest.tables.items():
        found = counts.get(table)
        if found is None:
            problems.append(f"table {table} is missing")
        elif found != expected:
            problems.append(f"table {table}: {found} rows, the backup had {expected}")
    for name, digest in manifest.files.items():
        path = media_root / name
        if not path.is_file():
            problems.append(f"file {name} is missing")
        elif _sha256(path) != digest:
            problems.append(f"file {name} differs from the backup")
    head = manifest.audit
    anchor = [Checkpoint(seq=head["seq"], hash=head["hash"], at=manifest.created_at)] if head["seq"] else []
    for problem in verify_chain(checkpoints=anchor, using=alias):
        problems.append(f"audit chain broken at #{problem.seq}: {problem.reason}")
    return problems


def restore_backup(
    path: Path, key: bytes, *, database_url: str | None = None, media_root: Path | None = None, force: bool = False
) -> RestoreReport:
    """Restore the archive into the configured database (or the fresh one at
    `database_url`) and the media root, then run the drill's checks there.
    A database that already holds an audit trail is replaced only with `force`."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    conf = target_settings(database_url)
    alias = "default" if not database_url else RESTORE_ALIAS
    if alias != "default":
        # A connection of its own, not registered in settings.DATABASES: the
        # restored copy is checked before anything else is pointed at it.
        from django.db.utils import load_backend

        connections[alias] = load_backend(conf["ENGINE"]).DatabaseWrapper(conf, alias)
    try:
        with tempfile.TemporaryDirectory(prefix="rhq-restore-") as tmp:
            workdir = Path(tmp)
            manifest = read_archive(path, key, workdir)
            if connections[alias].vendor != manifest.vendor:
                raise BackupError(f"a {manifest.vendor} backup cannot be restored into {connections[alias].vendor}")
            if not force and not _is_empty(alias):
                raise BackupError("the target database already holds data: restore into a fresh one, or pass --force")
            content = workdir / "content"
            connections[alias].close()
            _load_database(manifest, conf, alias, content)
            _restore_files(manifest, content, media_root)
            connections[alias].close()
            return RestoreReport(manifest, verify_restored(manifest, alias, media_root))
    finally:
        if alias != "default":
            connections[alias].close()
            del connections[alias]


def backup_name(now: dt.datetime | None = None) -> str:
    now = timezone.localtime(now or timezone.now())
    return f"rhq-{now:%Y%m%d-%H%M%S}.rhqbak"


def prune(directory: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` archives in `directory`."""
    archives = sorted(directory.glob("rhq-*.rhqbak"))
    removed = archives[:-keep] if keep > 0 else []
    for old in removed:
        old.unlink()
    return removed
