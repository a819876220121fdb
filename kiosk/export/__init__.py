"""`teachbooth export`: a project's samples as a dataset zip, a trained model as a standalone bundle.

    from kiosk.export import DatasetOptions, export_bundle, export_dataset
    export_dataset("projects/fruit", "fruit.zip", DatasetOptions(generated=False))
    export_bundle("projects/fruit/models/0003", "fruit-model.zip")

`dataset.py` and `bundle.py` describe the two layouts; `output.py` how both are written atomically.
"""

from kiosk.export.bundle import BundleReport, export_bundle
from kiosk.export.dataset import DatasetOptions, DatasetReport, export_dataset
from kiosk.export.errors import BadOutput, ExportError, OutputExists

__all__ = [
    "BadOutput",
    "BundleReport",
    "DatasetOptions",
    "DatasetReport",
    "ExportError",
    "OutputExists",
    "export_bundle",
    "export_dataset",
]
