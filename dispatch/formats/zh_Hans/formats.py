"""Formats for zh-hans, where they differ from Django's own (django/conf/locale/zh_Hans).

Django's Chinese locale groups digits by four without a separator (万-grouping: 9396, 12345);
the notice's tables and the offices' spreadsheets write 9,396 and 12,345. With
USE_THOUSAND_SEPARATOR every number a template shows is grouped by three: a number that is not a
quantity (an id in a URL or a form value, a year, a page number in a query string) is written
with ``|unlocalize``.

Dates keep Django's Chinese formats: 2015年6月10日, 2015年6月10日 14:30, 2015年6月.
"""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
DECIMAL_SEPARATOR = "."
