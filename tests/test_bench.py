"""The pure parts of bench/national.py (issue #15): percentiles and the rewrite of its own section of
docs/performance.md between its markers. The benchmark itself is run by `make bench`, never here."""

import pytest

from bench.national import BEGIN, END, percentile, replace_section


def test_median_and_p95_interpolate_between_ranks():
    values = [float(n) for n in range(1, 21)]  # 1 … 20, shuffled below
    shuffled = values[::2] + values[1::2]
    assert percentile(shuffled, 50) == 10.5
    assert percentile(shuffled, 95) == pytest.approx(19.05)
    assert percentile(shuffled, 0) == 1.0
    assert percentile(shuffled, 100) == 20.0
    assert percentile([7.0], 95) == 7.0


def test_percentile_of_nothing_is_refused():
    with pytest.raises(ValueError):
        percentile([], 50)


def test_section_replaced_between_markers_and_the_rest_kept():
    text = f"# Performance\n\nintro\n\n{BEGIN}\nold figures\n{END}\n\n## After\nkept\n"
    new = replace_section(text, f"{BEGIN}\nnew figures\n{END}")
    assert new == f"# Performance\n\nintro\n\n{BEGIN}\nnew figures\n{END}\n\n## After\nkept\n"
    # A second rewrite replaces the section again, not appends.
    assert replace_section(new, f"{BEGIN}\nthird\n{END}").count(BEGIN) == 1


def test_section_appended_when_the_markers_are_absent():
    text = "# Performance\n\nintro\n\n"
    assert replace_section(text, f"{BEGIN}\nfigures\n{END}") == f"# Performance\n\nintro\n\n{BEGIN}\nfigures\n{END}\n"
