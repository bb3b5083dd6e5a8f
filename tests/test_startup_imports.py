"""Start-up loads what serving needs and nothing heavy (issue 15: start-up and idle memory).

No timing here (that is bench/startup.py): what is imported, what is loaded, and when.
- the start path (the entry, the served process, both platforms, the wiring) imports no
  matplotlib, numpy, PIL, pandas or dateparser, even with numpy installed, nor Socket Mode's
  client (HTTP mode never uses it), and builds the
  App without loading the language models or looking for sqlite-utils plugins;
- a served `sereno` subprocess warms up (the models, the texts, a reading) only after its
  port answers, off the event loop's thread, and has still mapped none of those libraries
  after its first complaint;
- the detector loads its models on first use, once, however many threads ask.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import sereno_main
from bot.__main__ import _parser
from bot.core.reading.keywords import is_pattern, pattern_regex
from bot.core.reading.reader import keyword_index
from bot.langdetect import LinguaDetector
from bot.lean_imports import import_lazily
from bot.settings import Settings
from bot.wiring import WARM_UP_TEXTS, build, warm_up
from handlers.console import DEFAULT_CUSTOMER
from tests.acceptance.chat import NO_FLOOD_LIMIT
from tests.acceptance.served import START_WITHIN, Served, listening, until
from tests.acceptance.slack_chat import SlackChat
from tests.fakes.slack_api import FakeSlack

ROOT = Path(__file__).resolve().parent.parent
#: Libraries start-up must not load (top-level module names).
HEAVY = ("matplotlib", "numpy", "PIL", "pandas", "dateparser")
#: Their compiled parts, as they appear in a process's memory map (/proc/<pid>/maps).
HEAVY_FILES = ("/matplotlib/", "/numpy/", "/PIL/", "/pandas/")
#: What sqlite-utils imports and Sereno never calls: left to load on first use (bot.lean_imports).
UNUSED = ("dateutil.parser._parser", "dateutil.tz")
#: Sereno's own modules of rarely used commands: imported when one is asked for, not at start.
RARELY_USED = ("bot.core.records.commands", "bot.core.records.team_report", "storage.backup")
#: Socket Mode's client and Sereno's handler of it: imported only when Socket Mode runs.
SOCKET_MODE = (
    "handlers.slack.socket_ingress",
    "slack_bolt.adapter.socket_mode",
    "slack_sdk.socket_mode",
)
WARMED = "ready for the first complaint"
ONE_LANGUAGE = LinguaDetector(["es"])  # loads no models
START_PATH = """
import json, sys, threading
from bot.lean_imports import import_sqlite_utils
import_sqlite_utils()
import bot.__main__, bot.serve, handlers.slack.runner, handlers.discord.runtime
from bot.settings import Settings
from bot.wiring import build
import sqlite_utils.plugins
app = build(Settings.from_env({"SERENO_DB": sys.argv[1]}))
print(json.dumps({"modules": sorted(sys.modules), "loaded": app.engine.detector.loaded,
                  "threads": [t.name for t in threading.enumerate()],
                  "plugins": sqlite_utils.plugins._plugins_loaded}))
"""


def test_the_start_path_imports_nothing_heavy_and_loads_no_models(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", START_PATH, str(tmp_path / "s.db")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    seen = json.loads(done.stdout)
    heavy = sorted({m.split(".")[0] for m in seen["modules"]} & set(HEAVY))
    assert heavy == []
    assert "handlers.console" not in seen["modules"]  # the console only when it runs
    assert sorted(set(RARELY_USED) & set(seen["modules"])) == []
    assert sorted(set(UNUSED) & set(seen["modules"])) == []
    assert [m for m in seen["modules"] if m.startswith(SOCKET_MODE)] == []
    assert seen["loaded"] is False
    assert seen["threads"] == ["MainThread"]  # and nothing warming up yet
    assert seen["plugins"] is False  # sqlite-utils' plugin scan of every installed package


def test_numpy_is_installed_here_so_the_check_above_means_something() -> None:
    code = "import numpy, sqlite_utils.db; print(sqlite_utils.db.np is not None)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "True", done.stderr  # sqlite-utils alone does import it


def test_sqlite_utils_imported_lean_leaves_numpy_importable() -> None:
    code = (
        "import sys; from bot.lean_imports import import_sqlite_utils; import_sqlite_utils(); "
        "import sqlite_utils.db; print(sqlite_utils.db.np is None, 'numpy' in sys.modules); "
        "import numpy; print(numpy.__name__)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.stdout.split() == ["True", "False", "numpy"], done.stderr


def test_sqlite_utils_date_recipes_still_parse_once_used() -> None:
    code = (
        "import sys; from bot.lean_imports import import_sqlite_utils; import_sqlite_utils(); "
        "from sqlite_utils import recipes; loaded = 'dateutil.parser._parser' in sys.modules; "
        "print(loaded, recipes.parsedate('3 Dec 2026'), recipes.parsedatetime('2026-12-03 10:00'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.stdout.split() == ["False", "2026-12-03", "2026-12-03T10:00:00"], done.stderr


def test_a_module_that_cannot_be_found_is_left_to_a_normal_import() -> None:
    import_lazily("sereno_no_such_module.part")
    import_lazily("json")  # already imported: left as it is
    assert "sereno_no_such_module.part" not in sys.modules
    assert type(sys.modules["json"]) is type(sys)


def _mapped_heavy(pid: int) -> list[str]:
    maps = Path(f"/proc/{pid}/maps").read_text()
    return sorted({part for part in HEAVY_FILES if part in maps})


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc/<pid>/maps")
async def test_a_served_sereno_warms_up_after_it_listens_and_maps_nothing_heavy(
    tmp_path: Path,
) -> None:
    async with FakeSlack(users={"U-lucia": "Lucía", "U-ana": "ana"}) as fake:
        chat = SlackChat(fake, socket_mode=False)
        config = {**chat.settings(), **NO_FLOOD_LIMIT, "SERENO_DB": str(tmp_path / "s.db")}
        config["SERENO_LOG_LEVEL"] = "INFO"
        served = Served(tmp_path, config)
        chat.attach(served)
        try:
            await served.start()
            await listening(chat.port, served)
            stderr = await until(
                lambda: served.stderr() if WARMED in served.stderr() else "",
                timeout=START_WITHIN,
                what="the warm-up's log line",
                served=served,
            )
            # The port was announced before the warm-up began, which ran off the loop.
            assert stderr.index("Events API at") < stderr.index(WARMED)
            assert served.process is not None
            assert _mapped_heavy(served.process.pid) == []
            thread = await chat.complain(
                "Llevo tres semanas esperando mi reembolso, nadie contesta"
            )
            assert thread.case == 1
            assert _mapped_heavy(served.process.pid) == []
        finally:
            await served.close()


def test_the_warm_up_compiles_every_pattern_of_the_rules(tmp_path: Path) -> None:
    """A first complaint compiles no pattern: the samples alone reach a few of ~400."""
    app = build(Settings.from_env({"SERENO_DB": str(tmp_path / "s.db")}), detector=ONE_LANGUAGE)
    try:
        pattern_regex.cache_clear()
        warm_up(app)
        rules = app.engine.library.rules
        patterns = [k for k in keyword_index(rules).known if is_pattern(k)]
        misses = pattern_regex.cache_info().misses
        for keyword in patterns:
            pattern_regex(keyword)
        assert len(patterns) > 100
        assert pattern_regex.cache_info().misses == misses
    finally:
        app.close()


def test_the_spanish_warm_up_sample_holds_accents_ene_and_the_opening_question_mark() -> None:
    # The detector sets up its tables for such letters on the first text that has them
    # (~2 ms, measured): the warm-up, not a customer's first complaint, must be that text.
    sample = WARM_UP_TEXTS["es"]
    assert {"ñ", "¿"} <= set(sample) and set("áéíóú") & set(sample)


def test_the_detector_loads_its_models_on_first_use_once() -> None:
    detector = LinguaDetector(["es", "en"])
    assert not detector.loaded
    results: list[tuple[str | None, float]] = []
    workers = [
        threading.Thread(target=lambda: results.append(detector.detect("where is my refund")))
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert detector.loaded
    assert [code for code, _ in results] == ["en"] * 4
    model = detector._detector
    detector.warm()
    assert detector._detector is model  # warm after use builds nothing new


def test_a_one_language_detector_never_loads_models() -> None:
    detector = LinguaDetector(["es"])
    detector.warm()
    assert detector.detect("hola, ¿dónde está mi pedido?") == ("es", 1.0)
    assert not detector.loaded


def test_the_console_s_default_customer_is_the_one_its_help_names() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    assert f"(default: {DEFAULT_CUSTOMER};" in " ".join(done.stdout.split())
    assert _parser().parse_args(["console"]).customer is None  # the console fills it in


def test_the_clash_check_reads_record_when_there_is_no_top_level_txt(tmp_path: Path) -> None:
    class Dist:
        def __init__(self, files: dict[str, str]) -> None:
            self.files = files

        def read_text(self, name: str) -> str | None:
            return self.files.get(name)

    record = 'storage/__init__.py,sha256=x,1\n"bot.py",,\nbotany/x.py,,\nhandlers.txt,,\n'
    shipped = sereno_main._shipped
    assert shipped(Dist({"RECORD": record})) == ["bot", "storage"]  # type: ignore[arg-type]
    assert shipped(Dist({"top_level.txt": "playbooks\nx\n"})) == ["playbooks"]  # type: ignore[arg-type]
    assert shipped(Dist({})) == []  # type: ignore[arg-type]


def test_the_clash_check_imports_no_metadata_when_no_other_package_ships_sereno_s_names() -> None:
    code = "import sys, sereno_main; "
    code += "print(sereno_main.clash(), 'importlib.metadata' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.stdout.split() == ["None", "False"], done.stderr


def _info(site: Path, folder: str, name: str, **files: str) -> None:
    info = site / folder
    info.mkdir()
    (info / ("PKG-INFO" if folder.endswith("egg-info") else "METADATA")).write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: 1\n\nName: not-the-header\n"
    )
    for file, text in files.items():
        stem, _, suffix = file.rpartition("_")  # top_level_txt: top_level.txt
        (info / (f"{stem}.{suffix}" if stem else file)).write_text(text)


def test_the_quick_look_sends_every_possible_clash_to_the_full_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.setattr(sys, "path", [str(site), str(tmp_path / "missing")])
    _info(site, "sereno-0.1.dist-info", "Sereno", top_level_txt="bot\nhandlers\nstorage\n")
    _info(site, "slack_sdk-3.dist-info", "slack_sdk", RECORD="slack_sdk/__init__.py,,\n")
    assert sereno_main._others_may_ship() is False  # Sereno's own claims are no clash
    _info(site, "Playbooks-2.EGG-INFO", "playbooks", RECORD="playbooks/x.py,,\n")
    assert sereno_main._others_may_ship() is True  # any case, egg-info too

    odd = tmp_path / "odd"
    odd.mkdir()
    monkeypatch.setattr(sys, "path", [str(odd)])
    _info(odd, "sereno-9.dist-info", "other-bot", top_level_txt="bot\n")
    assert sereno_main._others_may_ship() is True  # the folder's name is not who it is
    monkeypatch.setattr(sys, "path", [str(tmp_path / "site.zip")])
    (tmp_path / "site.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    assert sereno_main._others_may_ship() is True  # a zip: the full check reads it
    bad = tmp_path / "bad"
    bad.mkdir()
    _info(bad, "x-1.dist-info", "x", top_level_txt="")
    (bad / "x-1.dist-info" / "top_level.txt").write_bytes(b"\xff\xfe")
    monkeypatch.setattr(sys, "path", [str(bad)])
    assert sereno_main._others_may_ship() is True  # unreadable: the full check forgives it


def test_the_collector_is_on_again_once_a_command_has_run(tmp_path: Path) -> None:
    code = (
        "import gc, sys; from bot.__main__ import main; main(sys.argv[1:]); print(gc.isenabled())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "health"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SERENO_DB": str(tmp_path / "x.db")},
        timeout=60,
    )
    assert done.stdout.strip() == "True", done.stderr


def test_python_dotenv_is_imported_only_when_there_is_a_env_file(tmp_path: Path) -> None:
    code = "import sys; from bot.__main__ import main; main(['health']); "
    code += "print('dotenv' in sys.modules)"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SERENO_DB": str(tmp_path / "x.db")}

    def imported() -> str:
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60,
        )  # fmt: skip
        return done.stdout.strip() or done.stderr

    assert imported() == "False"
    (tmp_path / ".env").write_text("SERENO_LOG_LEVEL=INFO\n", encoding="utf-8")
    (tmp_path / ".env").chmod(0o600)
    assert imported() == "True"
