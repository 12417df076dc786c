"""Cutting hilog into per-test slices from `date` and `hilog -x` text (the format of the emulator and of
OpenHarmony's toybox `date` and hilog)."""

from harness.plugin.hilog_slice import MAX_LINES, HilogSlicer, date_stamp, line_stamp

BEFORE = "11-27 10:58:17.990  1  1 I C01800/SAMGR: before the test"
SAME_SECOND = "11-27 10:58:18.100  1  1 I C01300/AbilityManagerService: start ability shim"
LATER = "11-27 10:58:19.002  7  7 I C00000/com.ohoshil.shim: SHIM SERVING port=18620"
NEXT = "11-27 10:58:20.500  9  9 E C01600/CloudSyncService: 22400003 refused"


def test_date_output_of_toybox_and_of_the_emulator_parse_to_the_same_stamp():
    assert date_stamp("Thu Nov 27 10:58:18 CST 2025\n") == (11, 27, 10, 58, 18)
    assert date_stamp("Thu Nov  7 10:58:18 UTC 2025") == (11, 7, 10, 58, 18)
    assert date_stamp("date: unknown option") is None
    assert line_stamp(LATER) == (11, 27, 10, 58, 19)
    assert line_stamp("--------- beginning of core") is None


def test_first_slice_starts_at_the_tests_start_second():
    slicer = HilogSlicer()
    slicer.begin("Thu Nov 27 10:58:18 CST 2025")
    assert slicer.cut("\n".join([BEFORE, SAME_SECOND, LATER])) == [SAME_SECOND, LATER]


def test_next_slice_is_what_came_after_the_previous_slice_even_within_the_same_second():
    slicer = HilogSlicer()
    slicer.begin("Thu Nov 27 10:58:18 CST 2025")
    slicer.cut("\n".join([BEFORE, SAME_SECOND]))
    slicer.begin("Thu Nov 27 10:58:18 CST 2025")
    assert slicer.cut("\n".join([BEFORE, SAME_SECOND, LATER, NEXT])) == [LATER, NEXT]


def test_a_cleared_buffer_falls_back_to_the_start_time():
    slicer = HilogSlicer()
    slicer.begin("Thu Nov 27 10:58:18 CST 2025")
    slicer.cut("\n".join([BEFORE, SAME_SECOND]))
    slicer.begin("Thu Nov 27 10:58:20 CST 2025")
    assert slicer.cut("\n".join([LATER, NEXT])) == [NEXT]  # `hilog -r` emptied it meanwhile


def test_nothing_new_gives_an_empty_slice_and_an_unknown_start_gives_everything():
    slicer = HilogSlicer()
    slicer.begin("no date here")
    assert slicer.cut("\n".join([BEFORE, LATER])) == [BEFORE, LATER]
    slicer.begin("Thu Nov 27 10:58:30 CST 2025")
    assert slicer.cut("\n".join([BEFORE, LATER])) == []


def test_a_huge_slice_keeps_its_last_lines_and_says_how_many_were_left_out():
    slicer = HilogSlicer()
    slicer.begin("Thu Nov 27 10:58:18 CST 2025")
    lines = [f"11-27 10:58:19.{i % 1000:03d}  1  1 I C01800/T: line {i}" for i in range(MAX_LINES + 10)]
    cut = slicer.cut("\n".join(lines))
    assert cut[0] == "… 10 earlier lines left out"
    assert cut[1:] == lines[10:]
