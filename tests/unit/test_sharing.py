"""The share of the machine other work used, from /proc/stat lines recorded on this machine."""

from pathlib import Path

from harness.measure.sharing import Mark, mark, others_share

# /proc/stat's first line, twice, 10 s apart on this project's 2-core machine (2026-12-07) while
# cargo compiled uv on both cores.
BEFORE = "cpu  85539 0 10757 33706 529 0 121 585 0 0\n"
AFTER = "cpu  86886 0 11063 34026 533 0 124 592 0 0\n"


def test_busy_time_comes_from_every_core_and_leaves_idle_out(tmp_path: Path) -> None:
    stat = tmp_path / "stat"
    stat.write_text(BEFORE)
    start = mark(stat)
    stat.write_text(AFTER)
    end = mark(stat)
    assert start.busy is not None and end.busy is not None
    # 1347 user + 306 system + 3 softirq ticks at 100 Hz; idle, iowait and steal left out.
    assert round(end.busy - start.busy, 2) == 16.56


def test_what_the_command_used_itself_is_not_counted_as_others() -> None:
    start, end = Mark(100.0, 0.0, 2), Mark(119.86, 18.0, 2)
    assert others_share(start, end, 10.0) == 0.093
    assert others_share(start, Mark(119.86, 19.86, 2), 10.0) == 0.0
    assert others_share(Mark(None, 0.0, 2), end, 10.0) is None


def test_a_machine_without_proc_stat_says_nothing(tmp_path: Path) -> None:
    assert mark(tmp_path / "absent").busy is None
