"""The coach's state for a kiosk project: the store's samples, features and gate verdicts gathered.

This is what the kiosk runs (in a worker, whenever `Project.revision` moves) to feed `suggest`:
real samples a person has not rejected are counted, histogrammed and cross-validated; accepted
generated samples are only judged by the quality gate, as training judges them. Features come from
the store's cache (computed for the samples that lack them), so after the first call the cost is
the histograms and the probes described in `build.py`, plus, once per trained model, what it
decides by (`model_cues.py`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from kiosk.coach.build import build_state, tally_gate
from kiosk.coach.config import CoachConfig
from kiosk.coach.model_cues import current_model_cues, pictures_to_probe
from kiosk.coach.state import CoachState
from kiosk.features.backbone import Backbone
from kiosk.learning.project_training import cache_features, feature_rows, gate_rows, real_samples
from kiosk.learning.trainer import TrainingProgress
from kiosk.store import Project, Source, Status


def project_state(
    project: Project,
    backbone: Backbone,
    *,
    config: CoachConfig | None = None,
    progress: TrainingProgress | None = None,
) -> CoachState:
    """Everything the coach's rules read, from the project as it is now.

    Samples whose image cannot be read are left out (the store reports them); a project with no
    samples still gets a state, so the coach can say what to do first.
    """
    real = real_samples(project)
    generated = project.samples(source=Source.GENERATED, status=Status.ACCEPTED)
    cache_features(project, backbone, [*real, *generated], progress=progress)
    key = backbone.backbone_id
    groups = {sample.id: sample.id for sample in [*real, *generated]}
    real_rows = feature_rows(project, key, real, groups, 1.0, real=True)
    generated_rows = feature_rows(project, key, generated, groups, 1.0, real=False)
    verdicts = gate_rows(real_rows, generated_rows, generated)
    gate = tally_gate(generated_rows.labels, verdicts.values())

    row_of = {name: row for row, name in enumerate(real_rows.names)}
    with_features = [sample for sample in real if sample.id in row_of]
    images, masks, labels, rows = [], [], [], []
    for loaded in project.iter_images(with_features, masks=True):
        images.append(np.asarray(loaded.image.convert("RGB")))
        masks.append(None if loaded.mask is None else np.asarray(loaded.mask.convert("L")))
        labels.append(loaded.sample.label)
        rows.append(row_of[loaded.sample.id])

    current = next((model for model in project.models() if model.current), None)
    since = None if current is None else sum(sample.created_at > current.created_at for sample in real)
    state = build_state(
        [info.label for info in project.classes()],
        images,
        labels,
        masks=masks,
        features=real_rows.features[rows] if rows else None,
        gate=gate,
        samples_since_training=since,
        config=config,
    )
    settings = (config or CoachConfig()).decides_by
    if not settings.enabled:
        return state
    pictures = pictures_to_probe(images, masks, labels, settings.photos_per_class)
    return replace(state, model_cues=current_model_cues(project, backbone, pictures, settings))
