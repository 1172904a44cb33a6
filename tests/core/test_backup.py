"""`manage.py backup` and `manage.py restore`: a consistent copy of the database and the
uploaded files, restored into an empty database and checked row by row and file by file."""

import io
import json
import sqlite3
import tarfile
import uuid

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from core.models import ImportBatch
from dispatch.models import User
from tests.factories import UserFactory
from villages.models import Village

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def empty_database(tmp_path):
    """A new, empty database of the same vendor as the test database: its URL."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    conf = connection.settings_dict
    name = f"restore_{uuid.uuid4().hex[:8]}"
    admin = {"dbname": "postgres", "host": conf["HOST"] or None, "port": conf["PORT"] or None, "user": conf["USER"] or None}
    admin = {k: str(v) for k, v in admin.items() if v}
    with psycopg.connect(**admin, autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    user = f"{conf['USER']}@" if conf["USER"] else ""
    yield f"postgres://{user}{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{name}"
    with psycopg.connect(**admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def count_rows(url: str, table: str) -> int:
    if url.startswith("sqlite:///"):
        db = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            return db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        finally:
            db.close()
    with psycopg.connect(url.replace("postgres://", "postgresql://")) as db:
        return db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


@pytest.fixture
def data(reference_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    user = UserFactory(username="beifen", role="admin", region=None)
    batch = ImportBatch.objects.create(kind="villages", created_by=user, file_name="岢岚县名单.xlsx")
    batch.file.save("岢岚县名单.xlsx", ContentFile(b"original upload bytes"))
    return batch


def test_a_backup_restores_into_an_empty_database_with_every_row_and_file(data, tmp_path, empty_database):
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive))

    restored_media = tmp_path / "restored-media"
    call_command("restore", str(archive), database_url=empty_database, media_root=str(restored_media))

    assert count_rows(empty_database, Village._meta.db_table) == Village.objects.count() > 20000
    assert count_rows(empty_database, User._meta.db_table) == User.objects.count()
    assert count_rows(empty_database, ImportBatch._meta.db_table) == 1
    assert (restored_media / data.file.name).read_bytes() == b"original upload bytes"
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["tables"][Village._meta.db_table] == Village.objects.count()
    assert list(manifest["files"]) == [data.file.name]


def test_a_restore_never_writes_over_a_database_that_has_tables(data, tmp_path, empty_database):
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive))
    call_command("restore", str(archive), database_url=empty_database, media_root=str(tmp_path / "m1"))

    with pytest.raises(CommandError, match="已有数据表：恢复只能写入空数据库"):
        call_command("restore", str(archive), database_url=empty_database, media_root=str(tmp_path / "m2"))
    assert not (tmp_path / "m2").exists()


def test_a_backup_whose_counts_do_not_match_fails_the_restore(data, tmp_path, empty_database):
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive))
    tampered = tmp_path / "tampered.tar"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w") as target:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(content)
                manifest["tables"][Village._meta.db_table] += 1
                content = json.dumps(manifest).encode()
                member.size = len(content)
            target.addfile(member, io.BytesIO(content))

    with pytest.raises(CommandError, match="恢复后的核对未通过"):
        call_command("restore", str(tampered), database_url=empty_database, media_root=str(tmp_path / "m"))


def test_a_backup_never_overwrites_a_file_and_a_foreign_file_is_refused(data, tmp_path, empty_database):
    existing = tmp_path / "old.tar"
    existing.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="已存在"):
        call_command("backup", str(existing))
    assert existing.read_bytes() == b"keep me"

    with pytest.raises(CommandError, match="不是本系统的备份文件"):
        call_command("restore", str(existing), database_url=empty_database)
