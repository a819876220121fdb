"""GrabCut refinement of a chosen region: exact edges where the background difference is unsure.

The background difference is blunt at an object's rim (where the object's colour meets the
backdrop's) and the person mask is coarse around the hand that holds it. GrabCut fits colour models
of object and surroundings and cuts along the edges between them. It is seeded, not boxed: the
region's core is certain object, the region itself probable object, a ring around it probable
background, everything farther out (and the visitor, beyond the core) certain background. It runs
on the object's neighbourhood only, shrunk to `max_side`, which bounds its cost whatever the frame.
"""

from __future__ import annotations

import numpy as np

from kiosk.masking.crop import Box, tight_box

CONTEXT = 0.35
"""Share of the region's box added on each side: enough surroundings for the background model."""


def refine_with_grabcut(
    rgb: np.ndarray,
    region: np.ndarray,
    person: np.ndarray | None,
    *,
    max_side: int,
    iterations: int,
) -> np.ndarray:
    """The refined object mask (bool, frame size) for `region` (bool, frame size) in `rgb`."""
    import cv2

    box = tight_box(region)
    if box is None:
        return region
    height, width = region.shape
    x0, y0, x1, y1 = _widen(box, width, height)
    scale = min(1.0, max_side / max(x1 - x0, y1 - y0))
    size = (max(1, round((x1 - x0) * scale)), max(1, round((y1 - y0) * scale)))
    image = cv2.resize(np.ascontiguousarray(rgb[y0:y1, x0:x1]), size, interpolation=cv2.INTER_AREA)
    seed = cv2.resize(region[y0:y1, x0:x1].astype(np.uint8), size, interpolation=cv2.INTER_NEAREST)

    radius = max(2, round(0.08 * min(seed.shape)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    core = cv2.erode(seed, kernel)
    if not core.any():
        return region  # too thin to have a certain core: the seed is all we know
    near = cv2.dilate(seed, kernel)
    labels = np.full(seed.shape, cv2.GC_BGD, np.uint8)
    labels[near > 0] = cv2.GC_PR_BGD
    labels[seed > 0] = cv2.GC_PR_FGD
    if person is not None:
        visitor = cv2.resize(person[y0:y1, x0:x1].astype(np.uint8), size, interpolation=cv2.INTER_NEAREST)
        labels[visitor > 0] = cv2.GC_BGD
    labels[core > 0] = cv2.GC_FGD

    background_model, foreground_model = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    bgr = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    cv2.grabCut(bgr, labels, None, background_model, foreground_model, iterations, cv2.GC_INIT_WITH_MASK)
    foreground = ((labels == cv2.GC_FGD) | (labels == cv2.GC_PR_FGD)).astype(np.uint8)
    foreground = _keep_touching(foreground, core)

    full = cv2.resize(foreground.astype(np.float32), (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR)
    refined = np.zeros_like(region)
    refined[y0:y1, x0:x1] = full >= 0.5
    return refined


def _widen(box: Box, width: int, height: int) -> Box:
    left, top, right, bottom = box
    dx, dy = round((right - left) * CONTEXT), round((bottom - top) * CONTEXT)
    return max(0, left - dx), max(0, top - dy), min(width, right + dx), min(height, bottom + dy)


def _keep_touching(foreground: np.ndarray, core: np.ndarray) -> np.ndarray:
    """Only the parts of GrabCut's answer connected to the certain core: stray backdrop blobs of the
    object's colour are not the object."""
    import cv2

    _, labels = cv2.connectedComponents(foreground, connectivity=8)
    keep = np.unique(labels[(core > 0) & (labels > 0)])
    return np.isin(labels, keep) & (foreground > 0)
