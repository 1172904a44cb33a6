"""Backup and restore of the whole system: the database and the uploaded files.

A backup is one uncompressed tar file holding

- ``database.dump`` (PostgreSQL: ``pg_dump --format=custom``, taken inside the same snapshot
  as the row counts) or ``database.sqlite3`` (SQLite: the online backup API, a consistent copy
  while users keep working);
- ``media/…``: every uploaded file (import originals, signed scans);
- ``manifest.json``: when, from which database vendor, the row count of every table and the
  size and SHA-256 of every file.

A restore goes into an *empty* database (never over live data), unpacks the files, and then
checks every table's row count and every file's checksum against the manifest; any difference
fails the restore loudly. Nothing here knows the project's apps: the tables are Django's models.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.db import connections

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_DUMP = "database.sqlite3"
MEDIA = "media"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Chinese."""


def _tables() -> list[str]:
    """Every table the project's models and Django's own apps keep, sorted."""
    names = {m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy}
    return sorted(names)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _media_files(root: Path) -> dict[str, dict]:
    files = {}
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                files[path.relative_to(root).as_posix()] = {"size": path.stat().st_size, "sha256": _sha256(path)}
    return files


# --- Database side, one pair of functions per vendor ------------------------------------------


def _pg_env(conf: dict) -> dict:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if conf.get(key):
            env[var] = str(conf[key])
    return env


def _run(command: list[str], env: dict) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(f"找不到程序 {command[0]}：请安装 PostgreSQL 客户端（Debian 软件包 postgresql-client）。") from exc
    if done.returncode != 0:
        raise BackupError(f"{command[0]} 执行失败：{done.stderr.strip()[-500:]}")


def _dump_postgresql(alias: str, target: Path) -> dict[str, int]:
    """Count the rows and dump the database inside one exported snapshot, so that the counts are
    exactly what the dump holds even while users keep writing."""
    connection = connections[alias]
    conf = connection.settings_dict
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = {}
            for table in _tables():
                if table in tables:
                    cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
                    counts[table] = cursor.fetchone()[0]
            _run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}", "-f", str(target), conf["NAME"]],
                _pg_env(conf),
            )
        finally:
            cursor.execute("COMMIT")
    return counts


def _dump_sqlite(alias: str, target: Path) -> dict[str, int]:
    connection = connections[alias]
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
        present = {row[0] for row in destination.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return {t: destination.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in _tables() if t in present}
    finally:
        destination.close()


def _pg_connect(conf: dict):
    import psycopg

    params = {
        "dbname": conf["NAME"],
        "host": conf.get("HOST"),
        "port": conf.get("PORT"),
        "user": conf.get("USER"),
        "password": conf.get("PASSWORD"),
    }
    return psycopg.connect(**{k: str(v) for k, v in params.items() if v})


def _count_rows(url_conf: dict, tables: list[str]) -> dict[str, int]:
    """Row counts in the restored database, read over a connection of its own."""
    if url_conf["ENGINE"].endswith("sqlite3"):
        db = sqlite3.connect(url_conf["NAME"])
        try:
            present = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables if t in present}
        finally:
            db.close()
    with _pg_connect(url_conf) as db:
        present = {r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
        return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables if t in present}


def _ensure_empty(url_conf: dict) -> None:
    if url_conf["ENGINE"].endswith("sqlite3"):
        path = Path(url_conf["NAME"])
        if path.exists() and path.stat().st_size > 0:
            db = sqlite3.connect(path)
            try:
                tables = db.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
            finally:
                db.close()
            if tables:
                raise BackupError(f"目标数据库 {path} 已有数据表：恢复只能写入空数据库，请指定新的文件或先移走它。")
        return
    with _pg_connect(url_conf) as db:
        tables = db.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").fetchone()[0]
    if tables:
        raise BackupError(f"目标数据库 {url_conf['NAME']} 已有数据表：恢复只能写入空数据库，请先新建一个空库（createdb）。")


# --- Backup ----------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    rows: int
    tables: int
    files: int


def backup(target: Path, alias: str = "default", media_root: Path | None = None) -> BackupResult:
    """Write the backup tar to ``target`` (a file that must not exist yet)."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} 已存在：备份不会覆盖已有文件。")
    media_root = Path(media_root or settings.MEDIA_ROOT)
    vendor = connections[alias].vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"不支持的数据库类型：{vendor}。")
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / (PG_DUMP if vendor == "postgresql" else SQLITE_DUMP)
        counts = _dump_postgresql(alias, dump) if vendor == "postgresql" else _dump_sqlite(alias, dump)
        files = _media_files(media_root)
        manifest = {
            "format": FORMAT,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "vendor": vendor,
            "database": dump.name,
            "tables": counts,
            "files": files,
        }
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            info = tarfile.TarInfo(MANIFEST)
            payload = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
            tar.add(dump, arcname=dump.name)
            for name in files:
                tar.add(media_root / name, arcname=f"{MEDIA}/{name}")
        partial.rename(target)
    return BackupResult(target, sum(counts.values()), len(counts), len(files))


# --- Restore ---------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    rows: int
    tables: int
    files: int


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in tar.getmembers():
        parts = PurePosixPath(member.name).parts
        if member.name.startswith("/") or ".." in parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"备份文件中有不安全的条目：{member.name}。")
        members.append(member)
    return members


def restore(source: Path, database: dict, media_root: Path) -> RestoreResult:
    """Restore ``source`` into the empty database described by ``database`` (a Django
    DATABASES entry) and the files into ``media_root``; then check rows and files."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"找不到备份文件 {source}。")
    try:
        tar = tarfile.open(source, "r")
    except tarfile.TarError as exc:
        raise BackupError(f"{source} 不是本系统的备份文件（{exc}）。") from exc
    with tar, tempfile.TemporaryDirectory() as work:
        members = {m.name: m for m in _safe_members(tar)}
        if MANIFEST not in members:
            raise BackupError(f"{source} 中没有 {MANIFEST}：不是本系统的备份文件。")
        manifest = json.loads(tar.extractfile(members[MANIFEST]).read())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"备份格式版本 {manifest.get('format')} 与本程序（{FORMAT}）不符。")
        vendor = "sqlite" if database["ENGINE"].endswith("sqlite3") else "postgresql"
        if manifest["vendor"] != vendor:
            raise BackupError(f"备份来自 {manifest['vendor']} 数据库，不能恢复到 {vendor} 数据库。")
        _ensure_empty(database)
        media_root = Path(media_root)
        for name, meta in manifest["files"].items():
            existing = media_root / name
            if existing.exists() and _sha256(existing) != meta["sha256"]:
                raise BackupError(f"上传文件目录中已有同名但内容不同的文件：{name}。恢复不覆盖已有文件。")
        dump = Path(work) / manifest["database"]
        with tar.extractfile(members[manifest["database"]]) as src, dump.open("wb") as dst:
            shutil.copyfileobj(src, dst)
        if vendor == "sqlite":
            Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(dump, database["NAME"])
        else:
            _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "-d", database["NAME"], str(dump)], _pg_env(database))
        for name in manifest["files"]:
            target = media_root / name
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(members[f"{MEDIA}/{name}"]) as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst)
    counts = _count_rows(database, sorted(manifest["tables"]))
    wrong = [f"{t}：备份 {n} 行，恢复后 {counts.get(t)} 行" for t, n in manifest["tables"].items() if counts.get(t) != n]
    wrong += [f"文件 {name} 校验值不符" for name, meta in manifest["files"].items() if _sha256(media_root / name) != meta["sha256"]]
    if wrong:
        raise BackupError("恢复后的核对未通过：" + "；".join(wrong[:20]))
    return RestoreResult(sum(counts.values()), len(counts), len(manifest["files"]))
