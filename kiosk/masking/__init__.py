"""Local masking of the object a visitor holds or shows: background, person, hands, GrabCut.

    from kiosk.masking import ObjectMasker, OpenPalmTrigger

See `kiosk.masking.masker` for the pipeline. Importing this package imports neither OpenCV nor
MediaPipe; they load when the first frame is masked.
"""

from kiosk.masking.config import MaskingConfig
from kiosk.masking.gesture import OpenPalmTrigger
from kiosk.masking.landmarks import Hand
from kiosk.masking.masker import ObjectMasker, check_frame
from kiosk.masking.result import MaskResult

__all__ = ["Hand", "MaskResult", "MaskingConfig", "ObjectMasker", "OpenPalmTrigger", "check_frame"]
