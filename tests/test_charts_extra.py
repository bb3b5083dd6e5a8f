"""The team report's chart is an extra (`sereno[charts]`, issue 15 item 3).

Without matplotlib the report is its text, with one line saying how to add the chart.
"Without" is simulated, not uninstalled: the `sereno` subprocesses get a sitecustomize.py
(on PYTHONPATH) whose import hook refuses matplotlib as an absent package would.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from bot.wiring import CHARTS_HINT
from tests.acceptance.test_team_report_console import SCRIPT, report_lines
from tests.test_console import run_console

ROOT = Path(__file__).resolve().parent.parent
NO_MATPLOTLIB = """\
import sys


class NoMatplotlib:
    \"\"\"What Python says when matplotlib is not installed.\"\"\"

    def find_spec(self, name, path=None, target=None):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, NoMatplotlib())
"""


def without_charts(tmp_path: Path) -> dict[str, str]:
    """Environment variables under which matplotlib cannot be imported."""
    hook = tmp_path / "no-charts"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(NO_MATPLOTLIB, encoding="utf-8")
    return {"PYTHONPATH": str(hook)}


def sereno(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SERENO_", "SLACK_"))}
    env.update({"SERENO_DB": str(tmp_path / "c.db"), **extra})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )


def test_the_hook_hides_matplotlib_as_an_absent_package(tmp_path: Path) -> None:
    code = "from bot.wiring import charts_installed; print(charts_installed()); import matplotlib"
    env = {**os.environ, **without_charts(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.stdout.strip() == "False"
    assert "ModuleNotFoundError: No module named 'matplotlib'" in done.stderr


def test_without_charts_the_report_command_prints_the_text_and_one_line_hint(
    tmp_path: Path,
) -> None:
    hidden = without_charts(tmp_path)
    run_console(tmp_path, SCRIPT, **hidden)  # two cases, and the report asked in the chat
    out_dir = tmp_path / "files"
    done = sereno(tmp_path, "report", "--period", "1d", "--out-dir", str(out_dir), **hidden)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("📊 Team report · ")
    assert any(line.startswith("Reason: ") for line in lines)
    assert [line for line in lines if "charts" in line] == [CHARTS_HINT]
    assert "pip install 'sereno[charts]'" in CHARTS_HINT
    assert lines[-1] == CHARTS_HINT
    assert "Chart saved" not in done.stdout
    assert not out_dir.exists() or not list(out_dir.iterdir())


def test_without_charts_the_report_in_the_chat_is_its_text_and_the_hint(
    tmp_path: Path,
) -> None:
    out = run_console(tmp_path, SCRIPT, **without_charts(tmp_path))
    lines = report_lines(out)
    assert lines[0].startswith("📊 Team report · ")
    assert any(line.startswith("Reason: ") for line in lines)
    assert "📎" not in "\n".join(lines)
    assert [line for line in lines if "charts" in line] == [CHARTS_HINT]
    assert lines[-1] == CHARTS_HINT
    assert not list(tmp_path.glob("**/*.png"))


def test_with_charts_the_report_in_the_chat_has_its_image_and_no_hint(tmp_path: Path) -> None:
    lines = report_lines(run_console(tmp_path, SCRIPT))
    text = "\n".join(lines)
    assert "📎 saved " in text and CHARTS_HINT not in text


def test_with_charts_the_report_command_saves_the_chart_and_gives_no_hint(
    tmp_path: Path,
) -> None:
    out_dir = tmp_path / "files"
    done = sereno(tmp_path, "report", "--period", "1d", "--out-dir", str(out_dir))
    assert done.returncode == 0, done.stderr
    assert CHARTS_HINT not in done.stdout
    assert "Chart saved to" in done.stdout
    assert [p.suffix for p in out_dir.iterdir()] == [".png"]


def test_matplotlib_is_the_charts_extra_and_the_image_installs_it() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not [d for d in project["dependencies"] if d.startswith("matplotlib")]
    assert [d for d in project["optional-dependencies"]["charts"] if d.startswith("matplotlib")]
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "pip install '/src[charts]'" in dockerfile
