"""One provincial candidate through every step of notice §三, each by its own user, in the browser:
个人报名 → 资格审查 → 组织推荐 → 省扶贫办审核 → 省委组织部备案 → 岢岚县分配到村 → 履岗任职 → 期满免职."""

import re

from playwright.sync_api import expect

from secretaries.models import Posting
from tests.secretaries.conftest import applied, campaign, categories, kelan_poor_villages, kelan_weak_only_village  # noqa: F401  (the pipeline's fixtures)
from tests.tenure.term_helpers import term_review_completed


def test_a_provincial_candidate_walks_through_the_pipeline(
    page,
    live_server,
    login,
    screenshot,
    applied,
    unit_user,
    poverty_office_user,
    province_user,
    kelan_user,
    kelan_poor_villages,
    kelan_weak_only_village,
):
    detail = f"{live_server.url}/postings/{applied.pk}/"

    def as_user(username):
        page.context.clear_cookies()
        login(username)

    def action(name):
        return page.locator(f"form[data-action={name}]")

    # 资格审查 and 组织推荐 by the unit.
    as_user("guotu")
    page.goto(detail)
    action("qualify").get_by_role("button", name="资格审查通过").click()
    expect(page.locator(".message.success")).to_contain_text("已资格审查通过")
    recommend = action("recommend")
    recommend.get_by_label("党委（党组）研究日期").fill("2015-07-01")
    # Each quota county says how many of the unit's places are used (issue #11 point 7).
    recommend.get_by_label("拟派往县").select_option(label="岢岚县（名额 5，已用 0）")
    recommend.get_by_role("button", name="组织推荐").click()
    expect(page.get_by_test_id("state")).to_have_text("组织推荐")

    # A wrong role: the province may not file before 省扶贫办 approves. No button; a direct POST is refused.
    as_user("shengzzb")
    page.goto(detail)
    expect(page.get_by_role("button", name="审核备案")).to_have_count(0)
    expect(page.get_by_test_id("no-actions")).to_be_visible()
    page.evaluate(
        """url => { const f = document.createElement('form'); f.method = 'post'; f.action = url;
        const t = document.querySelector('input[name=csrfmiddlewaretoken]').cloneNode(); f.appendChild(t);
        document.body.appendChild(f); f.submit(); }""",
        f"{detail}file/",
    )
    expect(page.locator(".message.error")).to_contain_text("当前为“组织推荐”，不能审核备案")
    assert Posting.objects.get(pk=applied.pk).events.count() == 3

    # 省扶贫办 finds it in its 待办 and approves.
    as_user("shengfpb")
    expect(page.locator(".todos")).to_contain_text("待审核的省直单位人选")
    screenshot("home-todos")
    page.get_by_role("link", name="待审核的省直单位人选").click()
    expect(page.get_by_test_id("result-count")).to_contain_text("共 1 人")
    screenshot("postings-list")
    page.get_by_role("link", name="李建国").click()
    action("approve").get_by_role("button", name="审核同意").click()
    expect(page.get_by_test_id("state")).to_have_text("省扶贫办审核同意")

    # 省委组织部 files it.
    as_user("shengzzb")
    page.goto(detail)
    action("file").get_by_role("button", name="审核备案").click()
    expect(page.get_by_test_id("state")).to_have_text("审核备案")

    # 岢岚县委组织部 assigns it to a registered-poor village, then records the arrival.
    as_user("kelan")
    page.goto(detail)
    page.get_by_test_id("assign-link").click()
    # A village that is not registered-poor needs a reason for a provincial cadre: refused, the
    # reason shown in the village's row.
    page.get_by_label("村名或代码").fill(kelan_weak_only_village.code)
    page.get_by_role("button", name="查找").click()
    weak_row = page.locator(f'tr[data-village="{kelan_weak_only_village.code}"]')
    weak_row.get_by_role("button", name=re.compile("分配到")).click()
    expect(page.locator(f'tr[data-village="{kelan_weak_only_village.code}"]').get_by_test_id("assign-error")).to_contain_text(
        "派往非贫困村须填写理由"
    )
    screenshot("assign-refused")
    assert Posting.objects.get(pk=applied.pk).state == Posting.State.FILED
    page.get_by_label("村名或代码").fill("")
    page.get_by_role("button", name="查找").click()
    first_row = page.locator("table.assign tbody tr").first
    expect(first_row).to_contain_text("建档立卡贫困村")
    screenshot("assign-page")
    village = first_row.locator("td").nth(1).inner_text()
    first_row.get_by_role("button", name=re.compile("分配到")).click()
    expect(page.locator(".message.success")).to_contain_text(f"已分配到{village}")
    take_office = action("take_office")
    take_office.get_by_label("到村任职日期").fill("2015-08-10")
    take_office.get_by_label("党组织关系已转入村").check()
    take_office.get_by_role("button", name="履岗任职").click()
    expect(page.get_by_test_id("state")).to_have_text("履岗任职")
    expect(page.get_by_test_id("posting")).to_contain_text("2017年8月10日")  # the campaign's 2-year term

    # The unit cannot end its secretary's term; the receiving county does (期满免职).
    as_user("guotu")
    page.goto(detail)
    expect(page.get_by_role("button", name="期满免职")).to_have_count(0)
    term_review_completed(applied)  # 期满免职 requires the 期满考察 (tenure)
    as_user("kelan")
    page.goto(detail)
    end_term = action("end_term")
    end_term.get_by_label("免职日期").fill("2017-08-10")
    end_term.get_by_role("button", name="期满免职").click()
    expect(page.get_by_test_id("state")).to_have_text("期满免职")
    expect(page.get_by_test_id("no-actions")).to_be_visible()

    timeline = page.get_by_test_id("timeline").locator("tbody tr")
    expect(timeline).to_have_count(8)
    expect(timeline.last).to_contain_text("2017年8月10日期满免职")
    for row, (role, change) in enumerate(
        [
            ("派出单位", "— → 个人报名"),
            ("派出单位", "个人报名 → 资格审查通过"),
            ("派出单位", "资格审查通过 → 组织推荐"),
            ("省扶贫办", "组织推荐 → 省扶贫办审核同意"),
            ("省委组织部", "省扶贫办审核同意 → 审核备案"),
            ("县委组织部", "审核备案 → 已分配到村"),
            ("县委组织部", "已分配到村 → 履岗任职"),
            ("县委组织部", "履岗任职 → 期满免职"),
        ]
    ):
        expect(timeline.nth(row)).to_contain_text(role)
        expect(timeline.nth(row)).to_contain_text(change)
    expect(page.get_by_test_id("posting")).to_contain_text(village)
    screenshot("posting-detail")
