"""What a sample's check says its extension was built with, read from the check's output."""

from harness.measure.wheelcheck import BUILT_WITH, built_with

# The hazard sample's check output on a real build (tests/fixtures/requirements-bump).
ORIGIN = "/tmp/build-env-ppn_uu06/lib/python3.11/site-packages/pyo3_harness_probe.py"
RECORDED = f'pyo3-harness-built-with: {{"probe": "2.0", "probe_origin": "{ORIGIN}"}}\nwheel check passed\n'


def test_the_line_the_hazard_check_prints_is_read() -> None:
    assert built_with(RECORDED) == {"probe": "2.0", "probe_origin": ORIGIN}


def test_the_last_line_wins_and_anything_else_is_nothing() -> None:
    assert built_with(f'{BUILT_WITH}{{"probe": "1.0"}}\n{BUILT_WITH}{{"probe": "2.0"}}\n') == {"probe": "2.0"}
    assert built_with("wheel check passed\n") is None
    assert built_with(f"{BUILT_WITH}not json\n") is None
    assert built_with(f'{BUILT_WITH}["2.0"]\n') is None
    assert built_with(f'{BUILT_WITH}{{"probe": 2}}\n') is None
