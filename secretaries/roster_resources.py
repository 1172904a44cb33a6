"""A dispatching unit's roster of applicants (notice §三 个人报名): one row per person, imported
on the two-stage engine (core.importing) and exported in the same columns.

A cadre is known by the 公民身份证号, one per person across the province. A new number creates
the cadre and applies it in the current campaign (secretaries.services.posting_apply, so the
PostingEvent is the same as on the pages); a cadre of the importing unit is updated (old → new in
the preview) and applied if it has not applied in this campaign yet; a number that belongs to
another unit's cadre is an error naming that unit. Eligibility (正式党员, two years' work…) is
checked at 资格审查, not here.

A cadre whose application in this campaign was withdrawn or rejected is applied again only when
the row says so (重新报名: 是); the preview then shows "重新报名" with the earlier state and its
reason. Blank or 否 only updates the person: an exported roster (which has the column, blank)
imports back without bringing anyone back into the pipeline. A file without the column cannot
say what it means, so such a row is an error that asks.
"""

from __future__ import annotations

import datetime
from typing import IO

import tablib
from django.utils import timezone
from django.utils.formats import date_format
from import_export import resources

from core.columns import DATE, FLAG, CellError, Choice, Column, Text, display_value, escape_row
from core.exports import list_xlsx_tempfile
from core.importing import AdminImport, ChunkCheck, FileRefused, Planned, RowError, TwoStageImport, changed_since_preview
from core.models import ImportBatch, ImportRow
from core.spreadsheets import Table
from dispatch import roles
from dispatch.models import Campaign
from dispatch.roles import can
from secretaries.idcard import InvalidIdNumber, parse_id_number
from secretaries.models import ETHNICITIES, Cadre, Posting, PostingEvent
from secretaries.services import CadresRefused, cadres_create, cadres_update, postings_apply

State = Posting.State

# A cadre registered by another unit: the message names neither him nor that unit.
OTHER_UNITS_CADRE = "该身份证号已由其他单位登记，一人只能由一个单位报名。如确属本单位人员，请联系省委组织部组织指导处核实。"
MAX_LENGTH = {f: Cadre._meta.get_field(f).max_length for f in ("name", "position", "phone")}
SEX_BY_WORD = {"男": Cadre.Sex.MALE, "女": Cadre.Sex.FEMALE}
ETHNICITY_BY_WORD = {**{e: e for e in ETHNICITIES}, **{e[:-1]: e for e in ETHNICITIES if e.endswith("族")}}
EDUCATION_BY_WORD = {
    **{w: Cadre.Education.POSTGRADUATE for w in ("研究生", "博士研究生", "硕士研究生", "博士", "硕士", "研究生（博士）", "研究生（硕士）")},
    **{w: Cadre.Education.BACHELOR for w in ("大学本科", "本科", "大学")},
    **{w: Cadre.Education.COLLEGE for w in ("大专", "大学专科", "专科")},
    **{w: Cadre.Education.SECONDARY for w in ("中专及以下", "中专", "高中", "中技", "技校", "职高", "初中", "小学")},
}
POLITICAL_BY_WORD = {
    **{w: Cadre.PoliticalStatus.MEMBER for w in ("中共党员", "党员", "中国共产党党员")},
    **{w: Cadre.PoliticalStatus.PROBATIONARY for w in ("中共预备党员", "预备党员")},
}
RANK_BY_WORD = {
    **{
        w: Cadre.Rank.DIVISION_OR_ABOVE
        for w in ("处级以上", "处级", "正处", "副处", "正处级", "副处级", "厅级", "正厅", "副厅", "正厅级", "副厅级")
    },
    **{w: Cadre.Rank.SECTION for w in ("科级", "正科", "副科", "正科级", "副科级")},
    **{w: Cadre.Rank.BELOW_SECTION for w in ("科级以下", "科员", "办事员")},
}
SOURCE_BY_WORD = {
    **{s.label: s.value for s in Cadre.Source},
    "年轻干部": Cadre.Source.YOUNG_CADRE,
    "后备干部": Cadre.Source.RESERVE_CADRE,
    "企事业单位": Cadre.Source.ENTERPRISE_INSTITUTION,
    "企事业单位优秀人员": Cadre.Source.ENTERPRISE_INSTITUTION,
    "调整干部": Cadre.Source.RETIRED_FROM_LEADERSHIP,
}
CHOICE_HINT = {
    "education": "应填 研究生、大学本科、大专 或 中专及以下",
    "rank": "应填 处级以上、科级 或 科级以下（也可填 正处、副处、正科、副科、科员、办事员）",
    "source": "应填 优秀年轻干部、后备干部、国有企业、事业单位优秀人员 或 因年龄原因从领导岗位上调整下来、尚未退休的干部（也可简写为 年轻干部、后备干部、企事业单位、调整干部）",  # noqa: E501
}

ROSTER_COLUMNS = [
    Column("name", "姓名", ("名字",), required=True, parser=Text(MAX_LENGTH["name"], kind="name"), width=10, example="刘春梅"),
    Column(
        "id_number",
        "公民身份证号",
        ("身份证号", "身份证号码", "公民身份号码"),
        required=True,
        parser=Text(kind="code"),
        width=20,
        example="140929198604120628",
    ),
    Column("sex", "性别", (), parser=Choice(SEX_BY_WORD, hint="应填 男 或 女"), width=6, example="女"),
    Column("birth_date", "出生年月", ("出生日期", "出生年月日"), parser=DATE, width=10, example="1986.04"),
    Column("ethnicity", "民族", (), parser=Choice(ETHNICITY_BY_WORD, hint="应填56个民族之一，如 汉族 或 汉"), width=8, example="汉族"),
    Column(
        "education", "学历", ("文化程度",), parser=Choice(EDUCATION_BY_WORD, hint=CHOICE_HINT["education"]), width=10, example="大学本科"
    ),
    Column(
        "political_status",
        "政治面貌",
        (),
        parser=Choice(POLITICAL_BY_WORD, default=Cadre.PoliticalStatus.OTHER),
        width=12,
        example="中共党员",
    ),
    Column("party_join_date", "入党时间", ("入党日期",), parser=DATE, width=10, example="2008.06"),
    Column("work_start_date", "参加工作时间", ("参加工作日期", "工作时间"), required=True, parser=DATE, width=12, example="2009.07"),
    Column("position", "职务", ("现任职务", "职务（岗位）"), parser=Text(MAX_LENGTH["position"]), width=20, example="科员"),
    Column("rank", "职级", ("级别", "职务级别"), parser=Choice(RANK_BY_WORD, hint=CHOICE_HINT["rank"]), width=10, example="科员"),
    Column(
        "source",
        "干部类别",
        ("人员类别", "类别"),
        parser=Choice(SOURCE_BY_WORD, hint=CHOICE_HINT["source"]),
        width=16,
        example="优秀年轻干部",
    ),
    Column(
        "is_27th_batch", "第27批农村工作队员", ("省委第27批农村工作队员", "是否第27批农村工作队员"), parser=FLAG, width=10, example="否"
    ),
    Column("has_rural_experience", "有农村工作经验", ("是否有农村工作经验", "农村工作经验"), parser=FLAG, width=10, example="是"),
    Column(
        "has_agriculture_expertise",
        "有涉农专业技术特长",
        ("是否有涉农专业技术特长", "涉农专业技术特长"),
        parser=FLAG,
        width=10,
        example="否",
    ),
    Column("is_township_cadre", "乡镇干部", ("是否乡镇干部",), parser=FLAG, width=8, example="否"),
    Column("fit_for_duty", "身体健康", ("身体状况", "具有正常履行职责的身体条件", "身体是否健康"), parser=FLAG, width=8, example="是"),
    Column(
        "phone",
        "联系电话",
        ("电话", "手机", "手机号码", "联系方式"),
        parser=Text(MAX_LENGTH["phone"], kind="code"),
        width=14,
        example="13800000000",
    ),
    # Not a cadre's field: whether a withdrawn or rejected applicant applies again (see above).
    Column("reapply", "重新报名", ("是否重新报名",), parser=FLAG, width=8, example=""),
]

HEADER = {c.key: c.header for c in ROSTER_COLUMNS}
DATE_FIELDS = ("birth_date", "party_join_date", "work_start_date")
FLAG_FIELDS = ("is_27th_batch", "has_rural_experience", "has_agriculture_expertise", "is_township_cadre", "fit_for_duty")
# Every field an import sets; the 身份证号 is the key, the unit is the importer's.
FIELDS = (
    "name",
    "sex",
    "birth_date",
    "ethnicity",
    "education",
    "political_status",
    "party_join_date",
    "work_start_date",
    "position",
    "rank",
    "source",
    *FLAG_FIELDS,
    "phone",
)
# A new cadre needs these; an existing cadre keeps its value where the cell is blank.
NEEDED_FOR_NEW = ("education", "political_status", "rank", "source")
APPLY = "报名"  # the preview's pseudo-field for "applies in the current campaign"
REAPPLY = "reapply"  # … for "applies again after a withdrawn or rejected application"


def month_text(date: datetime.date | None) -> str:
    """A date as the export writes it: 1980.05, or 1980.05.17 where the day is not the 1st."""
    if date is None:
        return ""
    return f"{date:%Y.%m}" if date.day == 1 else f"{date:%Y.%m.%d}"


def field_display(field: str, value) -> str:
    """A stored (or staged, JSON) value as the preview and the messages show it."""
    if value in (None, ""):
        return "—" if field in DATE_FIELDS else display_value(value)
    if field in DATE_FIELDS:
        return month_text(datetime.date.fromisoformat(value) if isinstance(value, str) else value)
    choices = {
        "sex": Cadre.Sex,
        "education": Cadre.Education,
        "political_status": Cadre.PoliticalStatus,
        "rank": Cadre.Rank,
        "source": Cadre.Source,
    }
    if field in choices:
        return choices[field](value).label
    return display_value(value)


def roster_export_row(cadre: Cadre) -> list[str]:
    """One row in ROSTER_COLUMNS order: what the import reads back unchanged."""
    yes_no = {True: "是", False: "否"}
    return escape_row(
        [
            cadre.name,
            cadre.id_number,
            cadre.get_sex_display(),
            f"{cadre.birth_date:%Y.%m}",
            cadre.ethnicity,
            cadre.get_education_display(),
            cadre.get_political_status_display(),
            month_text(cadre.party_join_date),
            month_text(cadre.work_start_date),
            cadre.position,
            cadre.get_rank_display(),
            cadre.get_source_display(),
            *(yes_no[getattr(cadre, f)] for f in FLAG_FIELDS),
            cadre.phone,
            "",  # 重新报名: left for the unit to mark
        ]
    )


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _stored(cadre: dict) -> dict:
    """A cadre's field values as staged values are kept (JSON: dates as ISO text)."""
    return {f: cadre[f].isoformat() if isinstance(cadre[f], datetime.date) else cadre[f] for f in FIELDS}


class RosterResource(AdminImport, TwoStageImport, resources.ModelResource):
    kind = "roster"
    columns = ROSTER_COLUMNS
    key_field = "id_number"

    class Meta:
        model = Cadre
        import_id_fields = ("id_number",)
        fields = ("id_number", *FIELDS)

    # --- export (the admin's; the page streams roster_xlsx_tempfile) ------------------------
    def export(self, queryset=None, **kwargs) -> tablib.Dataset:
        queryset = Cadre.objects.all() if queryset is None else queryset
        dataset = tablib.Dataset(headers=[c.header for c in ROSTER_COLUMNS])
        for cadre in queryset:
            dataset.append(roster_export_row(cadre))
        return dataset

    # --- preview -------------------------------------------------------------------------------
    def batch_region(self, *, user):
        # A unit user has no region of its own: the batch stands in its unit's region, so the
        # uploader (and the departments above) find it (ImportBatch.objects.visible_to).
        if getattr(user, "region", None) is None and getattr(user, "unit", None) is not None:
            return user.unit.region
        return super().batch_region(user=user)

    def start(self, *, user, table: Table) -> None:
        if not can(user, roles.IMPORT_ROSTER) or user.unit_id is None:
            raise FileRefused("只有派出单位的组织人事部门可以导入本单位的报名人员名单。")
        self.campaign = Campaign.current()
        if self.campaign is None or not self.campaign.is_open:
            raise FileRefused("当前没有进行中的选派批次，不能导入报名人员。")
        self.unit = user.unit
        self.seen: dict[str, int] = {}

    def _parse(self, record: dict, row: int, errors: list) -> tuple[str | None, dict, dict]:
        """(normalised 身份证号, values given by the row, dates given with month only). Each cell
        is read by its column's parser; what the cells say together is checked by the model's
        own rules (Cadre.problems), as the cadres services check them again on confirm."""
        values: dict = {}
        month_only: dict = {}
        given: dict = {}  # the row's cells as the model's fields, for Cadre.problems
        if not record["name"]:
            self.error(errors, row, "name", "不能为空。")
        elif (name := self.cell(record, "name", row, errors)) is not None:
            values["name"] = name
        number = birth = sex = None
        if not record["id_number"]:
            self.error(errors, row, "id_number", "不能为空。")
        else:
            try:
                number, birth, sex = parse_id_number(record["id_number"])
            except InvalidIdNumber as e:
                self.error(errors, row, "id_number", str(e))
        if record["sex"]:
            given["sex"] = self.cell(record, "sex", row, errors)
        birth_has_day = True
        if record["birth_date"]:
            try:
                given["birth_date"], birth_has_day = DATE.parse_with_day(record["birth_date"])
            except CellError as e:
                self.error(errors, row, "birth_date", str(e))
        if sex and birth:
            values["sex"], values["birth_date"] = sex, birth.isoformat()
        for field in ("ethnicity", "education", "rank", "source", "political_status"):
            if record[field] and (value := self.cell(record, field, row, errors)) is not None:
                values[field] = value
        for field in ("party_join_date", "work_start_date"):
            if not record[field]:
                if field == "work_start_date":
                    self.error(errors, row, field, "不能为空。")
                elif "party_join_date" in self.present:
                    values[field] = None
                continue
            try:
                date, with_day = DATE.parse_with_day(record[field])
            except CellError as e:
                self.error(errors, row, field, str(e))
                continue
            values[field] = date.isoformat()
            if not with_day:
                month_only[field] = date
        for field in ("position", "phone"):
            if field in self.present and (value := self.cell(record, field, row, errors)) is not None:
                values[field] = value
        for field in FLAG_FIELDS:
            if field not in self.present or (field == "fit_for_duty" and not record[field]):
                continue  # 身体健康 left blank: not said (a new cadre is taken as fit)
            if (value := self.cell(record, field, row, errors)) is not None:
                values[field] = value
        if number:
            probe = Cadre(
                id_number=number,
                sex=given.get("sex") or "",
                birth_date=given.get("birth_date"),
                political_status=values.get("political_status", ""),
                party_join_date=_date(values.get("party_join_date")),
                work_start_date=_date(values.get("work_start_date")),
            )
            for field, message in probe.problems(birth_has_day=birth_has_day).items():
                self.error(errors, row, field, message)
        return number, values, month_only

    def _reapply(self, record: dict, row: int, errors: list) -> bool | None:
        """The row's 重新报名: True, False (blank or 否), or None when the file has no such column."""
        if REAPPLY not in self.present:
            return None
        return bool(self.cell(record, REAPPLY, row, errors))

    def _ended_here(self, numbers: set[str]) -> dict[str, str]:
        """For cadres whose application in this campaign was withdrawn or rejected: that earlier
        state as the preview shows it, with its date and reason (one query per chunk)."""
        events = (
            PostingEvent.objects.filter(
                posting__cadre__id_number__in=numbers, posting__campaign=self.campaign, to_state__in=[State.REJECTED, State.WITHDRAWN]
            )
            .order_by("at", "id")
            .values_list("posting__cadre__id_number", "to_state", "at", "note")
        )
        ended = {}
        for number, state, at, note in events:
            reason = note.strip()
            reason = reason if len(reason) <= 40 else f"{reason[:40]}…"
            ended[number] = f"{State(state).label}（{date_format(timezone.localtime(at))}{'：' + reason if reason else ''}）"
        return ended

    def check_chunk(self, rows: list[tuple[int, dict]], *, user) -> ChunkCheck:
        check = ChunkCheck()
        parsed = []
        for row, record in rows:
            errors: list[RowError] = []
            number, values, month_only = self._parse(record, row, errors)
            reapply = self._reapply(record, row, errors)
            if number:
                first = self.seen.setdefault(number, row)
                if first != row:
                    self.error(errors, row, "id_number", f"与第{first}行的身份证号重复。")
            parsed.append((row, number, values, month_only, reapply, errors))

        numbers = {p[1] for p in parsed if p[1]}
        existing = {
            c["id_number"]: c
            for c in Cadre.objects.filter(id_number__in=numbers).values("id", "id_number", "unit_id", "unit__name", *FIELDS)
        }
        applied = set(
            Posting.objects.filter(cadre__id_number__in=numbers, campaign=self.campaign)
            .exclude(state__in=[State.REJECTED, State.WITHDRAWN])
            .values_list("cadre__id_number", flat=True)
        )
        ended_here = self._ended_here(numbers - applied)
        for row, number, values, month_only, reapply, errors in parsed:
            cadre = existing.get(number) if number else None
            if cadre is not None and cadre["unit_id"] != self.unit.pk:
                # Who he is and which unit holds him is not this unit's to know (PIPL): say only
                # that the number is registered elsewhere and whom to ask.
                self.error(errors, row, "id_number", OTHER_UNITS_CADRE)
            elif cadre is not None and number in ended_here and reapply is None:
                self.error(
                    errors,
                    row,
                    REAPPLY,
                    f"{cadre['name']}在本批次的报名已{ended_here[number]}。如需重新报名，请增加“重新报名”列并填“是”；不重新报名的填“否”，或删除此行。",
                )
            if cadre is None and number:
                for field in NEEDED_FOR_NEW:
                    if field not in values and not record_error(errors, row, self.header[field]):
                        self.error(errors, row, field, "新报名人员须填写。")
            if errors:
                check.errors.extend(errors)
                continue
            if cadre is None:
                new = {
                    "ethnicity": "汉族",
                    "party_join_date": None,
                    "position": "",
                    "phone": "",
                    **{f: False for f in FLAG_FIELDS},
                    "fit_for_duty": True,
                    **values,
                }
                check.planned.append(
                    Planned(row, ImportRow.Action.CREATE, number, {"id_number": number, **new, "campaign_id": self.campaign.pk})
                )
                continue
            old = _stored(cadre)
            for field, date in month_only.items():
                stored = cadre[field]
                if stored is not None and (stored.year, stored.month) == (date.year, date.month):
                    values[field] = old[field]  # 2004.08 for 2004-08-15: the day is kept
            diff = {f: [field_display(f, old[f]), field_display(f, v)] for f, v in values.items() if old[f] != v}
            applies = number not in applied and (number not in ended_here or reapply)
            if applies and number in ended_here:
                diff[REAPPLY] = [ended_here[number], f"在“{self.campaign.name}”重新报名"]
            elif applies:
                diff[APPLY] = ["—", f"在“{self.campaign.name}”报名"]
            if not diff:
                check.unchanged += 1
                continue
            staged = {"id_number": number, **values}
            if applies:
                staged["campaign_id"] = self.campaign.pk
            check.planned.append(Planned(row, ImportRow.Action.UPDATE, number, staged, diff))
        return check

    # --- confirm -------------------------------------------------------------------------------
    def apply_chunk(self, rows: list[Planned], *, user, batch: ImportBatch) -> list[RowError]:
        label = HEADER
        campaign = Campaign.current()
        locked = {c.id_number: c for c in Cadre.objects.select_for_update().filter(id_number__in={r.key for r in rows})}
        conflicts: list[RowError] = []
        to_create: list[tuple[int, Cadre]] = []
        to_update: list[tuple[int, Cadre, dict]] = []
        to_apply: list[tuple[int, Cadre, bool]] = []
        for staged in rows:
            values = dict(staged.values)
            number = values.pop("id_number")
            campaign_id = values.pop("campaign_id", None)
            if campaign_id is not None and (campaign is None or campaign.pk != campaign_id or not campaign.is_open):
                conflicts.append(RowError(staged.row, label["id_number"], "预览后选派批次已变化，请重新上传预览。"))
                continue
            for field in DATE_FIELDS:
                if values.get(field):
                    values[field] = datetime.date.fromisoformat(values[field])
            cadre = locked.get(number)
            if staged.action == ImportRow.Action.CREATE:
                if cadre is not None:
                    conflicts.append(
                        RowError(staged.row, label["id_number"], f"预览后已有人登记了身份证号 {number}（{cadre.name}），请重新上传预览。")
                    )
                    continue
                cadre = Cadre(id_number=number, unit=user.unit, **values)
                to_create.append((staged.row, cadre))
            else:
                if cadre is None or cadre.unit_id != user.unit_id:
                    conflicts.append(RowError(staged.row, label["id_number"], "预览后该人员已不属于本单位，请重新上传预览。"))
                    continue
                field = changed_since_preview(values, staged.diff, lambda f, cadre=cadre: getattr(cadre, f), field_display)
                if field is not None:
                    conflicts.append(
                        RowError(
                            staged.row,
                            label[field],
                            f"预览后已被他人修改（现为“{field_display(field, getattr(cadre, field))}”），请重新上传预览。",
                        )
                    )
                    continue
                to_update.append((staged.row, cadre, values))
            if campaign_id is not None:
                to_apply.append((staged.row, cadre, REAPPLY in staged.diff))
        if conflicts:
            return conflicts
        # The cadres services validate every cadre with the model's rules and write in bulk.
        try:
            cadres_create(cadres=[cadre for _, cadre in to_create], by=user)
        except CadresRefused as refused:
            return _refused_rows(refused, [row for row, _ in to_create])
        try:
            cadres_update(changes=[(cadre, values) for _, cadre, values in to_update], by=user)
        except CadresRefused as refused:
            return _refused_rows(refused, [row for row, _, _ in to_update])
        for again in (False, True):
            applying = [(row, cadre) for row, cadre, reapply in to_apply if reapply == again]
            if not applying:
                continue
            note = f"{'重新报名：' if again else ''}导入报名人员名单（{batch.file_name}）"
            result = postings_apply(cadres=[cadre for _, cadre in applying], campaign=campaign, by=user, note=note)
            conflicts += [RowError(row, label["id_number"], str(result.refused[c.pk])) for row, c in applying if c.pk in result.refused]
        return conflicts

    # --- django-import-export (the admin) ------------------------------------------------------
    def admin_cells(self, staged: list[ImportRow]) -> list[list[str]]:
        return [
            [
                f"{s.diff[c.key][0]} → {s.diff[c.key][1]}"
                if c.key in s.diff
                else field_display(c.key, s.values[c.key])
                if c.key in s.values
                else ""
                for c in ROSTER_COLUMNS
            ]
            for s in staged
        ]


def _refused_rows(refused: CadresRefused, row_numbers: list[int]) -> list[RowError]:
    """The cadres service's refusal as "第N行 列名：问题" rows."""
    return [
        RowError(row_numbers[i], HEADER.get(field, HEADER["id_number"]), message)
        for i, fields in sorted(refused.errors.items())
        for field, message in fields.items()
    ]


def record_error(errors: list[RowError], row: int, column: str) -> bool:
    return any(e.row == row and e.column == column for e in errors)


def roster_xlsx_tempfile(*, cadres) -> IO[bytes]:
    """``cadres`` (already scoped) as an .xlsx the import reads back."""
    rows = (roster_export_row(cadre) for cadre in cadres.order_by("unit_id", "name", "id").iterator(chunk_size=2000))
    return list_xlsx_tempfile(columns=ROSTER_COLUMNS, rows=rows, sheet_name="报名人员")
