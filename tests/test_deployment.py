"""The deployment files a team uses (issue 12 item 4): the Dockerfile, docker-compose.yml
and docs/sereno.service.

No Docker engine runs here, so the image is not built. Instead the Dockerfile is read as
Docker reads it (instructions, ENV with `$VAR` expansion, JSON CMD and HEALTHCHECK), and
its entry command is started in this test venv with the image's environment (`/data`,
the volume, mapped to a temporary directory; `/opt/sereno`, the image's venv, to this
one) against the fake platforms, and its health check must pass. The systemd unit is
parsed strictly and, where systemd-analyze exists, verified by it."""

from __future__ import annotations

import asyncio
import configparser
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.__main__ import _parser
from tests.acceptance.discord_chat import DiscordChat
from tests.acceptance.served import CLEAN_EXITS, START_WITHIN, STOP_WITHIN
from tests.acceptance.slack_chat import USERS, SlackChat
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.slack_api import FakeSlack

ROOT = Path(__file__).resolve().parent.parent
IMAGE_VENV = "/opt/sereno"
BASE_IMAGE_PATH = "/usr/local/bin:/usr/bin:/bin"  # python:3.11-slim, enough for the test
HEALTH_RUNS_WITHIN = 60.0


# -- reading the Dockerfile ---------------------------------------------------------------


@dataclass
class Dockerfile:
    """The instructions of a Dockerfile, in order, as (INSTRUCTION, arguments)."""

    instructions: list[tuple[str, str]]
    env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> Dockerfile:
        logical, pending = [], ""
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = raw.strip()
            if not pending and (not line or line.startswith("#")):
                continue
            if line.startswith("#"):  # a comment inside a continued instruction
                continue
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            logical.append(pending + line)
            pending = ""
        assert not pending, "the Dockerfile ends inside a continued line"
        instructions = []
        for line in logical:
            word, _, rest = line.partition(" ")
            instructions.append((word.upper(), rest.strip()))
        found = cls(instructions)
        found.env = found._environment()
        return found

    def all(self, name: str) -> list[str]:
        return [rest for word, rest in self.instructions if word == name]

    def one(self, name: str) -> str:
        found = self.all(name)
        assert len(found) == 1, f"expected one {name}, found {found}"
        return found[0]

    def _environment(self) -> dict[str, str]:
        env = {"PATH": BASE_IMAGE_PATH}
        for rest in self.all("ENV"):
            for pair in shlex.split(rest):
                key, sep, value = pair.partition("=")
                assert sep, f"ENV {rest!r}: use the KEY=value form"
                env[key] = re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m.group(1), ""), value)
        return env

    def command(self, json_form: str) -> list[str]:
        words = json.loads(json_form)
        assert isinstance(words, list) and all(isinstance(w, str) for w in words), json_form
        return words

    @property
    def cmd(self) -> list[str]:
        assert not self.all("ENTRYPOINT"), "the test reads CMD alone"
        return self.command(self.one("CMD"))

    @property
    def healthcheck(self) -> tuple[list[str], str]:
        """The health check's command (exec form) and its options."""
        options, sep, command = self.one("HEALTHCHECK").partition("CMD ")
        assert sep, "HEALTHCHECK CMD [...]"
        return self.command(command), options

    @property
    def volumes(self) -> list[str]:
        found: list[str] = []
        for rest in self.all("VOLUME"):
            found += json.loads(rest) if rest.startswith("[") else rest.split()
        return found


@pytest.fixture(scope="module")
def dockerfile() -> Dockerfile:
    return Dockerfile.read(ROOT / "Dockerfile")


def test_the_image_is_slim_python_311_and_installs_sereno_without_test_extras(
    dockerfile: Dockerfile,
) -> None:
    assert dockerfile.one("FROM") == "python:3.11-slim"
    installs = [r for r in dockerfile.all("RUN") if "pip install" in r]
    assert installs, "the image installs Sereno with pip"
    assert not any("[test]" in r or "pytest" in r or " -e " in r for r in installs), installs
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    tool = project["tool"]["setuptools"]
    needed = {
        *(f"{m}.py" for m in tool["py-modules"]),
        *(p.rstrip("*") for p in tool["packages"]["find"]["include"]),
    }
    needed |= {"pyproject.toml", project["project"]["readme"], "LICENSE"}
    copied: set[str] = set()
    for rest in dockerfile.all("COPY"):
        *sources, _target = rest.split()
        for source in sources:
            assert (ROOT / source).exists(), f"COPY {source}: no such file"
            copied.add(source)
    assert needed <= copied, f"not copied into the image: {sorted(needed - copied)}"
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert "*" in ignored and {f"!{name}" for name in needed} <= set(ignored)
    assert {"**/.env", "**/*.db"} <= set(ignored), "tokens and databases stay out of the build"


def test_the_image_prepares_the_playbooks_parsed_once_installed(dockerfile: Dockerfile) -> None:
    """The running user cannot write beside the installed playbooks: the build parses them."""
    (install,) = [r for r in dockerfile.all("RUN") if "pip install" in r]
    steps = [step.strip() for step in install.split("&&")]
    prepare = f"{IMAGE_VENV}/bin/python -m playbooks.toml_cache"
    assert prepare in steps, steps
    pip = next(i for i, step in enumerate(steps) if "pip install" in step)
    assert steps.index(prepare) > pip  # the installed package's folder, not /src's
    done = subprocess.run(
        [sys.executable, "-m", "playbooks.toml_cache"],
        capture_output=True, text=True, cwd="/", timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    written = done.stdout.split()
    assert any(w.endswith("reading.toml.json") for w in written), written
    assert any(w.endswith("default.toml.json") for w in written), written


def test_the_image_runs_as_a_user_who_is_not_root(dockerfile: Dockerfile) -> None:
    user = dockerfile.all("USER")[-1]
    name, _, group = user.partition(":")
    assert name not in ("root", "0") and group not in ("root", "0"), user
    created = " ".join(r for r in dockerfile.all("RUN") if "useradd" in r)
    assert f"--uid {name}" in created or f" {name}" in created, "USER is made by useradd"
    last_user = max(i for i, (w, _) in enumerate(dockerfile.instructions) if w == "USER")
    last = [i for i, (w, _) in enumerate(dockerfile.instructions) if w in ("CMD", "HEALTHCHECK")]
    assert all(i > last_user for i in last), "CMD and HEALTHCHECK run as that user"


def test_the_database_is_on_the_volume_and_the_health_check_is_sereno_health(
    dockerfile: Dockerfile,
) -> None:
    db = Path(dockerfile.env["SERENO_DB"])
    assert db.is_absolute() and str(db.parent) in dockerfile.volumes, dockerfile.volumes
    assert dockerfile.one("WORKDIR") == str(db.parent)  # a relative SERENO_DB lands there too
    command, options = dockerfile.healthcheck
    assert command == ["sereno", "health"]
    for option in ("--interval=", "--timeout=", "--start-period=", "--retries="):
        assert option in options, option
    args = _parser().parse_args(dockerfile.cmd[1:])
    assert dockerfile.cmd[0] == "sereno" and args.command == "run" and args.no_console


# -- running the image's entry command here --------------------------------------------------


class Image:
    """The image's entry command and health check, run in this venv with its environment."""

    def __init__(self, dockerfile: Dockerfile, root: Path, settings: dict[str, str]) -> None:
        self.volume = root / "data"
        self.volume.mkdir(mode=0o700)
        (volume,) = dockerfile.volumes
        self._map: Callable[[str], str] = lambda value: _mapped(
            value, {volume: str(self.volume), IMAGE_VENV: sys.prefix}
        )
        self.env = {k: self._map(v) for k, v in dockerfile.env.items()}
        self.env.update(settings)  # what `--env-file .env` adds (never SERENO_DB here)
        self.cwd = Path(self._map(dockerfile.one("WORKDIR")))
        self.cmd, self.check = dockerfile.cmd, dockerfile.healthcheck[0]
        self.process: asyncio.subprocess.Process | None = None
        self.log = root / "stderr.log"

    def resolve(self, command: list[str]) -> list[str]:
        """The command as the image's PATH finds it: in this venv's bin directory."""
        found = shutil.which(command[0], path=self.env["PATH"])
        assert found is not None, f"{command[0]} not on the image's PATH {self.env['PATH']}"
        assert Path(found).parent == Path(sys.prefix) / "bin", found
        return [found, *command[1:]]

    async def start(self) -> None:
        with self.log.open("wb") as stderr:
            self.process = await asyncio.create_subprocess_exec(
                *self.resolve(self.cmd),
                cwd=self.cwd,
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=stderr,
            )

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""

    async def health(self) -> tuple[int, str]:
        """The HEALTHCHECK command, run as Docker runs it in the container."""
        checker = await asyncio.create_subprocess_exec(
            *self.resolve(self.check),
            cwd=self.cwd,
            env=self.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await asyncio.wait_for(checker.communicate(), HEALTH_RUNS_WITHIN)
        assert checker.returncode is not None
        return checker.returncode, out.decode().strip()

    async def healthy(self) -> str:
        deadline = time.monotonic() + START_WITHIN
        while True:
            code, line = await self.health()
            if code == 0:
                return line
            assert self.process is not None and self.process.returncode is None, (
                f"the entry command ended ({self.process and self.process.returncode})\n"
                + self.tail()
            )
            assert time.monotonic() < deadline, f"health check still fails: {line}\n{self.tail()}"
            await asyncio.sleep(0.2)

    async def stop(self) -> int:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), STOP_WITHIN)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
                raise AssertionError(f"still running after SIGTERM\n{self.tail()}") from None
        assert self.process.returncode is not None
        return self.process.returncode


def _mapped(value: str, places: dict[str, str]) -> str:
    """`value` with each image path (also inside a PATH list) moved to its place here."""

    def one(part: str) -> str:
        for image, here in places.items():
            if part == image or part.startswith(image + "/"):
                return here + part[len(image) :]
        return part

    return ":".join(one(part) for part in value.split(":"))


async def _platform(name: str, stack: AsyncExitStack) -> dict[str, str]:
    if name == "discord":
        return DiscordChat(await stack.enter_async_context(FakeDiscord())).settings()
    fake = await stack.enter_async_context(FakeSlack(users=USERS))
    return SlackChat(fake, socket_mode=name == "slack-socket").settings()


@pytest.fixture
async def fakes() -> AsyncIterator[AsyncExitStack]:
    async with AsyncExitStack() as stack:
        yield stack


@pytest.mark.parametrize("mode", ["slack-socket", "slack-http", "discord"])
async def test_the_entry_command_serves_and_its_health_check_passes(
    dockerfile: Dockerfile, tmp_path: Path, fakes: AsyncExitStack, mode: str
) -> None:
    image = Image(dockerfile, tmp_path, await _platform(mode, fakes))
    assert not any(k.startswith(("HTTP_PROXY", "HTTPS_PROXY")) for k in image.env)
    code, line = await image.health()
    assert code == 1 and line.startswith("sereno: no heartbeat at "), line
    await image.start()
    try:
        line = await image.healthy()
        assert f"serving {mode}" in line, line
        db = Path(image.env["SERENO_DB"])
        assert db.parent == image.volume and db.exists(), "the database is on the volume"
        assert (image.volume / f"{db.name}.heartbeat").exists()
    finally:
        code = await image.stop()
    assert code in CLEAN_EXITS, image.tail()
    assert (await image.health())[0] == 1  # stopped: unhealthy, and the beat is gone


async def test_the_entry_command_with_no_token_stops_with_one_line(
    dockerfile: Dockerfile, tmp_path: Path
) -> None:
    image = Image(dockerfile, tmp_path, {})
    await image.start()
    assert image.process is not None
    assert await asyncio.wait_for(image.process.wait(), START_WITHIN) == 2
    lines = image.tail().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sereno: no platform to serve: "), lines


# -- docker-compose.yml ------------------------------------------------------------------


def _compose_services() -> dict[str, list[str]]:
    """Each service's block of lines (the file's top-level `services:` mapping)."""
    lines = (ROOT / "docker-compose.yml").read_text(encoding="utf-8").splitlines()
    start = lines.index("services:")
    services: dict[str, list[str]] = {}
    current = None
    for line in lines[start + 1 :]:
        if line and not line.startswith(" "):
            break
        match = re.fullmatch(r"  (\w[\w-]*):\s*", line)
        if match:
            current = match.group(1)
            services[current] = []
        elif current and line.strip():
            services[current].append(line.split("#", 1)[0].rstrip())
    return services


def test_compose_runs_slack_and_discord_each_on_its_own_volume(dockerfile: Dockerfile) -> None:
    services = _compose_services()
    assert set(services) == {"slack", "discord"}
    (volume,) = dockerfile.volumes
    mounts = {}
    for name, block in services.items():
        text = "\n".join(block)
        command = re.search(r"^    command: (\[.*\])$", text, re.M)
        assert command, f"{name}: no command"
        words = json.loads(command.group(1))
        assert words[0] == "sereno" and _parser().parse_args(words[1:]).command == name
        assert re.search(r"^    env_file: \.env$", text, re.M), f"{name}: reads .env"
        assert re.search(rf"^      SERENO_DB: {dockerfile.env['SERENO_DB']}$", text, re.M)
        (mount,) = re.findall(r"^      - ([\w-]+):(\S+)$", text, re.M)
        assert mount[1] == volume, f"{name}: its volume is mounted at {volume}"
        mounts[name] = mount[0]
    assert len(set(mounts.values())) == 2, f"each service has its own volume: {mounts}"
    tail = (ROOT / "docker-compose.yml").read_text(encoding="utf-8").split("\nvolumes:\n", 1)
    assert len(tail) == 2 and all(f"  {v}:" in tail[1] for v in mounts.values())


# -- docs/sereno.service ------------------------------------------------------------------

UNIT = ROOT / "docs" / "sereno.service"


def _unit() -> configparser.ConfigParser:
    """The unit, parsed strictly: no duplicate section or key, no line outside a section."""
    parser = configparser.ConfigParser(
        strict=True, interpolation=None, delimiters=("=",), comment_prefixes=("#", ";")
    )
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string(UNIT.read_text(encoding="utf-8"), source=str(UNIT))
    return parser


def test_the_systemd_unit_runs_sereno_as_its_own_user_hardened() -> None:
    unit = _unit()
    assert unit.sections() == ["Unit", "Service", "Install"]
    service = unit["Service"]
    assert service["User"] not in ("root", "0") and service["Group"] not in ("root", "0")
    assert service["Restart"] == "on-failure"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    state = service["WorkingDirectory"]
    assert state in service["ReadWritePaths"].split()
    assert service["Environment"] == f"SERENO_DB={state}/sereno.db"  # the db dir is writable
    assert service["EnvironmentFile"].startswith("/")
    program, *args = shlex.split(service["ExecStart"])
    assert program.endswith("/bin/sereno") and _parser().parse_args(args).no_console
    assert "2" in service["RestartPreventExitStatus"].split()  # a bad setting: no restart loop
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_the_unit_is_well_formed_for_systemd(tmp_path: Path) -> None:
    """Always the strict parse; and systemd's own check wherever systemd-analyze exists
    (it does on this project's machines): no error and no warning about the unit."""
    program = shlex.split(_unit()["Service"]["ExecStart"])[0]
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        return
    here = Path(sys.prefix) / "bin" / "sereno"  # verify checks that ExecStart exists
    assert here.exists(), here
    text = UNIT.read_text(encoding="utf-8").replace(program, str(here))
    copy = tmp_path / "sereno.service"
    copy.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [analyze, "verify", "--man=no", str(copy)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "SYSTEMD_LOG_LEVEL": "notice"},
    )
    ours = [line for line in done.stderr.splitlines() if "sereno.service" in line]
    assert done.returncode == 0 and not ours, done.stderr
