"""The change table and the preset prompts: one slider and a preset become each backend's inputs."""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest

from gpu_worker.backends import UnsupportedRequest
from gpu_worker.diffusion.recipes import (
    COLOURS,
    DIFFUSION_BACKENDS,
    NEGATIVE_BASE,
    TURBO_MAX_STEPS,
    edited_part,
    img2img_recipe,
    inpaint_recipe,
    instruct_recipe,
    prompts,
    schedule_steps,
    served_presets,
)
from shared.presets import Preset

CHANGES = [index / 20 for index in range(21)]
DIFFUSION_PRESETS = [preset for preset in Preset if preset is not Preset.MIX]
STRENGTH_RECIPES = {
    "inpaint": inpaint_recipe,
    "img2img": lambda change: img2img_recipe(change, few_step=False),
    "img2img turbo": lambda change: img2img_recipe(change, few_step=True),
}


def rising(values: list[float]) -> bool:
    return all(later > earlier for earlier, later in itertools.pairwise(values))


@pytest.mark.parametrize("name", STRENGTH_RECIPES)
def test_strength_rises_with_change_and_stays_in_range(name):
    recipes = [STRENGTH_RECIPES[name](change) for change in CHANGES]
    strengths = [recipe.strength for recipe in recipes]
    assert rising(strengths)
    assert strengths[0] > 0.0 and strengths[-1] <= 1.0


@pytest.mark.parametrize("name", STRENGTH_RECIPES)
def test_schedule_runs_exactly_the_table_steps(name):
    """Diffusers runs int(num_inference_steps * strength) steps; the recipe's schedule must hit `steps`."""
    for change in CHANGES:
        recipe = STRENGTH_RECIPES[name](change)
        assert min(int(recipe.schedule_steps * recipe.strength), recipe.schedule_steps) == recipe.steps
        assert int((recipe.schedule_steps - 1) * recipe.strength) < recipe.steps, "smallest such schedule"


def test_inpaint_guidance_rises_and_steps_stay_fixed():
    recipes = [inpaint_recipe(change) for change in CHANGES]
    assert rising([recipe.guidance_scale for recipe in recipes])
    assert recipes[0].guidance_scale == pytest.approx(5.0) and recipes[-1].guidance_scale == pytest.approx(
        9.0
    )
    assert {recipe.steps for recipe in recipes} == {20}
    assert recipes[-1].strength == pytest.approx(1.0)


def test_instruct_follows_the_prompt_more_and_the_source_less_as_change_rises():
    recipes = [instruct_recipe(change) for change in CHANGES]
    assert rising([recipe.guidance_scale for recipe in recipes])
    assert rising([-recipe.image_guidance_scale for recipe in recipes])
    assert recipes[0].image_guidance_scale == pytest.approx(2.0)
    assert recipes[-1].image_guidance_scale == pytest.approx(1.0)
    assert {recipe.steps for recipe in recipes} == {20}


def test_turbo_runs_one_to_four_unguided_steps():
    recipes = [img2img_recipe(change, few_step=True) for change in CHANGES]
    steps = [recipe.steps for recipe in recipes]
    assert steps[0] == 1 and steps[-1] == TURBO_MAX_STEPS
    assert steps == sorted(steps)
    assert {recipe.guidance_scale for recipe in recipes} == {0.0}


def test_plain_img2img_is_guided_with_fixed_steps():
    recipes = [img2img_recipe(change, few_step=False) for change in CHANGES]
    assert {recipe.guidance_scale for recipe in recipes} == {7.5}
    assert {recipe.steps for recipe in recipes} == {20}
    assert recipes[-1].strength == pytest.approx(0.8), "higher forgets the object"


@pytest.mark.parametrize("change", [-0.01, 1.01, float("nan")])
def test_change_outside_zero_to_one_is_refused(change):
    for make in (inpaint_recipe, instruct_recipe, STRENGTH_RECIPES["img2img turbo"]):
        with pytest.raises(ValueError, match=r"change must be within 0\.\.1"):
            make(change)


def test_schedule_steps_refuses_impossible_inputs():
    with pytest.raises(ValueError):
        schedule_steps(0, 0.5)
    with pytest.raises(ValueError):
        schedule_steps(2, 0.0)
    assert schedule_steps(2, 0.5) == 4


@pytest.mark.parametrize(
    ("backend", "preset"),
    [(backend, preset) for backend in DIFFUSION_BACKENDS for preset in sorted(served_presets(backend))],
)
def test_every_served_preset_names_the_label(backend, preset):
    pair = prompts(backend, "quince", preset)
    assert "quince" in pair.prompt
    assert "{" not in pair.prompt and "}" not in pair.prompt
    assert pair.negative_prompt.startswith(NEGATIVE_BASE)


def test_which_presets_each_backend_serves():
    everything_but_mix = frozenset(DIFFUSION_PRESETS)
    assert served_presets("inpaint") == everything_but_mix
    assert served_presets("img2img") == everything_but_mix
    assert served_presets("instruct") == everything_but_mix - {Preset.NEW_ANGLE}


@pytest.mark.parametrize(
    ("backend", "preset"),
    [*((backend, Preset.MIX) for backend in DIFFUSION_BACKENDS), ("instruct", Preset.NEW_ANGLE)],
)
def test_a_preset_a_backend_does_not_serve_is_an_unsupported_request(backend, preset):
    with pytest.raises(UnsupportedRequest, match=f"{backend} backend does not serve the '{preset.value}'"):
        prompts(backend, "apple", preset)


def test_new_colour_fills_label_and_varies_the_colour_per_image():
    assert prompts("inpaint", "apple", Preset.NEW_COLOUR, variant=0).prompt == "a photo of a green apple"
    assert COLOURS[4] == "orange"
    assert prompts("inpaint", "apple", Preset.NEW_COLOUR, variant=4).prompt == "a photo of an orange apple"
    assert prompts("instruct", "apple", Preset.NEW_COLOUR, variant=1).prompt == "make the apple red"
    colours = {prompts("img2img", "pear", Preset.NEW_COLOUR, variant=index).prompt for index in range(4)}
    assert len(colours) == 4
    wrapped = prompts("img2img", "pear", Preset.NEW_COLOUR, variant=len(COLOURS))
    assert wrapped == prompts("img2img", "pear", Preset.NEW_COLOUR, variant=0)


def test_ripeness_presets_push_away_from_the_opposite():
    assert "unripe" in prompts("inpaint", "banana", Preset.RIPER).negative_prompt
    assert "ripe" in prompts("inpaint", "banana", Preset.UNRIPE).negative_prompt
    assert "rotten" in prompts("instruct", "banana", Preset.ROTTEN).prompt


def test_article_follows_the_label():
    assert prompts("img2img", "apple", Preset.NEW_ANGLE).prompt.startswith("a photo of an apple")
    assert prompts("img2img", "pear", Preset.NEW_BACKGROUND).prompt.startswith("a photo of a pear on")


def test_custom_text_alone():
    assert prompts("instruct", "apple", None, "make it shiny").prompt == "make it shiny"
    pair = prompts("img2img", "apple", None, "  on the moon ")
    assert pair.prompt == "a photo of an apple, on the moon"
    assert pair.negative_prompt == NEGATIVE_BASE


def test_custom_text_is_appended_to_a_preset():
    pair = prompts("inpaint", "apple", Preset.RIPER, "in a basket")
    assert pair.prompt == "a photo of a very ripe apple, in a basket"


def test_no_preset_and_no_text_is_refused():
    with pytest.raises(UnsupportedRequest, match="needs a preset or prompt text"):
        prompts("inpaint", "apple", None, "   ")


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="not a diffusion backend"):
        prompts("classic", "apple", Preset.NEW_COLOUR)  # type: ignore[arg-type]


def test_recipes_do_not_import_torch():
    """The kiosk and the worker's config read the table; neither may pay for importing torch."""
    code = "import sys, gpu_worker.diffusion.recipes; sys.exit('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_only_new_background_edits_the_background():
    assert edited_part(Preset.NEW_BACKGROUND) == "background"
    others = [preset for preset in Preset if preset is not Preset.NEW_BACKGROUND]
    assert {edited_part(preset) for preset in [*others, None]} == {"object"}
