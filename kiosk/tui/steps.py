"""The five steps of the guided flow, in order, and where each step's screen lives.

A step names its screen by import path ("module:Class") rather than by the class itself, so the
app imports a screen only when the visitor reaches it, and a step whose module is missing or broken
shows as unavailable instead of taking the whole kiosk down (the flow still runs around it).
Every screen class is a `kiosk.tui.screens.base.StepScreen`, built as `Screen(session, request)`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.coach.suggestion import (
    Action,
    AddClass,
    CaptureSamples,
    GenerateVariations,
    RenameClass,
    Retrain,
    ReviewGenerated,
)

if TYPE_CHECKING:
    from kiosk.tui.screens.base import StepScreen


class StepUnavailable(RuntimeError):
    """The step's screen cannot be imported; the message says why, for the admin and the log."""


@dataclass(frozen=True)
class Step:
    key: str
    """Stable id, used in the progress bar's ids and by `goto_step`."""
    title: str
    """What the progress bar and the screen's heading show."""
    hint: str
    """One line: what to do now on this step."""
    screen: str
    """Import path of the screen class, "package.module:ClassName"."""

    def load(self) -> type[StepScreen]:
        """The screen class; StepUnavailable when its module is not there (yet) or fails to import."""
        module_name, _, class_name = self.screen.partition(":")
        try:
            module = importlib.import_module(module_name)
        except Exception as exc:
            raise StepUnavailable(f"{self.title}: cannot import {module_name} ({exc})") from exc
        screen = getattr(module, class_name, None)
        if screen is None:
            raise StepUnavailable(f"{self.title}: {module_name} has no {class_name}")
        return screen

    def available(self) -> bool:
        try:
            self.load()
        except StepUnavailable:
            return False
        return True


STEPS: tuple[Step, ...] = (
    Step(
        "classes",
        "Classes",
        "Name the things to tell apart (two to eight), or one class of good parts.",
        "kiosk.tui.screens.classes:ClassesScreen",
    ),
    Step(
        "capture",
        "Capture",
        "Hold an object up to the camera, then hold the record button (or show an open palm).",
        "kiosk.tui.screens.capture:CaptureScreen",
    ),
    Step(
        "expand",
        "Expand",
        "Pick a photo and a change: the computer makes new versions for you to check.",
        "kiosk.tui.screens.expand:ExpandScreen",
    ),
    Step(
        "train",
        "Train",
        "Press train and see how well the computer learned your classes.",
        "kiosk.tui.screens.train:TrainScreen",
    ),
    Step(
        "try",
        "Try it",
        "Show an object: the bars say what the computer thinks. Wrong? Tap the right class.",
        "kiosk.tui.screens.try_it:TryScreen",
    ),
)

_BY_KEY = {step.key: step for step in STEPS}


def step(key: str) -> Step:
    """The step called `key`; KeyError naming the valid keys otherwise."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(f"no step {key!r}; the steps are {', '.join(_BY_KEY)}") from None


def index_of(key: str) -> int:
    return STEPS.index(step(key))


def step_for_action(action: Action) -> Step:
    """Which step carries out a coach suggestion's action (the coach panel's button goes there)."""
    if isinstance(action, AddClass | RenameClass):
        return step("classes")
    if isinstance(action, CaptureSamples):
        return step("capture")
    if isinstance(action, GenerateVariations | ReviewGenerated):
        return step("expand")
    if isinstance(action, Retrain):
        return step("train")
    raise TypeError(f"no step carries out {type(action).__name__}")
