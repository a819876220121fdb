"""Adding a backend is adding one module: the registry finds it, and the configuration, the command line
and the worker's status take it from there (gpu_worker/backends/registry.py).

The new module is written into a temporary folder that is put on the backends package's path, the
path the registry walks, in a fresh interpreter: no file of the repository is edited.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gpu_worker.backends import backend_types
from gpu_worker.config import WorkerConfig
from shared.protocol import JobDone, JobImage, WorkerStatus, encode, topics
from testkit.fresh_python import ROOT
from testkit.jobs import make_job

ECHO_MODULE = '''
"""A backend that returns the source, greeting in its recipe: the smallest backend with settings."""

from pydantic import BaseModel, ConfigDict, Field

from gpu_worker.backends.base import Backend, BackendSettings, CommandOption, GeneratedImage

BACKEND_KEY = "echo"


class EchoSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    greeting: str = Field(min_length=1, title="Greeting", description="Written into every recipe.")


class EchoBackend(Backend):
    name = BACKEND_KEY
    settings = BackendSettings(
        model=EchoSettings,
        title="echo greeting",
        description="What the `echo` backend writes into its recipes.",
        needs="a greeting",
        options=(CommandOption("greeting", "echo backend: the greeting", metavar="TEXT"),),
    )

    def __init__(self, settings):
        self.greeting = settings.greeting

    @classmethod
    def from_settings(cls, settings):
        return cls(settings)

    def generate(self, request, on_step):
        for index in range(request.num_images):
            on_step(index + 1, request.num_images)
            yield GeneratedImage(index, request.image, whole_image=True, operations=(self.greeting,))
'''


@pytest.fixture
def plugin_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "more_backends"
    folder.mkdir()
    (folder / "echo.py").write_text(ECHO_MODULE, encoding="utf-8")
    return folder


def with_plugins(folder: Path, code: str) -> str:
    """Python that puts `folder` on the backends package's path, then runs `code`."""
    prelude = f"import gpu_worker.backends\ngpu_worker.backends.__path__.append({str(folder)!r})\n"
    return prelude + textwrap.dedent(code)


def python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)


def run_python(code: str) -> str:
    result = python(code)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_without_the_module_there_is_no_echo_backend():
    """Not vacuous: what the tests below find comes from the dropped-in module alone."""
    assert "echo" not in backend_types() and "echo" not in WorkerConfig.model_fields
    with pytest.raises(ValueError, match="unknown backend 'echo'"):
        WorkerConfig(broker="mqtt://localhost", backends=("echo",))


def test_a_dropped_in_module_brings_its_config_section_and_options(plugin_folder):
    code = with_plugins(
        plugin_folder,
        """
        import contextlib, io, json
        from pydantic import ValidationError
        from gpu_worker.config import WorkerConfig
        from teachbooth.cli import main

        help_text = io.StringIO()
        with contextlib.redirect_stdout(help_text):
            try:
                main(["worker", "--help"])
            except SystemExit:
                pass
        field = WorkerConfig.model_fields["echo"]
        config = WorkerConfig.model_validate(
            {"broker": "mqtt://b", "backends": ["echo"], "echo": {"greeting": "hi"}}
        )
        try:
            WorkerConfig(broker="mqtt://b", backends=["classic", "echo"])
            refusal = None
        except ValidationError as error:
            refusal = str(error)
        try:
            WorkerConfig.model_validate({"broker": "mqtt://b", "echo": {"greeting": "hi", "gretting": 1}})
            typo = None
        except ValidationError as error:
            typo = str(error)
        print(json.dumps({
            "help": help_text.getvalue(),
            "title": field.title,
            "greeting": config.echo.greeting,
            "refusal": refusal,
            "typo": typo,
        }))
        """,
    )
    seen = json.loads(run_python(code).splitlines()[-1])
    assert "--echo-greeting TEXT" in seen["help"] and "echo backend: the greeting" in seen["help"]
    assert "--inpaint-model DIR" in seen["help"], "the bundled backends are still there"
    assert seen["title"] == "echo greeting" and seen["greeting"] == "hi"
    assert "the echo backend needs a greeting: set echo (--echo-greeting TEXT)" in seen["refusal"]
    assert "echo.gretting" in seen["typo"] and "Extra inputs are not permitted" in seen["typo"]


def test_a_worker_serves_a_dropped_in_backend_and_says_so_in_its_status(
    plugin_folder, mosquitto, probe_factory, tmp_path
):
    argv = [
        "worker",
        "--broker",
        mosquitto.url,
        "--worker-id",
        "w-echo",
        "--backend",
        "classic",
        "--backend",
        "echo",
        "--echo-greeting",
        "hello from a plug-in",
    ]
    code = with_plugins(
        plugin_folder, f"import sys\nfrom teachbooth.cli import main\nsys.exit(main({argv!r}))\n"
    )
    statuses = probe_factory(topics.worker_status("w-echo"))
    events = probe_factory(topics.kiosk_events_filter("k1"))
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-c", code], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        online = statuses.expect(
            lambda seen: isinstance(seen.message, WorkerStatus) and seen.message.state == "online", timeout=60
        ).message
        assert online.backends == ["classic", "echo"]

        job = make_job(backend="echo", num_images=2)
        events.publish(topics.job(job.kiosk_id, job.backend, job.job_id), encode(job))
        done = events.expect(lambda seen: isinstance(seen.message, JobDone), timeout=30).message
        assert done.job_id == job.job_id and done.num_images == 2
        images = [seen.message for seen in events.drain() if isinstance(seen.message, JobImage)]
        assert sorted(image.index for image in images) == [0, 1]
        assert all(image.recipe.operations == ["hello from a plug-in"] for image in images)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert worker.returncode == 0, log_path.read_text()


NAMELESS = 'BACKEND_KEY = "nameless"\n'
TWIN = (
    "from gpu_worker.backends.classic import ClassicBackend\n"
    'BACKEND_KEY = "classic"\n'
    "class TwinBackend(ClassicBackend):\n"
    "    pass\n"
)
SQUATTER = ECHO_MODULE.replace('"echo"', '"queue_limit"')


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (NAMELESS, "declares backend 'nameless' and has 0 classes so named"),
        (TWIN, "two modules declare backend 'classic'"),
        (SQUATTER, "backend 'queue_limit' is named like a worker setting"),
    ],
    ids=["key-without-class", "key-taken", "key-of-a-setting"],
)
def test_a_module_that_declares_a_backend_wrongly_is_named_at_start_up(tmp_path, source, message):
    (tmp_path / "odd.py").write_text(source, encoding="utf-8")
    code = with_plugins(tmp_path, "import gpu_worker.config\n")
    result = python(code)
    assert result.returncode != 0 and message in result.stderr
