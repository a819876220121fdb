"""Which engine makes a variation: one table of preferences, applied to what the online workers offer.

The kiosk, not the visitor, picks the backend. For each preset the table lists the backends in order
of preference; the first one an online worker serves (by its retained `WorkerStatus.backends`) gets
the job. With no broker or no worker the kiosk's own classic engine (CPU, `shared.variations`) makes
the pictures, for the presets it can do (`LOCAL_PRESETS`).

    preset            preference (first online wins)        why
    new_colour        instruct, inpaint, classic            an instruction recolours the object and
                                                            keeps its shape; inpainting redraws it
    new_background    inpaint, classic                      inpaint regenerates the kiosk's mask
                                                            inverted: the object's pixels are kept
    different_light   instruct, inpaint, classic            as new_colour
    new_angle         classic                               a geometric move of the real pixels; the
                                                            diffusion prompts change looks, not view
    mix               classic                               the classic engine's own combination
    riper, rotten,    instruct, inpaint, img2img            diffusion only: no pixel operation ripens
    unripe                                                  a fruit; img2img (whole frame) comes last
    custom text       instruct, inpaint, img2img            the backends that read text

img2img changes the whole frame, not the object, so it is last wherever it appears and absent where
something better always exists (the recoloured-wall failure of the research prototype). A backend
that needs the object mask (inpaint) is skipped for a photo without one. Words typed with a preset
narrow the choice to backends that read text, where the recipe appends them to the preset's prompt
(`gpu_worker/diffusion/recipes.py`); the free-text box is offered only while such a backend is
online. The architecture is described in docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from shared.presets import Preset

LOCAL_BACKEND = "classic"
"""The engine every kiosk has: `shared.variations.ClassicEngine`, run on the kiosk's CPU."""
LOCAL_PRESETS: frozenset[Preset] = frozenset(
    {Preset.NEW_COLOUR, Preset.NEW_BACKGROUND, Preset.DIFFERENT_LIGHT, Preset.NEW_ANGLE, Preset.MIX}
)
"""What the classic engine serves (`shared.variations.SUPPORTED_PRESETS`, kept equal by a test: this
module must not import NumPy to answer what the screen may show)."""


@dataclass(frozen=True)
class BackendTraits:
    """What the policy and the screen need to know about one backend."""

    engine: str
    """Its name for people: what the review cards and the status line say."""
    reads_text: bool
    """Its recipes use the visitor's words (recipes.py); the classic engine does not."""
    needs_mask: bool
    """It refuses a photo without the object mask (inpaint: it would redraw the whole frame)."""
    diffusion: bool


BACKENDS: dict[str, BackendTraits] = {
    "instruct": BackendTraits("InstructPix2Pix diffusion", reads_text=True, needs_mask=False, diffusion=True),
    "inpaint": BackendTraits("inpainting diffusion", reads_text=True, needs_mask=True, diffusion=True),
    "img2img": BackendTraits("image-to-image diffusion", reads_text=True, needs_mask=False, diffusion=True),
    "classic": BackendTraits("classic engine", reads_text=False, needs_mask=False, diffusion=False),
}

CUSTOM_TEXT = None
"""The table's key for a request with words and no preset."""

PREFERENCES: dict[Preset | None, tuple[str, ...]] = {
    Preset.NEW_COLOUR: ("instruct", "inpaint", "classic"),
    Preset.NEW_BACKGROUND: ("inpaint", "classic"),
    Preset.DIFFERENT_LIGHT: ("instruct", "inpaint", "classic"),
    Preset.NEW_ANGLE: ("classic",),
    Preset.MIX: ("classic",),
    Preset.RIPER: ("instruct", "inpaint", "img2img"),
    Preset.ROTTEN: ("instruct", "inpaint", "img2img"),
    Preset.UNRIPE: ("instruct", "inpaint", "img2img"),
    CUSTOM_TEXT: ("instruct", "inpaint", "img2img"),
}


class NoEngine(ValueError):
    """No engine online (nor this kiosk's) can make this request; the message is for the visitor."""


@dataclass(frozen=True)
class Choice:
    """The engine picked for one request."""

    backend: str
    remote: bool
    """True: a worker over MQTT; False: this kiosk's classic engine."""


@dataclass(frozen=True)
class Offer:
    """What the Expand step may show right now."""

    presets: tuple[Preset, ...]
    """Presets some online engine (or this kiosk) can make, in the table's order."""
    reads_text: bool
    """A backend that reads the visitor's words is online: show the free-text box."""


class EnginePolicy:
    """The preference table applied to the backends offered now. Pure: no I/O, no clock."""

    def __init__(
        self,
        preferences: Mapping[Preset | None, tuple[str, ...]] = PREFERENCES,
        traits: Mapping[str, BackendTraits] = BACKENDS,
    ) -> None:
        unknown = {name for names in preferences.values() for name in names} - set(traits)
        if unknown:
            raise ValueError(f"the preference table names backends without traits: {sorted(unknown)}")
        self.preferences = dict(preferences)
        self.traits = dict(traits)

    @property
    def backends(self) -> tuple[str, ...]:
        """Every backend the table knows, to ask the job client about."""
        return tuple(self.traits)

    def offer(self, offered: Collection[str]) -> Offer:
        """The presets and the text box to show while `offered` backends are online."""
        presets = tuple(
            preset
            for preset, names in self.preferences.items()
            if preset is not CUSTOM_TEXT and (set(names) & set(offered) or self._local(preset, names))
        )
        reads_text = any(name in offered and self.traits[name].reads_text for name in self.traits)
        return Offer(presets, reads_text)

    def choose(
        self, preset: Preset | None, text: str | None, offered: Collection[str], has_mask: bool
    ) -> Choice:
        """The engine for one photo's request. Raises `NoEngine` (plain words) when none can do it."""
        words = bool(text and text.strip())
        names = self.preferences.get(preset if preset is not None else CUSTOM_TEXT)
        if names is None or (preset is None and not words):
            raise NoEngine("Pick a change, or write what should be different.")
        for name in names:
            traits = self.traits[name]
            if name in offered and (traits.reads_text or not words) and (has_mask or not traits.needs_mask):
                return Choice(name, remote=True)
        if not words and self._local(preset, names):
            return Choice(LOCAL_BACKEND, remote=False)
        raise NoEngine(self._why_not(preset, words, names, offered))

    def _local(self, preset: Preset | None, names: tuple[str, ...]) -> bool:
        return LOCAL_BACKEND in names and preset in LOCAL_PRESETS

    def _why_not(
        self, preset: Preset | None, words: bool, names: tuple[str, ...], offered: Collection[str]
    ) -> str:
        if words and not any(self.traits[name].reads_text for name in names):
            return "This change cannot take words: clear the text, or pick another change."
        if words and not any(self.traits[name].reads_text for name in offered):
            return "No computer that reads words is online: pick one of the ready-made changes."
        if any(name in offered and self.traits[name].needs_mask for name in names):
            return "This photo has no object outline, which this change needs: pick another photo."
        wanted = " or ".join(name for name in names if self.traits[name].diffusion) or "a worker"
        what = "What you wrote" if preset is None else f"“{preset.value.replace('_', ' ')}”"
        return f"{what} needs a diffusion worker ({wanted}), and none is online: pick another change."


DEFAULT_POLICY = EnginePolicy()


def made_by(recipe: Mapping[str, Any]) -> tuple[str, str]:
    """A picture's engine and model from its recipe, two short lines for its review card:
    ("inpaint", "sd-2-inpainting") (the model folder's or id's last part), ("classic", "w1") (a
    worker's classic engine, which has no model), ("classic", "this kiosk")."""
    backend = str(recipe.get("backend", "?"))
    model = recipe.get("model")
    where = PurePath(str(model)).name or str(model) if model else recipe.get("worker") or "this kiosk"
    return backend, str(where)


def engine_name(backend: str, traits: Mapping[str, BackendTraits] = BACKENDS) -> str:
    """The backend's name for people ("inpainting diffusion"), or the backend itself if unknown."""
    known = traits.get(backend)
    return known.engine if known is not None else backend
