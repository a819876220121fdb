"""Settings of the masking pipeline, one strict model so a typo in a config file is an error."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class MaskingConfig(BaseModel):
    """How the kiosk finds the object a visitor shows: background, person, hands, refinement, crop."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    work_width: int = Field(
        320,
        ge=64,
        le=1920,
        title="Working width",
        description="Frames are shrunk to this width (aspect kept) for the background model, the "
        "MediaPipe models and component analysis; masks are scaled back to the frame. Half of 640 "
        "keeps masks within a pixel or two at a quarter of the cost.",
    )
    change_threshold: float = Field(
        28.0,
        gt=0,
        le=255,
        title="Change threshold",
        description="How far (0..255, largest channel) a pixel must differ from the background, after "
        "the global light change is divided out, to count as changed. Camera grain is well below it.",
    )
    background_rate: float = Field(
        0.1,
        gt=0,
        le=1,
        title="Background refresh rate",
        description="Weight of each empty frame in the running background average, where the frame "
        "matches the background (it follows grain and slow light changes).",
    )
    absorb_frames: int = Field(
        150,
        ge=1,
        le=10_000,
        title="Frames to absorb a lasting change",
        description="Empty frames in a row a changed pixel must hold still before it becomes part of the "
        "background: an object left behind or a poster (and the spot where a long-lying object was) is "
        "learned after about 10 s at 15 frames/s, an object shown for less leaves no ghost.",
    )
    empty_person_share: float = Field(
        0.005,
        ge=0,
        le=1,
        title="Empty-scene person share",
        description="The scene counts as empty (and refreshes the background) when at most this share of "
        "the frame is person and no hand is seen.",
    )
    person_threshold: float = Field(
        0.5,
        gt=0,
        lt=1,
        title="Person threshold",
        description="Selfie-segmentation probability above which a pixel is the visitor, not the object.",
    )
    min_object_share: float = Field(
        0.002,
        gt=0,
        lt=1,
        title="Smallest object",
        description="Changed regions smaller than this share of the frame are noise, not objects.",
    )
    hold_distance: float = Field(
        0.05,
        gt=0,
        le=1,
        title="Holding distance",
        description="A region within this distance (share of the frame diagonal) of any hand landmark is "
        "being held; the nearest such region wins.",
    )
    held_colour_distance: float = Field(
        0.08,
        gt=0,
        lt=1,
        title="Held object colour distance",
        description="Inside the person mask near a hand, changed pixels whose chromaticity is farther than "
        "this from the hand's skin are a held object the segmenter took for the person (held.py).",
    )
    run_hands: bool = Field(
        True,
        title="Track hands",
        description="Run MediaPipe hands on every frame: picks the held or pointed-at object and feeds the "
        "capture gesture. Off: the largest changed region is the object.",
    )
    refine_on_capture: bool = Field(
        True,
        title="GrabCut on capture",
        description="Refine the mask of a captured frame with GrabCut seeded by the chosen region. Too "
        "slow for every preview frame on a Pi, cheap enough once per capture.",
    )
    grabcut_max_side: int = Field(
        240,
        ge=32,
        le=2048,
        title="GrabCut size",
        description="GrabCut runs on the object's neighbourhood scaled so its longer side is at most this.",
    )
    grabcut_iterations: int = Field(
        3, ge=1, le=20, title="GrabCut iterations", description="Rounds of GrabCut's colour-model fitting."
    )
    crop_margin: float = Field(
        0.15,
        ge=0,
        le=1,
        title="Crop margin",
        description="The backbone crop is a square around the object's box, widened by this share of the "
        "box's longer side on each side, with real frame pixels (the backbone centre-crops to a square).",
    )
