"""From what a visitor chose (one "how much to change" value, a preset, a label) to a backend's inputs.

The research prototype asked people to tune prompt guidance and image guidance
and to write prompts; they could not, and vague prompts recoloured the whole
frame. A job carries ONE `change` value in 0..1 and a preset, and this module
is the only place that turns them into each diffusion backend's knobs and
prompts, so the kiosk's slider means the same thing whichever backend runs.

Change table (c = change, linear between the ends; "steps" are the denoising
steps actually run, so a visitor waits the same for any c):

    backend            strength        guidance       image guidance   steps
    inpaint            0.60 -> 1.00    5.0 -> 9.0     -                20
    instruct           -               5.0 -> 10.0    2.0 -> 1.0       20
    img2img            0.30 -> 0.80    7.5            -                20
    img2img (turbo)    0.30 -> 0.90    0 (none)       -                1 -> 4 (round(1 + 3c))

Why these ends: below ~0.3 strength img2img returns the source almost
unchanged, above ~0.8 it forgets the object; inpainting regenerates only the
masked part, so it can go to 1.0 (ignore the old pixels there) without losing
the rest of the frame. InstructPix2Pix follows the source more closely the
higher its image guidance, so that one falls as c rises. Few-step models
(SD-Turbo class) are distilled to run without classifier-free guidance, so
their guidance is 0 and c buys more steps as well as more strength.

Diffusers runs int(num_inference_steps * strength) steps of a strength-based
pipeline, so `schedule_steps` is the smallest schedule that runs exactly the
table's steps.

Prompts per preset and backend (label fills {label}; {colour}, {place} and
{light} rotate through short lists with the image's variant, so a batch of four
shows four different colours):

    preset            inpaint / img2img prompt                     instruct instruction
    new_colour        a photo of a(n) {colour} {label}             make the {label} {colour}
    new_background    a photo of a(n) {label} on {place}           put the {label} on {place}
    different_light   a photo of a(n) {label} in {light}           light the {label} with {light}
    riper             a photo of a very ripe {label}               make the {label} riper
    rotten            a photo of a rotten {label} with ...          make the {label} rotten
    unripe            a photo of an unripe green {label}           make the {label} unripe
    new_angle         a photo of a(n) {label} from another ...     (not served: InstructPix2Pix
                                                                    edits appearance, not viewpoint)
    custom text       a photo of a(n) {label}, <text>              <text>

`mix` is the classic engine's and served by no diffusion backend. A preset a
backend does not serve raises UnsupportedRequest, which the worker reports as
`unsupported_preset`. Custom text given with a preset is appended to it.

Which part of a masked frame changes (`edited_part`): inpaint regenerates only
that part; instruct edits the whole frame and keeps only that part, pasting
the source back over the rest; img2img ignores the mask.

    preset                                   part changed
    new_background                           background (the kiosk's mask inverted)
    every other preset, custom text          object

Different light relights the object alone: lighting the background too would
let a classifier learn the light from the background instead of from the
object. Custom text is taken to describe the object, the thing being taught.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from gpu_worker.backends.base import UnsupportedRequest
from shared.presets import Preset

DiffusionBackendName = Literal["inpaint", "instruct", "img2img"]
EditedPart = Literal["object", "background"]
DIFFUSION_BACKENDS: tuple[DiffusionBackendName, ...] = ("inpaint", "instruct", "img2img")
"""The backends this table has knobs and prompts for; each diffusion backend's module (found by
backends/registry.py) calls its own row. Only names: this module imports no backend, nor the configuration."""

TURBO_MAX_STEPS = 4
"""Few-step models are distilled for 1 to 4 steps; more buys nothing."""

NEGATIVE_BASE = "blurry, lowres, bad quality, deformed, text, watermark"
"""What no variation should look like; the start of every negative prompt."""

COLOURS = ("green", "red", "yellow", "purple", "orange", "blue")
PLACES = ("a wooden table", "a kitchen counter", "green grass", "a plain white studio background")
LIGHTS = ("warm evening light", "bright daylight", "soft studio light", "dim blue light")


@dataclass(frozen=True)
class StrengthRecipe:
    """Knobs of a pipeline that starts from a noised source (inpaint, img2img)."""

    strength: float
    guidance_scale: float
    steps: int

    @property
    def schedule_steps(self) -> int:
        """The `num_inference_steps` that makes diffusers run exactly `steps` at this strength."""
        return schedule_steps(self.steps, self.strength)


@dataclass(frozen=True)
class InstructRecipe:
    """Knobs of InstructPix2Pix: how hard to follow the instruction and how hard to keep the source."""

    guidance_scale: float
    image_guidance_scale: float
    steps: int


@dataclass(frozen=True)
class PromptPair:
    prompt: str
    negative_prompt: str


def _check_change(change: float) -> float:
    if not 0.0 <= change <= 1.0:
        raise ValueError(f"change must be within 0..1, got {change!r}")
    return change


def _between(low: float, high: float, change: float) -> float:
    return low + (high - low) * change


def schedule_steps(steps: int, strength: float) -> int:
    """Smallest n with int(n * strength) == steps: diffusers skips the first (1 - strength) of n."""
    if steps < 1 or not 0.0 < strength <= 1.0:
        raise ValueError(f"need steps >= 1 and 0 < strength <= 1, got {steps} and {strength}")
    total = steps
    while int(total * strength) < steps:
        total += 1
    return total


def inpaint_recipe(change: float) -> StrengthRecipe:
    change = _check_change(change)
    return StrengthRecipe(
        strength=_between(0.6, 1.0, change), guidance_scale=_between(5.0, 9.0, change), steps=20
    )


def instruct_recipe(change: float) -> InstructRecipe:
    change = _check_change(change)
    return InstructRecipe(
        guidance_scale=_between(5.0, 10.0, change),
        image_guidance_scale=_between(2.0, 1.0, change),
        steps=20,
    )


def img2img_recipe(change: float, few_step: bool) -> StrengthRecipe:
    """`few_step` for SD-Turbo-class models: no guidance, 1 to 4 steps."""
    change = _check_change(change)
    if few_step:
        return StrengthRecipe(
            strength=_between(0.3, 0.9, change),
            guidance_scale=0.0,
            steps=round(1 + (TURBO_MAX_STEPS - 1) * change),
        )
    return StrengthRecipe(strength=_between(0.3, 0.8, change), guidance_scale=7.5, steps=20)


# (prompt for inpaint and img2img, instruction for instruct or None, extra negative words)
_PRESET_PROMPTS: dict[Preset, tuple[str, str | None, str]] = {
    Preset.NEW_COLOUR: ("a photo of {a_colour} {label}", "make the {label} {colour}", ""),
    Preset.NEW_BACKGROUND: ("a photo of {a_label} on {place}", "put the {label} on {place}", ""),
    Preset.DIFFERENT_LIGHT: ("a photo of {a_label} in {light}", "light the {label} with {light}", ""),
    Preset.RIPER: ("a photo of a very ripe {label}", "make the {label} riper", "unripe, green"),
    Preset.ROTTEN: (
        "a photo of a rotten {label} with brown spots",
        "make the {label} rotten",
        "fresh, clean",
    ),
    Preset.UNRIPE: ("a photo of an unripe green {label}", "make the {label} unripe", "ripe, rotten"),
    Preset.NEW_ANGLE: ("a photo of {a_label} seen from another angle", None, "same view"),
}


def edited_part(preset: Preset | None) -> EditedPart:
    """The part of a masked frame that the preset changes (the table above); the rest is kept."""
    return "background" if preset is Preset.NEW_BACKGROUND else "object"


def _with_article(label: str) -> str:
    return f"{'an' if label[:1].lower() in 'aeiou' else 'a'} {label}"


def served_presets(backend: DiffusionBackendName) -> frozenset[Preset]:
    """The presets `backend` turns into prompts; the kiosk may offer only these for it."""
    if backend == "instruct":
        return frozenset(preset for preset, (_, instruction, _) in _PRESET_PROMPTS.items() if instruction)
    return frozenset(_PRESET_PROMPTS)


def prompts(
    backend: DiffusionBackendName,
    label: str,
    preset: Preset | None,
    custom: str | None = None,
    variant: int = 0,
) -> PromptPair:
    """The prompt and negative prompt for one image; `variant` picks its colour, place or light."""
    if backend not in DIFFUSION_BACKENDS:
        raise ValueError(f"{backend!r} is not a diffusion backend; expected one of {DIFFUSION_BACKENDS}")
    custom = custom.strip() if custom else None
    if preset is None and not custom:
        raise UnsupportedRequest("a diffusion job needs a preset or prompt text")
    extra_negative = ""
    if preset is None:
        text = custom if backend == "instruct" else f"a photo of {_with_article(label)}, {custom}"
    else:
        if preset not in served_presets(backend):
            raise UnsupportedRequest(f"the {backend} backend does not serve the {preset.value!r} preset")
        scene, instruction, extra_negative = _PRESET_PROMPTS[preset]
        template = instruction if backend == "instruct" else scene
        assert template is not None  # served_presets ruled out the missing instruction
        colour = COLOURS[variant % len(COLOURS)]
        text = template.format(
            label=label,
            a_label=_with_article(label),
            colour=colour,
            a_colour=_with_article(colour),
            place=PLACES[variant % len(PLACES)],
            light=LIGHTS[variant % len(LIGHTS)],
        )
        if custom:
            text = f"{text}, {custom}"
    negative = f"{NEGATIVE_BASE}, {extra_negative}" if extra_negative else NEGATIVE_BASE
    return PromptPair(prompt=text, negative_prompt=negative)
