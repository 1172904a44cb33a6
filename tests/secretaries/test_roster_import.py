"""A unit's roster of applicants: preview every row, then confirm all or nothing; export reads back."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.importing import FileRefused
from dispatch.models import DispatchingUnit
from secretaries.idcard import make_id_number
from secretaries.models import Cadre, Posting, PostingEvent
from secretaries.roster_resources import RosterResource
from secretaries.services import TransitionRefused
from tests.secretaries.conftest import cadre_for
from tests.spreadsheets import read_xlsx, xlsx_bytes

HEADER = [
    "姓名",
    "身份证号",
    "性别",
    "出生年月",
    "民族",
    "学历",
    "政治面貌",
    "入党时间",
    "参加工作时间",
    "职务",
    "职级",
    "干部类别",
    "第27批农村工作队员",
    "有农村工作经验",
    "有涉农专业技术特长",
    "乡镇干部",
    "身体健康",
    "联系电话",
]
WANG = make_id_number("140105", datetime.date(1985, 3, 9), 11, "M")
ZHAO = make_id_number("140105", datetime.date(1990, 11, 2), 12, "F")


def row(name="王强", number=WANG, sex="男", birth="1985.03", **over):
    cells = dict(
        nation="汉",
        edu="本科",
        pol="党员",
        party="2008.07",
        work="2007-08",
        pos="科员",
        rank="副科",
        src="年轻干部",
        b27="否",
        rural="是",
        agri="",
        town="",
        fit="是",
        phone="13900000000",
    )
    cells.update(over)
    return [name, number, sex, birth, *cells.values()]


def preview(user, rows, header=HEADER):
    return RosterResource().preview(data=xlsx_bytes([header, *rows]), file_name="报名人员.xlsx", user=user)


def errors_of(batch):
    return [f"第{r}行 {c}：{m}" for r, c, m in batch.errors]


def test_a_clean_file_creates_cadres_and_applies_them_with_events(unit_user, campaign):
    batch = preview(
        unit_user,
        [
            row(),
            row(
                "赵敏",
                ZHAO,
                "女",
                "1990年11月",
                nation="回族",
                pol="预备党员",
                src="后备干部",
                rank="科员",
                edu="研究生",
                party="",
                work="2013/9/1",
            ),
        ],
    )
    assert errors_of(batch) == []
    assert (batch.created_count, batch.updated_count) == (2, 0)
    assert not Cadre.objects.exists()

    RosterResource().confirm(batch=batch, user=unit_user)

    wang, zhao = Cadre.objects.get(id_number=WANG), Cadre.objects.get(id_number=ZHAO)
    assert (wang.sex, wang.birth_date, wang.ethnicity, wang.education, wang.rank, wang.source) == (
        "M",
        datetime.date(1985, 3, 9),
        "汉族",
        "bachelor",
        "section",
        "young",
    )
    assert (wang.party_join_date, wang.work_start_date, wang.has_rural_experience, wang.fit_for_duty, wang.unit) == (
        datetime.date(2008, 7, 1),
        datetime.date(2007, 8, 1),
        True,
        True,
        unit_user.unit,
    )
    # Probationary members import fine: eligibility is checked at 资格审查.
    assert (zhao.political_status, zhao.ethnicity, zhao.rank, zhao.source, zhao.work_start_date) == (
        "probationary",
        "回族",
        "below_section",
        "reserve",
        datetime.date(2013, 9, 1),
    )
    postings = Posting.objects.filter(campaign=campaign, unit=unit_user.unit)
    assert sorted(p.cadre.name for p in postings) == ["王强", "赵敏"] and {p.state for p in postings} == {"applied"}
    events = PostingEvent.objects.filter(posting__in=postings)
    assert [(e.action, e.from_state, e.to_state, e.actor) for e in events] == [("apply", "", "applied", unit_user)] * 2


def test_every_error_at_once_and_nothing_written(unit_user, campaign, regions):
    other = DispatchingUnit.objects.exclude(pk=unit_user.unit_id).filter(level="province").first()
    taken = cadre_for(other, name="周平")
    bad_check = WANG[:17] + ("0" if WANG[17] != "0" else "1")
    batch = preview(
        unit_user,
        [
            row(number=bad_check),
            row("赵敏", ZHAO, "男", "1990.12"),
            row("钱进", make_id_number("140105", datetime.date(1980, 1, 1), 13, "M"), "男", "1980.01", nation="火星族"),
            row("周平", taken.id_number, "男", f"{taken.birth_date:%Y.%m}"),
            row("赵敏", ZHAO, "女", "1990.11"),
            row("孙立", make_id_number("140105", datetime.date(1980, 1, 1), 14, "M"), "男", "1980.01", work="", rank="正处长"),
        ],
    )
    assert errors_of(batch) == [
        f"第2行 身份证号：校验码应为 {WANG[17]}，号码可能有误。",
        "第3行 性别：与身份证号不符：身份证号表明性别为女。",
        "第3行 出生年月：与身份证号不符：身份证号中的出生日期是 1990年11月。",
        "第4行 民族：无法识别“火星族”，应填56个民族之一，如 汉族 或 汉。",
        "第5行 身份证号：该身份证号已由其他单位登记，一人只能由一个单位报名。如确属本单位人员，请联系省委组织部组织指导处核实。",
        "第6行 身份证号：与第3行的身份证号重复。",
        "第7行 职级：无法识别“正处长”，应填 处级以上、科级 或 科级以下（也可填 正处、副处、正科、副科、科员、办事员）。",
        "第7行 参加工作时间：不能为空。",
    ]
    assert other.name not in " ".join(errors_of(batch))  # the other unit is not named (PIPL)
    from core.importing import ImportRefused

    with pytest.raises(ImportRefused):
        RosterResource().confirm(batch=batch, user=unit_user)
    assert Cadre.objects.count() == 1 and not Posting.objects.exists()


def test_a_missing_required_column_refuses_the_file(unit_user, campaign):
    with pytest.raises(FileRefused):
        preview(unit_user, [row()[:8]], header=HEADER[:8])


def test_reimport_changes_nothing_and_an_update_shows_old_and_new(unit_user, campaign):
    RosterResource().confirm(batch=preview(unit_user, [row()]), user=unit_user)
    again = preview(unit_user, [row()])
    assert (again.errors, again.created_count, again.updated_count, again.unchanged_count) == ([], 0, 0, 1)

    changed = preview(unit_user, [row(pos="副主任科员", rank="正科")])
    assert changed.rows.get().diff == {"position": ["科员", "副主任科员"]}
    RosterResource().confirm(batch=changed, user=unit_user)
    assert Cadre.objects.get().position == "副主任科员"
    assert Posting.objects.count() == 1 and PostingEvent.objects.count() == 1  # never a second application


def test_export_imports_back_unchanged_and_is_scoped(client, unit_user, campaign):
    RosterResource().confirm(batch=preview(unit_user, [row(), row("赵敏", ZHAO, "女", "1990.11", work="2013.09.15")]), user=unit_user)
    Cadre.objects.filter(id_number=WANG).update(position="=SUM(A1)")
    other = DispatchingUnit.objects.exclude(pk=unit_user.unit_id).filter(level="province").first()
    cadre_for(other, name="周平")

    client.force_login(unit_user)
    response = client.get(reverse("roster:export"))
    assert response.status_code == 200
    rows = read_xlsx(b"".join(response.streaming_content))
    assert rows[0][:2] == ["姓名", "公民身份证号"]
    assert sorted(r[0] for r in rows[1:]) == ["王强", "赵敏"]  # not the other unit's cadre
    assert "'=SUM(A1)" in [r[9] for r in rows[1:]]  # 职务: formula text escaped

    batch = RosterResource().preview(data=xlsx_bytes(rows), file_name="导出.xlsx", user=unit_user)
    assert (batch.errors, batch.created_count, batch.updated_count, batch.unchanged_count) == ([], 0, 0, 2)


def test_pages_only_for_unit_users(client, unit_user, province_user, campaign):
    client.force_login(province_user)
    assert client.get(reverse("roster:import")).status_code == 403
    client.force_login(unit_user)
    assert client.get(reverse("roster:import")).status_code == 200


def test_upload_preview_confirm_through_the_pages(client, unit_user, campaign):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(unit_user)
    upload = SimpleUploadedFile("报名人员.xlsx", xlsx_bytes([HEADER, row()]))
    response = client.post(reverse("roster:import"), {"file": upload})
    assert response.status_code == 302
    preview_page = client.get(response["Location"])
    assert preview_page.status_code == 200 and "王强" in preview_page.content.decode()
    batch_id = int(response["Location"].rstrip("/").split("/")[-1])
    confirmed = client.post(reverse("roster:import_confirm", args=[batch_id]))
    assert confirmed.status_code == 302
    assert client.get(confirmed["Location"]).status_code == 200  # the unit's own history
    assert Posting.objects.filter(cadre__id_number=WANG, state="applied").count() == 1


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1980.05", (datetime.date(1980, 5, 1), False)),
        ("1980-05", (datetime.date(1980, 5, 1), False)),
        ("1980年5月", (datetime.date(1980, 5, 1), False)),
        ("1980/5/17", (datetime.date(1980, 5, 17), True)),
        ("1980-05-1700:00:00", (datetime.date(1980, 5, 17), True)),
        ("29358", (datetime.date(1980, 5, 17), True)),
    ],
)
def test_date_forms(text, expected):
    from core.columns import parse_date

    assert parse_date(text) == expected


def test_an_excel_date_cell_is_read(unit_user, campaign):
    batch = preview(unit_user, [row(birth=datetime.datetime(1985, 3, 9), work=datetime.datetime(2007, 8, 15))])
    assert errors_of(batch) == []
    RosterResource().confirm(batch=batch, user=unit_user)
    assert Cadre.objects.get().work_start_date == datetime.date(2007, 8, 15)


class TestWithdrawnOrRejectedApplicants:
    """A cadre whose application in this campaign was withdrawn or rejected applies again only
    when the row says 重新报名: 是; an exported roster imports back without bringing anyone back."""

    @pytest.fixture
    def withdrawn(self, unit_user, campaign):
        from secretaries.services import posting_withdraw

        RosterResource().confirm(batch=preview(unit_user, [row()]), user=unit_user)
        return posting_withdraw(posting=Posting.objects.get(cadre__id_number=WANG), by=unit_user, reason="本人因家庭原因申请撤回")

    def test_the_export_imports_back_without_applying_again(self, client, unit_user, withdrawn):
        client.force_login(unit_user)
        rows = read_xlsx(b"".join(client.get(reverse("roster:export")).streaming_content))
        assert rows[0][-1] == "重新报名" and rows[1][-1] in (None, "")
        batch = RosterResource().preview(data=xlsx_bytes(rows), file_name="导出.xlsx", user=unit_user)
        assert (batch.errors, batch.created_count, batch.updated_count, batch.unchanged_count) == ([], 0, 0, 1)

    def test_an_update_with_reapply_blank_changes_the_person_only(self, unit_user, withdrawn):
        batch = preview(unit_user, [row(phone="13911111111") + [""]], header=[*HEADER, "重新报名"])
        assert batch.rows.get().diff == {"phone": ["13900000000", "13911111111"]}
        RosterResource().confirm(batch=batch, user=unit_user)
        assert Cadre.objects.get().phone == "13911111111"
        assert list(Posting.objects.values_list("state", flat=True)) == ["withdrawn"]

    def test_marked_it_shows_the_earlier_state_and_applies_again(self, client, unit_user, campaign, withdrawn):
        batch = preview(unit_user, [row() + ["是"]], header=[*HEADER, "重新报名"])
        today = f"{timezone.localdate():%Y年%-m月%-d日}"
        assert batch.rows.get().diff == {"reapply": [f"撤回（{today}：本人因家庭原因申请撤回）", f"在“{campaign.name}”重新报名"]}
        client.force_login(unit_user)
        page = client.get(reverse("roster:import_preview", args=[batch.pk])).content.decode()
        assert f"重新报名：撤回（{today}：本人因家庭原因申请撤回） → 在“{campaign.name}”重新报名" in page

        RosterResource().confirm(batch=batch, user=unit_user)
        again = Posting.objects.get(state="applied")
        assert again.pk != withdrawn.pk and again.cadre == withdrawn.cadre
        assert again.events.get().note == "重新报名：导入报名人员名单（报名人员.xlsx）"
        # Marked again later: the cadre is in the pipeline now, nothing to do.
        later = preview(unit_user, [row() + ["是"]], header=[*HEADER, "重新报名"])
        assert (later.errors, later.updated_count, later.unchanged_count) == ([], 0, 1)

    def test_a_file_without_the_column_is_asked_what_it_means(self, unit_user, campaign):
        from secretaries.services import posting_qualify, posting_reject

        RosterResource().confirm(batch=preview(unit_user, [row(pol="预备党员", party="")]), user=unit_user)
        posting = Posting.objects.get()
        with pytest.raises(TransitionRefused):
            posting_qualify(posting=posting, by=unit_user)
        posting_reject(posting=posting, by=unit_user, reason="须为中共正式党员，该干部为中共预备党员")
        batch = preview(unit_user, [row()])
        today = f"{timezone.localdate():%Y年%-m月%-d日}"
        assert errors_of(batch) == [
            f"第2行 重新报名：王强在本批次的报名已资格审查未通过（{today}：须为中共正式党员，该干部为中共预备党员）。"
            "如需重新报名，请增加“重新报名”列并填“是”；不重新报名的填“否”，或删除此行。"
        ]

    def test_an_unreadable_mark_is_an_error(self, unit_user, withdrawn):
        batch = preview(unit_user, [row() + ["可以"]], header=[*HEADER, "重新报名"])
        assert errors_of(batch) == ["第2行 重新报名：无法识别“可以”，应填 是/否、√/空白、1/0 或 Y/N。"]

    def test_a_new_person_marked_simply_applies(self, unit_user, campaign):
        batch = preview(unit_user, [row() + ["是"]], header=[*HEADER, "重新报名"])
        assert (batch.errors, batch.created_count) == ([], 1)
        RosterResource().confirm(batch=batch, user=unit_user)
        assert Posting.objects.get().events.get().note == "导入报名人员名单（报名人员.xlsx）"


def test_the_upload_page_explains_reapplying(client, unit_user, campaign):
    client.force_login(unit_user)
    page = client.get(reverse("roster:import")).content.decode()
    assert "只有在“重新报名”列填“是”时才重新报名" in page
