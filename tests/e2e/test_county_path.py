"""One county candidate along the county path of notice §三, each step by its own user in the
browser: a 岢岚县 unit registers its cadre from a roster, qualifies and recommends it for its own
county; 岢岚县委组织部 — the organization department of the unit's level — files it (no 省扶贫办
step for a county unit), assigns it to a target village that is not registered-poor (no reason
needed for a county cadre), records taking office and ends the term. Wrong roles are refused."""

import datetime

from playwright.sync_api import expect

from dispatch.models import DispatchingUnit, Role
from secretaries.idcard import make_id_number
from secretaries.models import Posting, PostingEvent
from tests.factories import UserFactory
from tests.secretaries.conftest import campaign, categories, kelan_weak_only_village  # noqa: F401  (the pipeline's fixtures)
from tests.spreadsheets import xlsx_bytes
from tests.tenure.term_helpers import term_review_completed

ID_NUMBER = make_id_number("140929", datetime.date(1986, 4, 12), 31, "F")
ROSTER = [
    [
        "姓名",
        "公民身份证号",
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
        "有农村工作经验",
    ],
    [
        "刘春梅",
        ID_NUMBER,
        "女",
        "1986.04",
        "汉族",
        "大学本科",
        "中共党员",
        "2009.06",
        "2008.09",
        "农经站站长",
        "正科",
        "优秀年轻干部",
        "是",
    ],
]


def test_a_county_candidate_walks_the_county_path(
    page,
    live_server,
    login,
    screenshot,
    tmp_path,
    regions,
    campaign,
    kelan_user,
    xinzhou_user,
    province_user,
    poverty_office_user,
    kelan_weak_only_village,
):
    kelan = regions["岢岚县"]
    unit = DispatchingUnit.objects.create(
        name="岢岚县农业农村局", level=DispatchingUnit.Level.COUNTY, kind="party_government", region=kelan
    )
    UserFactory(username="kelan_nyj", full_name="岢岚县农业农村局人事股", role=Role.UNIT, unit=unit)
    village = kelan_weak_only_village
    assert village.is_weak_organization and not village.is_registered_poor

    def as_user(username):
        page.context.clear_cookies()
        login(username)

    def action(name):
        return page.locator(f"form[data-action={name}]")

    def post_directly(url):
        """What a stale tab or a hand-made request would send: a POST without the button."""
        page.evaluate(
            """url => { const f = document.createElement('form'); f.method = 'post'; f.action = url;
            f.appendChild(document.querySelector('input[name=csrfmiddlewaretoken]').cloneNode());
            document.body.appendChild(f); f.submit(); }""",
            url,
        )

    def events():
        return PostingEvent.objects.filter(posting__cadre__id_number=ID_NUMBER).count()

    # 个人报名: the unit's HR imports its roster (preview, then confirm).
    as_user("kelan_nyj")
    page.goto(f"{live_server.url}/roster/import/")
    roster = tmp_path / "岢岚县农业农村局报名人员.xlsx"
    roster.write_bytes(xlsx_bytes(ROSTER))
    page.get_by_label("选择文件").set_input_files(roster)
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_test_id("created")).to_have_text("1")
    expect(page.get_by_test_id("changes")).to_contain_text("刘春梅")
    screenshot("county-roster-preview")
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".message.success")).to_contain_text("新增 1 人")
    posting = Posting.objects.get(cadre__id_number=ID_NUMBER)
    detail = f"{live_server.url}/postings/{posting.pk}/"

    # 资格审查 and 组织推荐 by the unit, naming its own county.
    page.goto(f"{live_server.url}/postings/")
    page.get_by_role("link", name="刘春梅").click()
    expect(page.get_by_test_id("cadre")).to_contain_text("农经站站长")
    action("qualify").get_by_role("button", name="资格审查通过").click()
    expect(page.locator(".message.success")).to_contain_text("刘春梅：已资格审查通过")
    recommend = action("recommend")
    expect(recommend.get_by_label("拟派往县").locator("option")).to_have_text(["请选择", "岢岚县"])
    recommend.get_by_label("党委（党组）研究日期").fill("2015-07-02")
    recommend.get_by_label("研究决定").fill("局党组会议研究，同意推荐")
    recommend.get_by_label("拟派往县").select_option(label="岢岚县")
    recommend.get_by_role("button", name="组织推荐").click()
    expect(page.get_by_test_id("state")).to_have_text("组织推荐")
    expect(page.get_by_test_id("posting")).to_contain_text("岢岚县")

    # Wrong role: the unit cannot file its own candidate (no button; a direct POST is refused).
    expect(page.get_by_role("button", name="审核备案")).to_have_count(0)
    post_directly(f"{detail}file/")
    expect(page.locator(".message.error")).to_contain_text("派出单位不能对岢岚县农业农村局的人选进行“审核备案”")
    assert events() == 3

    # Wrong role: 省扶贫办 approves provincial units' candidates only; a county unit's is not even
    # in its scope — the page and the action answer 404.
    as_user("shengfpb")
    assert page.goto(detail).status == 404
    post_directly(f"{detail}approve/")
    expect(page.get_by_role("heading", name="页面不存在")).to_be_visible()
    assert events() == 3

    # Wrong level: a county unit's candidate is filed by the county, not by the province or the city.
    for username, role in (("shengzzb", "省委组织部"), ("xinzhou", "市委组织部")):
        as_user(username)
        page.goto(detail)
        expect(page.get_by_test_id("no-actions")).to_be_visible()
        post_directly(f"{detail}file/")
        expect(page.locator(".message.error")).to_contain_text(f"{role}不能对岢岚县农业农村局的人选进行“审核备案”")
    screenshot("county-wrong-level-refused")
    assert events() == 3

    # 审核备案 by 岢岚县委组织部, from its 待办.
    as_user("kelan")
    expect(page.locator(".todos")).to_contain_text("待审核备案的县直单位人选")
    page.get_by_role("link", name="待审核备案的县直单位人选").click()
    page.get_by_role("link", name="刘春梅").click()
    expect(action("approve")).to_have_count(0)
    action("file").get_by_role("button", name="审核备案").click()
    expect(page.get_by_test_id("state")).to_have_text("审核备案")

    # 分配到村: a weak-organization village that is not registered-poor, without a reason.
    page.get_by_test_id("assign-link").click()
    expect(page.locator(".hint")).to_have_count(0)  # no "mainly registered-poor villages" rule for county cadres
    page.get_by_label("村名或代码").fill(village.code)
    page.get_by_role("button", name="查找").click()
    expect(page.get_by_test_id("result-count")).to_contain_text(f"符合“{village.code}”的 1 个")
    row = page.locator(f'tr[data-village="{village.code}"]')
    expect(row).to_contain_text("党组织软弱涣散村")
    expect(row.locator("input[name=reason]")).to_have_count(0)
    screenshot("county-assign-page")
    row.get_by_role("button", name=f"分配到{village.name}").click()
    expect(page.locator(".message.success")).to_contain_text(f"刘春梅：已分配到{village.name}")

    # 履岗任职, then 期满免职.
    take_office = action("take_office")
    take_office.get_by_label("到村任职日期").fill("2015-08-10")
    take_office.get_by_label("党组织关系已转入村").check()
    take_office.get_by_role("button", name="履岗任职").click()
    expect(page.get_by_test_id("state")).to_have_text("履岗任职")
    end_term = action("end_term")
    end_term.get_by_label("免职日期").fill("2015-08-01")  # before taking office: refused, shown beside the field
    end_term.get_by_role("button", name="期满免职").click()
    expect(action("end_term").get_by_test_id("field-error")).to_have_text("免职日期不能早于任职日期。")
    expect(action("end_term").get_by_label("免职日期")).to_have_value("2015-08-01")
    screenshot("county-end-term-refused")
    term_review_completed(Posting.objects.get(cadre__name="刘春梅", state=Posting.State.IN_OFFICE))  # required by tenure
    action("end_term").get_by_label("免职日期").fill("2017-08-10")
    action("end_term").get_by_role("button", name="期满免职").click()
    expect(page.get_by_test_id("state")).to_have_text("期满免职")

    timeline = page.get_by_test_id("timeline").locator("tbody tr")
    expect(timeline).to_have_count(7)
    for row_number, (role, change) in enumerate(
        [
            ("派出单位", "— → 个人报名"),
            ("派出单位", "个人报名 → 资格审查通过"),
            ("派出单位", "资格审查通过 → 组织推荐"),
            ("县委组织部", "组织推荐 → 审核备案"),
            ("县委组织部", "审核备案 → 已分配到村"),
            ("县委组织部", "已分配到村 → 履岗任职"),
            ("县委组织部", "履岗任职 → 期满免职"),
        ]
    ):
        expect(timeline.nth(row_number)).to_contain_text(role)
        expect(timeline.nth(row_number)).to_contain_text(change)
    expect(timeline.nth(0)).to_contain_text("导入报名人员名单")
    expect(timeline.nth(2)).to_contain_text("局党组会议研究，同意推荐；拟派往岢岚县")
    expect(page.get_by_test_id("posting")).to_contain_text(village.name)
    expect(page.get_by_test_id("posting")).to_contain_text("免职日期2017年8月10日")
    screenshot("county-posting-detail")
    assert events() == 7
