"""The GitHub Actions setup: actionlint passes (and can fail), and the workflow's commands are
ones this CLI accepts, with the matrix keys the jobs read."""

import argparse
import json
import re
import shlex
import shutil
import subprocess
import sysconfig
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.cli import build_parser, main
from harness.install.patch_check import patched_tools
from harness.run.shard import parse_shard
from harness.survey.listing import load_list

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / ".github" / "workflows" / "harness-matrix.yml"
ACTION = REPO / "ci" / "action.yml"
_FALLBACK = re.compile(r"\$\{\{\s*inputs\.([\w-]+)\s*\|\|\s*'([^']*)'\s*\}\}")


def actionlint() -> str:
    scripts = sysconfig.get_path("scripts")
    found = shutil.which("actionlint", path=scripts) or shutil.which("actionlint")
    if found is None:
        pytest.fail("actionlint is not installed: pip install -e '.[test]' (it is in the test extra)")
    return found


def lint(*paths: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [actionlint(), "-oneline", *map(str, paths)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def load(path: Path) -> dict[str, Any]:
    raw: dict[Any, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as a boolean.
    return {("on" if key is True else str(key)): value for key, value in raw.items()}


def test_workflow_passes_actionlint() -> None:
    # Run inside the repository, so actionlint reads ci/action.yml for `uses: ./ci`.
    done = lint(WORKFLOW, cwd=REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""


def test_composite_action_steps_pass_actionlint(tmp_path: Path) -> None:
    # actionlint checks workflows, not action metadata: lint the action's steps as the one job
    # of a workflow_call workflow whose inputs are the action's.
    action = load(ACTION)
    inputs = {
        name: {"type": "string", "required": bool(spec.get("required", False))}
        | ({"default": str(spec["default"])} if "default" in spec else {})
        for name, spec in action["inputs"].items()
    }
    workflow = {
        "on": {"workflow_call": {"inputs": inputs}},
        "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": action["runs"]["steps"]}},
    }
    (tmp_path / ".git").mkdir()
    target = tmp_path / ".github" / "workflows" / "action-steps.yml"
    target.parent.mkdir(parents=True)
    target.write_text(yaml.safe_dump(workflow, sort_keys=False), encoding="utf-8")
    done = lint(target, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert action["runs"]["using"] == "composite"
    assert all("shell" in step for step in action["runs"]["steps"] if "run" in step)


def broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    (tmp_path / ".git").mkdir(exist_ok=True)  # marks the project root, as a clone has
    shutil.copytree(REPO / "ci", tmp_path / "ci", dirs_exist_ok=True)
    target = tmp_path / ".github" / "workflows" / WORKFLOW.name
    target.parent.mkdir(parents=True, exist_ok=True)
    text = WORKFLOW.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "python-version: ${{ matrix.python }}",
            "pithon-version: ${{ matrix.python }}",
            'input "pithon-version" is not defined in action "pyo3-harness run" defined at "./ci"',
        ),
        (
            "fromJSON(needs.plan.outputs.matrix)",
            "fromJSON(needs.plan.outputs.matrx)",
            'property "matrx" is not defined',
        ),
        ("needs: [plan, run]", "needs: [plan, runn]", 'job "report" needs job "runn" which does not exist'),
    ],
)
def test_actionlint_fails_a_broken_workflow(tmp_path: Path, old: str, new: str, message: str) -> None:
    done = lint(broken_copy(tmp_path, old, new), cwd=tmp_path)
    assert done.returncode != 0
    assert message in done.stdout, done.stdout + done.stderr


def commands(script: str, program: str) -> list[str]:
    """Lines of a step's script that run ``program`` (continuations joined)."""
    joined = script.replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip().startswith(program)]


def argv(line: str, env: dict[str, str]) -> list[str]:
    tokens = shlex.split(line)
    if ">" in tokens:
        tokens = tokens[: tokens.index(">")]
    return [re.sub(r"\$(\w+)", lambda m: env[m.group(1)], t) for t in tokens]


def plan_step() -> dict[str, Any]:
    steps = load(WORKFLOW)["jobs"]["plan"]["steps"]
    found: dict[str, Any] = next(s for s in steps if s.get("id") == "plan")
    return found


def planned_env(inputs: dict[str, str]) -> dict[str, str]:
    """The plan step's environment for a run whose inputs are ``inputs`` (empty: a pull request)."""
    env = {}
    for name, value in plan_step()["env"].items():
        match = _FALLBACK.fullmatch(value)
        assert match, f"{name}: expected `${{{{ inputs.X || 'default' }}}}`, got {value}"
        env[name] = inputs.get(match.group(1)) or match.group(2)
    return env


def dispatch_defaults() -> dict[str, str]:
    inputs = load(WORKFLOW)["on"]["workflow_dispatch"]["inputs"]
    return {name: str(spec["default"]) for name, spec in inputs.items()}


@pytest.mark.parametrize("event", ["pull_request", "workflow_dispatch"])
def test_plan_job_calls_matrix_with_flags_the_cli_accepts(
    event: str, capsys: pytest.CaptureFixture[str]
) -> None:
    env = planned_env(dispatch_defaults() if event == "workflow_dispatch" else {})
    lines = commands(plan_step()["run"], "pyo3-harness matrix")
    assert len(lines) == 2, "the github matrix and the text summary"
    github, text = (output(argv(line, env), capsys) for line in lines)
    assert "--format github" in lines[0] and "--format text" in lines[1]
    jobs = json.loads(github)["include"]
    assert jobs and text.startswith(f"{len(jobs)} job(s)")
    # Every `matrix.X` the run job reads is a key the plan writes.
    run_job = WORKFLOW.read_text(encoding="utf-8").split("\n  run:\n", 1)[1].split("\n  report:\n", 1)[0]
    used = set(re.findall(r"matrix\.(\w+)", run_job))
    assert used and used <= set(jobs[0]), used - set(jobs[0])
    # The report job downloads exactly the artifacts the jobs upload.
    report = load(WORKFLOW)["jobs"]["report"]
    download = next(s for s in report["steps"] if "download-artifact" in s.get("uses", ""))
    prefix = download["with"]["pattern"].rstrip("*")
    assert all(str(j["artifact"]).startswith(prefix) for j in jobs)


def output(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert args[:2] == ["pyo3-harness", "matrix"]
    code = main(args[1:])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def run_parser() -> argparse.ArgumentParser:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    parser: argparse.ArgumentParser = sub.choices["run"]
    return parser


def test_every_planned_job_is_a_run_the_action_can_start(capsys: pytest.CaptureFixture[str]) -> None:
    env = planned_env(dispatch_defaults())
    line = commands(plan_step()["run"], "pyo3-harness matrix")[0]
    jobs = json.loads(output(argv(line, env), capsys))["include"]
    step = next(s for s in load(ACTION)["runs"]["steps"] if s.get("id") == "run")
    [invocation] = [ln for ln in step["run"].splitlines() if "-m harness run" in ln]
    # The action word-splits `args` and appends its own flags.
    tail = shlex.split(invocation.split('"${args[@]}"', 1)[1])
    assert tail == ["--out", "$OUT", "--work-dir", "$WORK"]
    for job in jobs:
        args = str(job["args"])
        assert shlex.split(args) == args.split(), "read -a needs no quoting"
        parsed = run_parser().parse_args([*args.split(), "--out", "o", "--work-dir", "w"])
        assert parsed.shard == job["shard"] and parsed.frontend == [job["frontend"]]


def test_action_caches_the_harness_cache_and_never_target_dirs() -> None:
    steps = load(ACTION)["runs"]["steps"]
    restore = next(s for s in steps if str(s.get("uses", "")).startswith("actions/cache/restore"))
    save = next(s for s in steps if str(s.get("uses", "")).startswith("actions/cache/save"))
    paths = restore["with"]["path"].splitlines()
    assert paths == save["with"]["path"].splitlines()
    assert paths[0] == "${{ env.PYO3_HARNESS_CACHE }}"
    assert set(paths[1:]) == {
        "!${{ env.PYO3_HARNESS_CACHE }}/work",
        "!${{ env.PYO3_HARNESS_CACHE }}/cargo-target",
    }
    key = restore["with"]["key"]
    for part in ("runner.os", "inputs.python-version", "hashFiles('harness/pins.toml'"):
        assert part in key
    paths_step = next(s for s in steps if s.get("id") == "paths")
    assert "PYO3_HARNESS_CACHE=$RUNNER_TEMP/h" in paths_step["run"]
    assert "work=$RUNNER_TEMP/w" in paths_step["run"], "work copies (and target dirs) outside the cache"
    python = next(s for s in steps if str(s.get("uses", "")).startswith("actions/setup-python"))
    assert python["with"]["allow-prereleases"] is True


def test_report_job_calls_report_on_every_shard() -> None:
    report = load(WORKFLOW)["jobs"]["report"]
    assert report["if"] == "${{ always() && needs.plan.result == 'success' }}"
    [line] = [ln for s in report["steps"] for ln in commands(s.get("run", ""), "pyo3-harness report")]
    assert shlex.split(line) == ["pyo3-harness", "report", "shards/*/results.json", "--out", "merged"]
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    sub.choices["report"].parse_args(["shards/a/results.json", "shards/b/results.json", "--out", "merged"])


SURVEY = REPO / ".github" / "workflows" / "survey.yml"


def test_survey_workflow_passes_actionlint_and_its_commands_are_ones_the_cli_takes() -> None:
    done = lint(SURVEY, cwd=REPO)
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr
    jobs = load(SURVEY)["jobs"]
    run = next(
        s["run"] for s in jobs["survey"]["steps"] if "pyo3-harness survey --shard" in s.get("name", "")
    )
    table = next(s["run"] for s in jobs["table"]["steps"] if "--table-only" in s.get("run", ""))
    parser = build_parser()
    env = {"SHARD": "3/8", "BUDGET": "60"}
    for line in (commands(run, "pyo3-harness survey")[0], commands(table, "pyo3-harness survey")[0]):
        words = [w for w in argv(line.split("||")[0], env) if w != '"${only[@]}"' and w != "${only[@]}"]
        parsed = parser.parse_args(words[1:])
        assert parsed.command == "survey" and str(parsed.out) in ("survey", "merged")
    # The default split keeps every job within a hosted runner's 6 hours: at most 5 projects of
    # the list, each within its 60-minute budget.
    count = int(load(SURVEY)["on"]["workflow_dispatch"]["inputs"]["shards"]["default"])
    projects = load_list()
    sizes = [len(parse_shard(f"{i}/{count}").select(projects)) for i in range(1, count + 1)]
    assert sum(sizes) == len(projects) and max(sizes) <= 5, sizes
    assert jobs["survey"]["timeout-minutes"] <= 360


PATCHES = REPO / ".github" / "workflows" / "patches.yml"


def test_patches_workflow_checks_every_tool_with_a_command_the_cli_takes() -> None:
    """The e2e suite checks one series of each kind; this workflow must check them all."""
    done = lint(PATCHES, cwd=REPO)
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr
    job = load(PATCHES)["jobs"]["check"]
    tools = job["strategy"]["matrix"]["tool"]
    assert sorted(tools) == sorted(patched_tools())
    step = next(s["run"] for s in job["steps"] if "patches check" in s.get("run", ""))
    parser = build_parser()
    for tool in tools:
        words = argv(commands(step, "pyo3-harness patches")[0], {"TOOL": tool})
        parsed = parser.parse_args(words[1:])
        assert (parsed.command, parsed.action, parsed.tool) == ("patches", "check", [tool])
        assert parsed.upstream_tests
