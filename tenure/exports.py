"""The monthly work summary (工作小结) of one secretary as an .xlsx in its printed layout: title,
who and where, the month's presence, entries by duty, every entry of the month, and the
signature lines. Written from tenure.selectors.month_summary, the page's own figures: nothing is
typed twice."""

from __future__ import annotations

import tempfile
from typing import IO

import xlsxwriter

from core.columns import escape_formula
from tenure.selectors import MonthSummary, duty_labels

COLUMNS = [("日期", 12), ("在村", 6), ("涉及职责", 22), ("走访农户", 9), ("走访农户姓名", 16), ("工作内容", 52), ("填写人", 10)]


def month_summary_xlsx_tempfile(summary: MonthSummary) -> IO[bytes]:
    """The workbook in an anonymous temporary file, rewound (closing it deletes it). Every cell
    the diary's writer typed is written as text, never as a formula or a link."""
    file = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        _write(file, summary)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return file


def _write(file, summary: MonthSummary) -> None:
    posting = summary.posting
    village = posting.village
    last = len(COLUMNS) - 1
    workbook = xlsxwriter.Workbook(file, {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False})
    sheet = workbook.add_worksheet(f"{summary.year}年{summary.month}月")
    font = {"font_name": "宋体", "font_size": 11, "valign": "vcenter"}
    title = workbook.add_format({**font, "font_name": "黑体", "font_size": 16, "bold": True, "align": "center"})
    plain = workbook.add_format(font)
    label = workbook.add_format({**font, "bold": True})
    head = workbook.add_format({**font, "bold": True, "align": "center", "border": 1, "bg_color": "#F2F2F2", "text_wrap": True})
    cell = workbook.add_format({**font, "border": 1, "text_wrap": True, "valign": "top"})
    number = workbook.add_format({**font, "border": 1, "align": "right", "valign": "top"})

    for index, (_, width) in enumerate(COLUMNS):
        sheet.set_column(index, index, width)
    row = 0
    sheet.merge_range(row, 0, row, last, escape_formula(f"{posting.cadre.name}同志{summary.title}"), title)
    sheet.set_row(row, 30)
    row += 2
    place = "".join(r.name for r in (village.county, village.township) if r) + village.name
    facts = [
        ("派驻村", place),
        ("派出单位", posting.unit.name),
        ("任职时间", f"{posting.start_date:%Y年%m月%d日}" if posting.start_date else ""),
    ]
    figures = summary.figures
    if figures is not None:
        facts += [
            ("本月应在岗工作日", f"{figures.working_days}天（2/3为{figures.required}天）"),
            (
                "在村天数",
                f"{figures.in_village}天；公务外出{figures.official_absence}天，请假{figures.leave}天，未说明{figures.unexplained}天",
            ),
        ]
    else:
        facts.append(("在村天数", summary.figures_missing))
    facts += [
        ("民情日记", f"{len(summary.entries)}篇，其中在村{summary.diary_days}天"),
        ("走访农户", f"{summary.households_visited}户次"),
        ("按职责", "；".join(f"{name}{count}篇" for name, count in summary.by_duty)),
    ]
    for name, value in facts:
        sheet.write_string(row, 0, name, label)
        sheet.merge_range(row, 1, row, last, escape_formula(value), plain)
        row += 1
    row += 1
    header_row = row
    for index, (name, _) in enumerate(COLUMNS):
        sheet.write_string(row, index, name, head)
    row += 1
    for entry in summary.entries:
        sheet.write_string(row, 0, f"{entry.date:%Y-%m-%d}", cell)
        sheet.write_string(row, 1, "是" if entry.in_village else "否", cell)
        sheet.write_string(row, 2, "、".join(duty_labels(entry.duties)), cell)
        sheet.write_number(row, 3, entry.households_visited, number)
        sheet.write_string(row, 4, escape_formula(entry.household_names), cell)
        sheet.write_string(row, 5, escape_formula(entry.content), cell)
        sheet.write_string(row, 6, escape_formula(entry.written_by.get_full_name()), cell)
        row += 1
    if not summary.entries:
        sheet.merge_range(row, 0, row, last, "本月没有已提交的民情日记。", cell)
        row += 1
    row += 1
    sheet.write_string(row, 0, "第一书记（签字）：", label)
    sheet.write_string(row, 4, "乡镇党委（盖章）：", label)
    row += 2
    sheet.write_string(row, 4, "年    月    日", plain)

    sheet.repeat_rows(header_row)
    sheet.set_paper(9)  # A4
    sheet.set_portrait()
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.set_footer("&C第 &P 页，共 &N 页")
    workbook.close()
