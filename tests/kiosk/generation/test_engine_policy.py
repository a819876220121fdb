"""The engine policy table: preferences per preset applied to what is online, and its agreement with
what the worker's recipes and the classic engine really serve."""

from __future__ import annotations

import pytest

from gpu_worker.diffusion.recipes import DIFFUSION_BACKENDS, served_presets
from kiosk.generation.engine_policy import (
    BACKENDS,
    DEFAULT_POLICY,
    LOCAL_PRESETS,
    PREFERENCES,
    BackendTraits,
    Choice,
    EnginePolicy,
    NoEngine,
    engine_name,
    made_by,
)
from shared.presets import Preset
from shared.variations import SUPPORTED_PRESETS

EVERYTHING = ("instruct", "inpaint", "img2img", "classic")
DIFFUSION_ONLY = (Preset.RIPER, Preset.ROTTEN, Preset.UNRIPE)


def choose(preset, offered, text=None, has_mask=True) -> Choice:
    return DEFAULT_POLICY.choose(preset, text, offered, has_mask)


def test_every_preset_has_a_row_and_every_row_is_served_by_the_backends_it_names():
    assert set(PREFERENCES) == {*Preset, None}
    assert LOCAL_PRESETS == SUPPORTED_PRESETS
    for preset, names in PREFERENCES.items():
        for name in names:
            if name in DIFFUSION_BACKENDS and preset is not None:
                assert preset in served_presets(name), (preset, name)
            if name == "classic":
                assert preset in SUPPORTED_PRESETS, preset


def test_reads_text_matches_the_recipes():
    assert {name for name, traits in BACKENDS.items() if traits.reads_text} == set(DIFFUSION_BACKENDS)
    assert PREFERENCES[None] and all(BACKENDS[name].reads_text for name in PREFERENCES[None])


@pytest.mark.parametrize(
    ("preset", "offered", "expected"),
    [
        (Preset.NEW_COLOUR, EVERYTHING, Choice("instruct", True)),
        (Preset.NEW_COLOUR, ("inpaint", "classic"), Choice("inpaint", True)),
        (Preset.NEW_COLOUR, ("img2img", "classic"), Choice("classic", True)),
        (Preset.NEW_COLOUR, ("img2img",), Choice("classic", False)),
        (Preset.NEW_COLOUR, (), Choice("classic", False)),
        (Preset.NEW_BACKGROUND, EVERYTHING, Choice("inpaint", True)),
        (Preset.NEW_BACKGROUND, ("instruct",), Choice("classic", False)),
        (Preset.DIFFERENT_LIGHT, ("inpaint",), Choice("inpaint", True)),
        (Preset.NEW_ANGLE, EVERYTHING, Choice("classic", True)),
        (Preset.MIX, ("instruct", "inpaint"), Choice("classic", False)),
        (Preset.RIPER, EVERYTHING, Choice("instruct", True)),
        (Preset.ROTTEN, ("inpaint", "img2img"), Choice("inpaint", True)),
        (Preset.UNRIPE, ("img2img", "classic"), Choice("img2img", True)),
    ],
)
def test_the_first_online_backend_of_the_row_wins(preset, offered, expected):
    assert choose(preset, offered) == expected


@pytest.mark.parametrize("preset", DIFFUSION_ONLY)
def test_diffusion_only_presets_are_refused_without_a_diffusion_worker(preset):
    with pytest.raises(NoEngine, match="needs a diffusion worker"):
        choose(preset, ("classic",))
    assert preset not in DEFAULT_POLICY.offer(("classic",)).presets
    assert preset in DEFAULT_POLICY.offer(("img2img",)).presets


def test_offline_the_offer_is_the_classic_engines_and_no_text_box():
    offer = DEFAULT_POLICY.offer(())
    assert set(offer.presets) == LOCAL_PRESETS and not offer.reads_text
    assert offer.presets[:2] == (Preset.NEW_COLOUR, Preset.NEW_BACKGROUND)  # the table's order
    assert not DEFAULT_POLICY.offer(("classic",)).reads_text


@pytest.mark.parametrize("backend", ["instruct", "inpaint", "img2img"])
def test_a_backend_that_reads_text_brings_the_text_box_and_every_diffusion_preset(backend):
    offer = DEFAULT_POLICY.offer((backend,))
    assert offer.reads_text
    assert set(DIFFUSION_ONLY) <= set(offer.presets)


def test_words_go_only_to_backends_that_read_them():
    assert choose(None, EVERYTHING, text="with a bite taken") == Choice("instruct", True)
    assert choose(Preset.NEW_COLOUR, ("inpaint", "classic"), text="shiny") == Choice("inpaint", True)
    with pytest.raises(NoEngine, match="reads words"):
        choose(Preset.NEW_COLOUR, ("classic",), text="shiny")
    with pytest.raises(NoEngine, match="reads words"):
        choose(None, (), text="shiny")
    with pytest.raises(NoEngine, match="cannot take words"):
        choose(Preset.MIX, EVERYTHING, text="shiny")
    with pytest.raises(NoEngine, match="Pick a change"):
        choose(None, EVERYTHING, text="   ")


def test_a_photo_without_a_mask_skips_inpaint():
    assert choose(Preset.NEW_BACKGROUND, ("inpaint",), has_mask=False) == Choice("classic", False)
    assert choose(Preset.RIPER, ("inpaint", "img2img"), has_mask=False) == Choice("img2img", True)
    with pytest.raises(NoEngine, match="no object outline"):
        choose(Preset.RIPER, ("inpaint",), has_mask=False)


def test_a_table_naming_an_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="without traits"):
        EnginePolicy({Preset.MIX: ("dreamer",)})
    custom = EnginePolicy({Preset.MIX: ("gated",)}, {"gated": BackendTraits("gate", False, False, False)})
    assert custom.choose(Preset.MIX, None, ("gated",), True) == Choice("gated", True)


def test_a_card_names_engine_and_model():
    assert made_by({"backend": "inpaint", "model": "/models/sd-inpainting"}) == ("inpaint", "sd-inpainting")
    assert made_by({"backend": "instruct", "model": "org/pix2pix"}) == ("instruct", "pix2pix")
    assert made_by({"backend": "classic", "worker": "w1"}) == ("classic", "w1")
    assert made_by({"backend": "classic", "engine": "kiosk"}) == ("classic", "this kiosk")
    assert engine_name("inpaint") == "inpainting diffusion" and engine_name("gated") == "gated"
