"""The two MediaPipe models masking uses: selfie segmentation (the visitor) and hand landmarks.

MediaPipe's legacy solutions (`mediapipe==0.10.18`) carry their models inside the wheel, so nothing
is downloaded. MediaPipe is imported when a model is first built, not when this module is, so the
TUI and CLI start without it. Both take RGB uint8 frames; smaller frames are cheaper and lose little
(selfie segmentation works at 256x144 inside, the palm detector at 192x192).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kiosk.masking.landmarks import Hand


class PersonSegmenter:
    """Per-pixel probability (float32, H x W, 0..1) that a pixel belongs to a person."""

    def __init__(self, landscape: bool = True) -> None:
        import mediapipe as mp

        # model 1 ("landscape", 256x144) suits a 4:3 or 16:9 kiosk camera and is the faster one.
        self._model: Any = mp.solutions.selfie_segmentation.SelfieSegmentation(
            model_selection=1 if landscape else 0
        )

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        result = self._model.process(np.ascontiguousarray(rgb))
        return np.asarray(result.segmentation_mask, dtype=np.float32)

    def close(self) -> None:
        self._model.close()


class HandTracker:
    """Hands in a video stream: the palm detector runs until a hand is found, then it is tracked."""

    def __init__(self, max_hands: int = 2, min_confidence: float = 0.5) -> None:
        import mediapipe as mp

        self._model: Any = mp.solutions.hands.Hands(
            static_image_mode=False,
            max_num_hands=max_hands,
            model_complexity=0,  # the light model: the kiosk needs where the hand is, not finger detail
            min_detection_confidence=min_confidence,
            min_tracking_confidence=min_confidence,
        )

    def __call__(self, rgb: np.ndarray) -> list[Hand]:
        result = self._model.process(np.ascontiguousarray(rgb))
        if not result.multi_hand_landmarks:
            return []
        scores = [h.classification[0].score for h in (result.multi_handedness or [])]
        hands = []
        for index, found in enumerate(result.multi_hand_landmarks):
            points = np.array([(p.x, p.y) for p in found.landmark], dtype=np.float32)
            hands.append(Hand(points=points, score=float(scores[index]) if index < len(scores) else 1.0))
        return hands

    def close(self) -> None:
        self._model.close()
