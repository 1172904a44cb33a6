"""What every app's models share: the append-only event base of timelines (postings,
submissions, and the records of the time in office) and the two-stage import's batches."""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import models
from django.utils import timezone

from core.scope import ScopedQuerySet


class AppendOnlyQuerySet(ScopedQuerySet):
    """The queryset of an append-only log: no update() or delete() in bulk either."""

    def update(self, **kwargs):
        raise PermissionError(f"{self.model._meta.verbose_name}不能修改。")

    def delete(self):
        raise PermissionError(f"{self.model._meta.verbose_name}不能删除。")


class AppendOnlyEvent(models.Model):
    """One step in something's timeline: who, in which role, when, and a note; the concrete
    log adds what the step was and the states from and to. Append-only: never edited or
    deleted, by anyone, the admin included (PostingEvent, SubmissionEvent)."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+")
    # The concrete log redeclares it with the project's role choices (core knows no roles).
    actor_role = models.CharField("操作人角色", max_length=32)
    at = models.DateTimeField("时间", default=timezone.now)
    note = models.TextField("说明", blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_state_display() or '—'} → {self.get_to_state_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError(f"{self._meta.verbose_name}不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{self._meta.verbose_name}不能删除。")


class ImportBatch(models.Model):
    """One spreadsheet import: who uploaded which file when, what its preview found, and whether
    it was confirmed. The original file is kept for the province to download."""

    class Status(models.TextChoices):
        # While the preview reads the file, its rows are staged chunk by chunk (each in a short
        # transaction of its own): a checking batch cannot be confirmed, and is removed if the
        # preview fails or its process dies (core.importing.clear_stale_previews).
        CHECKING = "checking", "检查中"
        PREVIEWED = "previewed", "待确认"
        CONFIRMED = "confirmed", "已导入"

    kind = models.CharField("导入内容", max_length=32)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PREVIEWED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导入人", on_delete=models.PROTECT, related_name="import_batches")
    # The division code and full name of the importer's region when it imported (a unit's own
    # region for a unit's import): who above may see the batch. Text, not a key, so that this
    # machinery depends on no app; "" for a province-wide account.
    region_code = models.CharField("导入范围代码", max_length=12, blank=True, db_index=True)
    region_name = models.CharField("导入范围", max_length=100, blank=True)
    created_at = models.DateTimeField("上传时间", default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    file_name = models.CharField("文件名", max_length=255)
    file = models.FileField("原始文件", upload_to="imports/%Y/%m/", blank=True)
    file_size = models.PositiveIntegerField("文件大小", default=0)
    file_sha256 = models.CharField("文件校验值", max_length=64, blank=True)
    total_rows = models.PositiveIntegerField("数据行数", default=0)
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("修改", default=0)
    unchanged_count = models.PositiveIntegerField("未变", default=0)
    # The first errors (settings.IMPORT_MAX_ERRORS) as [row, column, message]; error_count is
    # how many the file had in all.
    errors = models.JSONField("错误", default=list, blank=True)
    error_count = models.PositiveIntegerField("错误总数", default=0)

    class QuerySet(ScopedQuerySet):
        scope_region_fields = ("region_code",)

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-created_at"]
        # Moved here from the villages app; the table keeps its name.
        db_table = "villages_importbatch"

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"


class ImportRow(models.Model):
    """A row the preview found to create or change, kept between preview and confirm so that
    the confirm step applies what the preview showed without reading the file again. After the
    confirm it stays as the record of what the import changed."""

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField("行号")
    action = models.CharField("操作", max_length=8, choices=Action.choices)
    key = models.CharField("键", max_length=64)
    values = models.JSONField("新值")  # every field the row sets
    diff = models.JSONField("变化", default=dict)  # {field: [old, new]} for updates

    class Meta:
        ordering = ["row_number"]
        db_table = "villages_importrow"
        indexes = [models.Index(fields=["batch", "row_number"], name="importrow_batch_row")]

    def __str__(self) -> str:
        return f"第{self.row_number}行 {self.get_action_display()} {self.key}"


# --- Login records (django-axes' tables, shown under Chinese names; see core/security.py) ---


class LoginLock(AccessAttempt):
    """Failed logins of one username from one address; at the limit the pair is locked until
    the cool-off ends or the administrator unlocks it (deleting the row)."""

    class Meta:
        proxy = True
        verbose_name = "登录失败与锁定"
        verbose_name_plural = "登录失败与锁定"


class LoginRecord(AccessLog):
    """A successful login (and its logout time)."""

    class Meta:
        proxy = True
        verbose_name = "登录记录"
        verbose_name_plural = "登录记录"


class LoginFailure(AccessFailureLog):
    """A failed login, kept after the lock is lifted."""

    class Meta:
        proxy = True
        verbose_name = "登录失败记录"
        verbose_name_plural = "登录失败记录"


# --- Background jobs (core/jobs.py) ----------------------------------------------------------


class Job(models.Model):
    """One long export a user asked for: what (``kind``, one of the kinds the apps declare), with
    which parameters (the export page's query, read again by the worker as this user), its
    state and progress, and the file it wrote, kept until ``expires_at``. Only its requester
    sees it. The worker runs it through Django's tasks framework (``task_id`` is the queue's
    row); this row is what the pages show, whichever application server answers."""

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "正在生成"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"
        EXPIRED = "expired", "已过期"

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导出人", on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField("导出内容", max_length=32)
    title = models.CharField("说明", max_length=200)
    # The export page's query string (region, campaign, filters), as the page received it.
    query = models.CharField("参数", max_length=2000, blank=True)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.QUEUED, db_index=True)
    done = models.PositiveIntegerField("已完成行数", default=0)
    total = models.PositiveIntegerField("总行数", default=0)
    error = models.CharField("失败原因", max_length=500, blank=True)
    task_id = models.CharField("任务编号", max_length=64, blank=True)
    created_at = models.DateTimeField("提交时间", default=timezone.now, db_index=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    file = models.FileField("文件", upload_to="exports/%Y/%m/", max_length=255, blank=True)
    file_name = models.CharField("文件名", max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField("文件大小", default=0)
    expires_at = models.DateTimeField("保留至", null=True, blank=True, db_index=True)

    class QuerySet(models.QuerySet):
        def visible_to(self, user) -> models.QuerySet:
            """A job is its requester's alone: anyone else gets 404, whatever his scope."""
            if user is None or not user.is_authenticated or not user.is_active:
                return self.none()
            return self.filter(requested_by=user)

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = "后台导出"
        verbose_name_plural = "后台导出"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="job_requester_created")]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_state_display()}）"

    @property
    def finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.FAILED, self.State.EXPIRED}

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0


class WorkerHeartbeat(models.Model):
    """A running ``jobs_worker`` process says it is alive every few seconds (for /healthz)."""

    worker_id = models.CharField("工作进程", max_length=64, unique=True)
    host = models.CharField("主机", max_length=255)
    pid = models.PositiveIntegerField("进程号")
    started_at = models.DateTimeField("启动时间", default=timezone.now)
    seen_at = models.DateTimeField("最近心跳", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "后台工作进程"
        verbose_name_plural = "后台工作进程"

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"


# --- Access to personal data (#14 point 3) ------------------------------------------------------


class PersonalDataAccess(models.Model):
    """One page or file that showed full 身份证号 or phone numbers: who, what, how many people,
    when, from where (PIPL: access to sensitive personal information is logged). Written by
    ``core.access_log.record``; read by the 审计员 on the audit page; never changed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField("用户名", max_length=150)
    what = models.CharField("查看内容", max_length=200)
    path = models.CharField("地址", max_length=500, blank=True)
    people = models.PositiveIntegerField("涉及人数")
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField("来源地址", null=True, blank=True)

    class Meta:
        verbose_name = "个人信息查看记录"
        verbose_name_plural = "个人信息查看记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.username} {self.what}（{self.people}人）"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("个人信息查看记录不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("个人信息查看记录不能删除。")
