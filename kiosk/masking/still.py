"""The kiosk's masker on one picture that has no empty scene of its own: an imported photo, a generated one.

`ObjectMasker` finds an object as what differs from the empty scene its camera learned. A single
picture has no such scene, but kiosk-style pictures share its shape: an object in front of a plain
or smoothly lit backdrop that reaches every edge of the frame. So the empty scene is estimated from
the frame's border: the backdrop along the four edges, filled across the frame by a bilinearly
blended (Coons) patch, which reproduces a flat backdrop, a light gradient and a paper sweep's
shading. The masker then runs as on a capture, with nobody in view: candidate regions, the largest
one, holes filled, GrabCut at the edges, the tight and the square crop box.

It fails safe: a busy backdrop or an object cut by the frame edge gives a poorer estimate and so
"nothing found" or a smaller mask, never an error; callers keep the picture without a mask then.
"""

from __future__ import annotations

import numpy as np

from kiosk.masking.config import MaskingConfig
from kiosk.masking.masker import ObjectMasker, check_frame, shrink, working_size
from kiosk.masking.result import MaskResult

BORDER_SHARE = 0.03
"""Depth of the frame border read as backdrop, as a share of the shorter working side (at least 2 px)."""
EDGE_SMOOTHING_SHARE = 0.05
"""Each edge's backdrop is averaged along the edge over this share of its length: camera grain out."""


def border_backdrop(frame: np.ndarray) -> np.ndarray:
    """(H, W, 3) float32: the empty scene as the frame's border suggests it (a Coons patch of its edges)."""
    import cv2

    pixels = frame.astype(np.float32)
    height, width = pixels.shape[:2]
    band = max(2, round(BORDER_SHARE * min(height, width)))
    edges = {
        "top": np.median(pixels[:band], axis=0),
        "bottom": np.median(pixels[-band:], axis=0),
        "left": np.median(pixels[:, :band], axis=1),
        "right": np.median(pixels[:, -band:], axis=1),
    }
    for name, edge in edges.items():
        length = max(1, round(EDGE_SMOOTHING_SHARE * len(edge)))
        edges[name] = cv2.blur(edge[:, None, :], (1, length))[:, 0, :]  # along the edge only
    top, bottom, left, right = edges["top"], edges["bottom"], edges["left"], edges["right"]
    v = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    u = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :, None]
    corners = (
        (1 - u) * (1 - v) * (top[0] + left[0]) / 2
        + u * (1 - v) * (top[-1] + right[0]) / 2
        + (1 - u) * v * (bottom[0] + left[-1]) / 2
        + u * v * (bottom[-1] + right[-1]) / 2
    )
    patch = (1 - v) * top[None] + v * bottom[None] + (1 - u) * left[:, None] + u * right[:, None] - corners
    return np.clip(patch, 0.0, 255.0).astype(np.float32)


def mask_still(frame: np.ndarray, config: MaskingConfig | None = None) -> MaskResult:
    """Find the object in one RGB uint8 picture (H x W x 3) against the backdrop its border suggests.

    Raises ValueError for something that is not a frame (`check_frame`); otherwise the result's
    `found` says whether an object stood out, and `mask` is it at the frame's size.
    """
    check_frame(frame)
    config = (config or MaskingConfig()).model_copy(update={"run_hands": False})
    height, width = frame.shape[:2]
    masker = ObjectMasker(config)
    masker.background.update(border_backdrop(shrink(frame, working_size(width, height, config.work_width))))
    nobody = np.zeros((height, width), dtype=np.float32)
    return masker.capture(frame, person=nobody, hands=[])
