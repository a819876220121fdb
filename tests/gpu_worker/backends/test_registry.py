"""The diffusion backends as a deployment starts them: registry, config file fields, command-line flags."""

from __future__ import annotations

import grimp
import pytest
from pydantic import ValidationError

from gpu_worker.backends import backend_types, create_backend
from gpu_worker.backends.diffusion_base import DiffusionBackend
from gpu_worker.backends.img2img import Img2ImgBackend
from gpu_worker.backends.inpaint import InpaintBackend
from gpu_worker.backends.instruct import InstructBackend
from gpu_worker.config import WorkerConfig
from gpu_worker.diffusion.recipes import DIFFUSION_BACKENDS
from teachbooth import cli

CLASSES = {"img2img": Img2ImgBackend, "inpaint": InpaintBackend, "instruct": InstructBackend}


def test_every_diffusion_backend_is_registered():
    assert set(DIFFUSION_BACKENDS) <= set(backend_types())


def test_every_registered_diffusion_backend_has_its_row_in_the_recipes_table():
    """recipes.py is the one table of prompts and knobs: a diffusion backend module must have its row."""
    diffusion = {name for name, backend in backend_types().items() if issubclass(backend, DiffusionBackend)}
    assert diffusion == set(DIFFUSION_BACKENDS)


def test_backends_and_recipes_never_import_the_configuration():
    """The configuration is built from the backends: an import back would be the old circle."""
    graph = grimp.build_graph("gpu_worker", "shared")
    backends = graph.find_children("gpu_worker.backends")
    for module in ["gpu_worker.backends", "gpu_worker.diffusion.recipes", *backends]:
        assert graph.find_shortest_chain(importer=module, imported="gpu_worker.config") is None, module


@pytest.mark.parametrize("name", DIFFUSION_BACKENDS)
def test_the_worker_builds_each_backend_from_its_config(tiny_pipelines, name):
    folder = str(tiny_pipelines[name])
    config = WorkerConfig(
        broker="mqtt://localhost", backends=(name,), **{name: {"model": folder, "device": "cpu"}}
    )
    backend = create_backend(name, config)
    assert type(backend) is CLASSES[name] and backend.name == name and backend.model == folder


@pytest.mark.parametrize("name", DIFFUSION_BACKENDS)
def test_a_served_diffusion_backend_without_a_model_is_refused_at_start_up(name):
    with pytest.raises(
        ValidationError, match=f"the {name} backend needs a model: set {name} \\(--{name}-model"
    ):
        WorkerConfig(broker="mqtt://localhost", backends=("classic", name))
    with pytest.raises(ValueError, match=f"the {name} backend needs a model"):
        CLASSES[name].from_config(WorkerConfig(broker="mqtt://localhost"))


def worker_argv(name: str, model: str) -> list[str]:
    return ["worker", "--broker", "mqtt://127.0.0.1:1", "--backend", name, f"--{name}-model", model]


@pytest.mark.parametrize("name", DIFFUSION_BACKENDS)
def test_teachbooth_worker_names_a_missing_model_in_one_line(tmp_path, capsys, name):
    assert cli.main(worker_argv(name, str(tmp_path))) == 2
    err = capsys.readouterr().err
    assert err.startswith("teachbooth worker: ") and str(tmp_path) in err and "Traceback" not in err
    assert err.count("\n") == 1


def test_teachbooth_worker_refuses_a_checkpoint_for_another_backend(tiny_pipelines, capsys):
    """An InstructPix2Pix folder given as the inpainting model: refused before going online."""
    assert cli.main(worker_argv("inpaint", str(tiny_pipelines["instruct"]))) == 2
    err = capsys.readouterr().err
    assert "8-channel UNet; StableDiffusionInpaintPipeline needs 9 channels" in err and "Traceback" not in err
