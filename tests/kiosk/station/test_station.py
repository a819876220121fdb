"""The station end to end: the replay footage, the real masking pipeline (minus MediaPipe, which
cannot see rendered frames), a model really trained on the footage's objects, the real TFLite
backbone, a real mosquitto and a dashboard's subscription. The footage shows a red ball, a blue
box and a green cup, 40 frames each with empty stage between; played once, it ends the run."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import numpy as np
from PIL import Image

from kiosk.masking import ObjectMasker
from kiosk.station.csv_log import read_rows
from kiosk.station.service import Station
from tests.kiosk.conftest import REPLAY, rendered_frame_masker
from tests.kiosk.station.conftest import PARTS
from tests.kiosk.station.reader import StationReader
from tools.render_replay import frames_with


def run_to_the_end(settings, model, backbone, masker: ObjectMasker | None = None, on_verdict=None) -> Station:
    """Run a station over its replay once and close it; the station, for its stats."""
    station = Station(
        settings, model, backbone, masker=masker or rendered_frame_masker(), on_verdict=on_verdict
    )
    try:
        station.run(threading.Event())
    finally:
        station.close(drain_s=30)
    return station


def passes(tmp_path: Path, count: int) -> Path:
    """The footage `count` times over in one folder: the same parts shown again and again."""
    folder = tmp_path / f"footage-x{count}"
    folder.mkdir()
    frames = sorted(REPLAY.glob("frame_*.jpg"))
    for index in range(count * len(frames)):
        (folder / f"frame_{index:04d}.jpg").symlink_to(frames[index % len(frames)])
    return folder


def test_each_part_gets_one_verdict_in_order_on_the_wire_and_in_the_log(
    mosquitto, settings_for, loaded_model, backbone
):
    reader = StationReader(mosquitto.url, "s1")
    try:
        settings = settings_for(broker=mosquitto.url, heat_maps=True)
        assert run_to_the_end(settings, loaded_model, backbone).stats["frames"] == 138
        verdicts = reader.wait_verdicts(3)
        assert [(v.sequence, v.part, v.label) for v in verdicts] == [
            (1, 1, "ball"),
            (2, 2, "box"),
            (3, 3, "cup"),
        ]
        for verdict in verdicts:
            assert verdict.reason is None and verdict.score == max(verdict.probabilities.values()) > 0.5
            assert set(verdict.probabilities) == set(PARTS)
            with Image.open(settings.state_dir / verdict.heat_map) as heat:
                assert heat.format == "PNG" and heat.size[0] > 0
        rows = read_rows(settings.log_path)
        assert [(row["sequence"], row["label"], row["heat_map"]) for row in rows] == [
            (str(v.sequence), v.label, v.heat_map) for v in verdicts
        ]
        online, _ = reader.wait_status("online")
        assert online.station_id == "s1"
        assert reader.wait_status("offline")  # a clean stop says so

        # Started again on the same state folder, it numbers on: a gap would mean a lost verdict.
        run_to_the_end(settings_for(broker=mosquitto.url), loaded_model, backbone)
        again = reader.wait_verdicts(6)[3:]
        assert [(v.sequence, v.part, v.label) for v in again] == [
            (4, 1, "ball"),
            (5, 2, "box"),
            (6, 3, "cup"),
        ]
        assert [row["sequence"] for row in read_rows(settings.log_path)] == ["1", "2", "3", "4", "5", "6"]
    finally:
        reader.close()


def test_a_broker_restart_loses_no_verdict_and_keeps_their_order(
    mosquitto, settings_for, loaded_model, backbone, tmp_path
):
    """The broker goes away after verdict 2 and comes back after verdict 4: 3 and 4 wait on disk."""
    reader = StationReader(mosquitto.url, "s1")
    backlog_while_down = []

    def restart_the_broker(verdict) -> None:
        if verdict.sequence == 2:
            mosquitto.stop()  # graceful, so the reader's persistent session survives
        elif verdict.sequence == 4:
            backlog_while_down.append(station.backlog)
            mosquitto.start()

    settings = settings_for(passes(tmp_path, 2), broker=mosquitto.url)
    station = Station(
        settings, loaded_model, backbone, masker=rendered_frame_masker(), on_verdict=restart_the_broker
    )
    try:
        station.run(threading.Event())
        assert station.close(drain_s=30), "every verdict reached the broker"
        received = [v.sequence for v in reader.wait_verdicts(6)]
    finally:
        reader.close()
    assert backlog_while_down[0] >= 2  # verdicts 3 and 4 at least were taken with no broker
    assert received == sorted(received), received  # in order (a repeat stays next to its first copy)
    assert sorted(set(received)) == [1, 2, 3, 4, 5, 6]
    labels = {v.sequence: v.label for v in reader.verdicts}
    assert [labels[n] for n in range(1, 7)] == [*PARTS, *PARTS]
    assert len(read_rows(settings.log_path)) == 6


def test_a_part_that_never_holds_still_is_reported_once_as_not_settled(settings_for, loaded_model, backbone):
    """Nothing in the footage is still enough for an IoU of 1: the ball and the box leave unjudged
    and say so; the cup is still in view when the replay ends, so it gets nothing."""
    settings = settings_for(settle_iou=1.0)  # and no broker: the CSV log is the only output
    seen = []
    run_to_the_end(settings, loaded_model, backbone, on_verdict=seen.append)
    assert [(v.sequence, v.label, v.reason, v.score, v.probabilities) for v in seen] == [
        (1, None, "not_settled", None, {}),
        (2, None, "not_settled", None, {}),
    ]
    assert [row["reason"] for row in read_rows(settings.log_path)] == ["not_settled", "not_settled"]


def test_a_frame_the_masker_cannot_use_is_skipped_and_the_station_goes_on(
    settings_for, loaded_model, backbone, caplog
):
    broken = frames_with("ball")[20]

    def segmenter(small: np.ndarray) -> np.ndarray:
        segmenter.calls += 1
        if segmenter.calls == broken + 1:
            raise RuntimeError("the person model choked")
        return np.zeros(small.shape[:2], np.float32)

    segmenter.calls = 0
    masker = ObjectMasker(segmenter=segmenter, hand_finder=lambda small: [])
    seen = []
    with caplog.at_level(logging.ERROR, logger="kiosk.station.service"):
        station = run_to_the_end(
            settings_for(), loaded_model, backbone, masker=masker, on_verdict=seen.append
        )
    assert station.stats["frames_failed"] == 1 and station.stats["frames"] == 138
    assert f"frame {broken} could not be masked" in caplog.text
    assert [v.label for v in seen] == list(PARTS)
