"""Two-stage spreadsheet imports: preview everything, then confirm all or nothing.

A model's importer (e.g. ``villages.resources.VillageResource``) says which columns it reads,
how to check a chunk of rows and how to write a chunk of staged rows. This module does the
rest, the same for every import:

1. ``preview``: refuse a file that is not what it claims (``core.spreadsheets``), read it
   chunk by chunk, check every row, and keep what would be created or changed as ``ImportRow``s
   of an ``ImportBatch``, with **every** error as "第N行 列名：问题". Nothing else is written.
2. ``confirm``: apply the staged rows — not the file again — in one transaction, re-checking the
   importer's scope and that nobody changed the rows since the preview; any problem rolls the
   whole import back. A second confirm (a double click, another tab) is refused.

Previews not confirmed within an hour are deleted with their file (``clear_stale_previews``).
"""

from __future__ import annotations

import hashlib
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import chain, islice

import xlsxwriter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from import_export.results import Error, RowResult

from core.bulk import insert_rows
from core.columns import CellError, Column, escape_formula
from core.models import ImportBatch, ImportRow
from core.spreadsheets import FileRefused, Table, normalise_text, open_table, table_from_rows

__all__ = [
    "AdminImport",
    "FileRefused",
    "ImportRefused",
    "ImportConflict",
    "RowError",
    "Planned",
    "ChunkCheck",
    "TwoStageImport",
    "clear_stale_previews",
    "template_xlsx",
]


class ImportRefused(Exception):
    """A confirm that cannot go ahead (already imported, expired, has errors)."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column}：{self.message}"

    def as_json(self) -> list:
        return [self.row, self.column, self.message]


class ImportConflict(Exception):
    """The confirm found rows changed since the preview, or out of the importer's scope now."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} 行与预览时不一致")
        self.errors = errors


@dataclass
class Planned:
    row: int
    action: str  # ImportRow.Action
    key: str
    values: dict
    diff: dict = field(default_factory=dict)


@dataclass
class ChunkCheck:
    planned: list[Planned] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


def changed_since_preview(
    values: Mapping, diff: Mapping, current: Callable[[str], object], show: Callable[[str, object], object] | None = None
) -> str | None:
    """The first field a staged row sets (``values``) that is no longer as the preview saw it —
    the old value of ``diff`` where the row changes the field, the row's own value where it did
    not — or None. ``show`` compares displayed values, for diffs that hold them displayed."""
    show = show or (lambda name, value: value)
    for name, value in values.items():
        seen = diff[name][0] if name in diff else show(name, value)
        if show(name, current(name)) != seen:
            return name
    return None


def chunked(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


class TwoStageImport:
    """The engine; a model's resource mixes it in and fills in the hooks."""

    kind: str = ""
    columns: Sequence[Column] = ()
    chunk_size = 2000
    # Set for each import (preview_table), before start(): the file's columns and the header
    # each one has in the file, for the messages.
    present: set[str]
    header: dict[str, str]
    column: dict[str, Column]

    # --- reading cells: each column's parser, the one error format ---------------------------
    def error(self, errors: list[RowError], row: int, key: str, message: str) -> None:
        errors.append(RowError(row, self.header[key], message))

    def cell(self, record: dict, key: str, row: int, errors: list[RowError]):
        """The value of ``record``'s cell ``key`` read by its column's parser, or None with the
        problem added to ``errors`` as "第N行 列名：问题"."""
        try:
            return self.column[key].parse(record[key])
        except CellError as e:
            self.error(errors, row, key, str(e))
            return None

    # --- hooks: each importer defines these -------------------------------------------------
    def start(self, *, user, table: Table) -> None:
        """Build whatever lookups the checks need, once per import. Raise FileRefused for a
        file that lacks what no row can make up for (nothing is written then)."""

    def check_chunk(self, rows: list[tuple[int, dict]], *, user) -> ChunkCheck:
        """Check a chunk of rows (a constant number of queries per chunk, never one per row)."""
        raise TypeError(f"{type(self).__name__} must define check_chunk")

    def apply_chunk(self, rows: list[Planned], *, user, batch: ImportBatch) -> list[RowError]:
        """Lock, re-check and write a chunk of staged rows; return the rows that conflict."""
        raise TypeError(f"{type(self).__name__} must define apply_chunk")

    def batch_region(self, *, user):
        """The region the batch stands in, for who above may see it: the importer's own."""
        return getattr(user, "region", None)

    def new_batch(self, *, user, file_name: str, **fields) -> ImportBatch:
        region = self.batch_region(user=user)
        return ImportBatch(
            kind=self.kind,
            created_by=user,
            file_name=file_name[:255],
            region_code=region.code if region else "",
            region_name=region.name if region else "",
            **fields,
        )

    # --- preview ---------------------------------------------------------------------------
    def preview(self, *, data: bytes, file_name: str, user) -> ImportBatch:
        """Check an uploaded file and stage what it would change. Raises FileRefused for a file
        that cannot be read at all; row problems are listed in the returned batch's errors."""
        clear_stale_previews()
        table = open_table(data, self.columns)
        batch = self.new_batch(user=user, file_name=file_name, file_size=len(data), file_sha256=hashlib.sha256(data).hexdigest())
        # The batch is saved as 检查中 first and each chunk's staged rows are written as soon as it
        # is checked, each write a short transaction of its own: on SQLite a write transaction holds
        # the one write lock of the database (settings: IMMEDIATE), so no long transaction spans the
        # reading of a province-wide file, and memory holds one chunk, not the whole file (the
        # nation's 620,000 rows). The confirm re-checks what the preview saw. On any failure the
        # batch and its staged rows are deleted again: nothing is left of a refused file.
        batch.status = ImportBatch.Status.CHECKING
        batch.save()
        try:
            errors = self.check_table(table=table, user=user, batch=batch, stage=self.stage_rows)
            # The file is stored under its checksum, not the name it came with: a name is the
            # user's text (60 Chinese characters are 180 bytes, over many file systems' 255) and
            # is kept as text on the batch for the download.
            try:
                batch.file.save(stored_file_name(batch.file_sha256, file_name), ContentFile(data), save=False)
            except OSError as e:
                raise FileRefused(f"文件无法保存（{type(e).__name__}），没有导入任何数据。请稍后重试或联系系统管理员。") from None
            self.finish_stage(batch=batch, errors=errors)
        except BaseException:
            discard_batch(batch)
            raise
        return batch

    def preview_table(self, *, table: Table, user, batch: ImportBatch) -> ImportBatch:
        """Check every row of ``table`` and stage the changes on ``batch`` (saved here), inside
        the caller's transaction (the admin's import)."""
        batch.status = ImportBatch.Status.CHECKING
        batch.save()
        errors = self.check_table(table=table, user=user, batch=batch, stage=self.stage_rows)
        return self.finish_stage(batch=batch, errors=errors)

    def check_table(self, *, table: Table, user, batch: ImportBatch, stage: Callable[[ImportBatch, list[Planned]], None]) -> list[RowError]:
        """Check every row of ``table``: each chunk's planned changes are handed to ``stage`` as
        soon as the chunk is checked (one chunk in memory at a time), the counts are set on
        ``batch``; returns the first errors (settings.IMPORT_MAX_ERRORS)."""
        self.present = set(table.columns)
        self.header = {c.key: table.headers.get(c.key, c.header) for c in self.columns}
        self.column = {c.key: c for c in self.columns}
        self.start(user=user, table=table)
        compact = {c.key: c.parser.compact for c in self.columns}
        errors: list[RowError] = []
        # Only the first errors are kept (settings.IMPORT_MAX_ERRORS), the rest counted: a file of
        # 100,000 bad rows would otherwise store and show hundreds of thousands of messages.
        cap = settings.IMPORT_MAX_ERRORS
        batch.error_count = 0
        for chunk in chunked(self._records(table, compact), self.chunk_size):
            check = self.check_chunk(chunk, user=user)
            stage(batch, check.planned)
            batch.total_rows += len(chunk)
            batch.created_count += sum(1 for p in check.planned if p.action == ImportRow.Action.CREATE)
            batch.updated_count += sum(1 for p in check.planned if p.action == ImportRow.Action.UPDATE)
            batch.unchanged_count += check.unchanged
            batch.error_count += len(check.errors)
            if len(errors) < cap:
                errors = sorted([*errors, *check.errors], key=lambda e: e.row)[:cap]
        if batch.total_rows == 0:
            errors.append(RowError(table.header_row, "表头", "表头下面没有数据行。"))
            batch.error_count += 1
        return errors

    @staticmethod
    def stage_rows(batch: ImportBatch, planned: list[Planned]) -> None:
        """Write one checked chunk's staged rows (one INSERT)."""
        if planned:
            insert_rows(
                ImportRow,
                [
                    {"batch_id": batch.pk, "row_number": p.row, "action": p.action, "key": p.key, "values": p.values, "diff": p.diff}
                    for p in planned
                ],
                ("batch_id", "row_number", "action", "key", "values", "diff"),
            )

    @staticmethod
    def finish_stage(*, batch: ImportBatch, errors: list[RowError]) -> ImportBatch:
        """The batch, its rows staged, becomes a preview to confirm (待确认) with its counts and errors."""
        batch.errors = [e.as_json() for e in sorted(errors, key=lambda e: e.row)]
        batch.status = ImportBatch.Status.PREVIEWED
        batch.save()
        return batch

    @staticmethod
    def _records(table: Table, compact: dict[str, bool]) -> Iterator[tuple[int, dict]]:
        """Each non-blank data row as {column key: normalised text}; "" for absent columns."""
        positions = table.columns
        absent = {key: "" for key in compact if key not in positions}
        for number, values in table.rows:
            if number <= table.header_row:
                continue
            record = dict(absent)
            for key, position in positions.items():
                cell = values[position] if position < len(values) else None
                record[key] = normalise_text(cell, compact=compact[key])
            if any(record[key] for key in positions):
                yield number, record

    # --- confirm ---------------------------------------------------------------------------
    @transaction.atomic
    def confirm(self, *, batch: ImportBatch, user) -> ImportBatch:
        """Apply a preview all or nothing. Raises ImportRefused or ImportConflict (nothing written)."""
        if batch.created_by_id != user.pk:
            raise ImportRefused("只能确认自己上传的文件。")
        if batch.errors:
            raise ImportRefused("预览中有错误，不能导入。请修改文件后重新上传。")
        if batch.created_at < timezone.now() - timedelta(seconds=settings.IMPORT_PREVIEW_LIFETIME_SECONDS):
            raise ImportRefused("预览已超过 1 小时，已失效。请重新上传文件。")
        now = timezone.now()
        # The conditional update is the guard against a double click or a second tab: only one
        # request finds the batch still previewed (the other waits for the row lock, then finds
        # it confirmed). A conflict below rolls this back too.
        if not ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEWED).update(
            status=ImportBatch.Status.CONFIRMED, confirmed_at=now
        ):
            batch.refresh_from_db()
            if batch.status == ImportBatch.Status.CONFIRMED:
                raise ImportRefused(
                    f"该文件已于 {date_format(timezone.localtime(batch.confirmed_at), 'DATETIME_FORMAT')} 导入，无需重复确认。"
                )
            raise ImportRefused("预览已失效，请重新上传文件。")
        conflicts: list[RowError] = []
        # In staging order within a row: a row may stage something its next staged row needs.
        staged = batch.rows.order_by("row_number", "id").values_list("row_number", "action", "key", "values", "diff")
        for chunk in chunked(staged.iterator(chunk_size=self.chunk_size), self.chunk_size):
            conflicts.extend(self.apply_chunk([Planned(*row) for row in chunk], user=user, batch=batch))
        if conflicts:
            raise ImportConflict(conflicts)
        batch.status, batch.confirmed_at = ImportBatch.Status.CONFIRMED, now
        return batch


class AdminImport:
    """django-import-export's side of a TwoStageImport: its admin import calls ``import_data``
    twice (a dry run, then the real one, each with the file read again); both run the same
    preview, and the real one the same confirm, as the import pages. Mix in before the
    ModelResource: ``class XResource(AdminImport, TwoStageImport, resources.ModelResource)``."""

    key_field = "code"

    def admin_columns(self) -> list[Column]:
        return list(self.columns)

    def admin_cells(self, staged: list[ImportRow]) -> list[list[str]]:
        """The admin preview's cells for each staged row, in admin_columns order."""
        keys = [c.key for c in self.admin_columns()]
        return [
            [
                f"{s.diff[k][0]} → {s.diff[k][1]}" if k in s.diff else str(s.values.get(k, s.key if k == self.key_field else ""))
                for k in keys
            ]
            for s in staged
        ]

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        user = kwargs["user"]
        result = self.get_result_class()()
        result.diff_headers = [c.header for c in self.admin_columns()]
        rows = chain([(1, dataset.headers or [])], enumerate(dataset, start=2))
        try:
            table = table_from_rows(rows, self.columns, kind="admin")
        except FileRefused as e:
            result.append_base_error(Error(ValueError(str(e))))
            return result
        with transaction.atomic():
            batch = self.new_batch(user=user, file_name=kwargs.get("file_name", "") or "管理后台导入")
            try:
                # An importer's start() may refuse the file for what it lacks (a column that
                # neither the other columns nor the user's scope make up for).
                self.preview_table(table=table, user=user, batch=batch)
            except FileRefused as e:
                result.append_base_error(Error(ValueError(str(e))))
                transaction.set_rollback(True)
                return result
            errors = [RowError(*e) for e in batch.errors]
            if not errors and not dry_run:
                try:
                    self.confirm(batch=batch, user=user)
                except ImportConflict as conflict:
                    errors = conflict.errors
            self._fill_result(result, batch, errors)
            if dry_run or errors:
                transaction.set_rollback(True)  # the dry run leaves nothing behind, not even the batch
        return result

    def _fill_result(self, result, batch: ImportBatch, errors: list[RowError]) -> None:
        result.total_rows = batch.total_rows
        by_row = defaultdict(dict)
        for e in errors:
            by_row[e.row].setdefault(e.column, []).append(e.message)
        for row, messages in sorted(by_row.items()):
            result.append_invalid_row(row, {}, ValidationError(messages))
            result.totals[RowResult.IMPORT_TYPE_INVALID] += 1
        staged = list(batch.rows.order_by("row_number"))
        for row, cells in zip(staged, self.admin_cells(staged), strict=True):
            row_result = RowResult()
            row_result.import_type = RowResult.IMPORT_TYPE_NEW if row.action == ImportRow.Action.CREATE else RowResult.IMPORT_TYPE_UPDATE
            row_result.object_repr = row.values.get("name", row.key)
            row_result.diff = cells
            result.append_row_result(row_result)
            result.totals[row_result.import_type] += 1
        result.totals[RowResult.IMPORT_TYPE_SKIP] += batch.unchanged_count


def stored_file_name(sha256: str, file_name: str) -> str:
    """The name an upload is stored under: its checksum and its extension (if a short, plain one)."""
    extension = file_name.rpartition(".")[2].lower() if "." in file_name else ""
    suffix = f".{extension}" if extension.isascii() and extension.isalnum() and len(extension) <= 5 else ""
    return f"{sha256[:32]}{suffix}"


def discard_batch(batch: ImportBatch) -> None:
    """Delete a batch with its staged rows and its stored file."""
    if batch.file:
        batch.file.delete(save=False)
    if batch.pk is not None:
        ImportBatch.objects.filter(pk=batch.pk).delete()


def clear_stale_previews(*, now=None) -> int:
    """Delete previews nobody confirmed within the lifetime, and checks a dead process left
    behind (检查中), with their staged rows and files."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.IMPORT_PREVIEW_LIFETIME_SECONDS)
    stale = list(ImportBatch.objects.filter(status__in=(ImportBatch.Status.PREVIEWED, ImportBatch.Status.CHECKING), created_at__lt=cutoff))
    for batch in stale:
        discard_batch(batch)
    return len(stale)


def template_xlsx(columns: Sequence[Column], *, sheet_name: str = "导入模板") -> bytes:
    """An empty file for an import: the header row of ``columns`` (the headers the export writes,
    which the import reads), required columns marked in bold red, and one example row from the
    columns' ``example``. Built from the same declarations as the import, so it cannot drift."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False})
    sheet = workbook.add_worksheet(sheet_name)
    header = workbook.add_format({"bold": True, "bg_color": "#F0F2F4", "border": 1})
    required = workbook.add_format({"bold": True, "bg_color": "#F0F2F4", "border": 1, "font_color": "#B3261E"})
    example = workbook.add_format({"font_color": "#6B7280", "italic": True})
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
        sheet.write_string(0, index, escape_formula(column.header), required if column.required else header)
        sheet.write_string(1, index, escape_formula(column.example), example)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return out.getvalue()
