"""`teachbooth station`: bad settings exit 2 before anything starts; the real command as a process of
its own, killed with SIGKILL (its Last Will says offline) and stopped with SIGTERM (it says so itself)."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from teachbooth.cli import main
from testkit.worker_process import REPO
from tests.kiosk.conftest import REPLAY
from tests.kiosk.station.reader import StationReader


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"--camera": "webcam:0"}, "bad camera spec 'webcam:0'"),
        ({"--model": "no-such-model"}, "no-such-model: no such model folder"),
        ({"--broker": "http://broker.lan"}, "must start with mqtt:// or mqtts://"),
        ({"--station-id": "line/1"}, "station_id"),
        ({"--settle-frames": "1"}, "settle_frames"),
        ({"--settle-iou": "0"}, "settle_iou"),
    ],
)
def test_bad_settings_exit_2_and_say_what_is_wrong(tmp_path, footage_model, capsys, change, complaint):
    options = {"--camera": f"replay:{REPLAY}", "--model": str(footage_model), "--state-dir": str(tmp_path)}
    argv = [arg for pair in (options | change).items() for arg in pair]
    assert main(["station", *argv]) == 2
    out, err = capsys.readouterr()
    assert complaint in err and out == ""


def test_a_state_folder_that_cannot_be_written_exits_2(tmp_path, footage_model, capsys):
    (tmp_path / "taken").write_text("a file, not a folder")
    argv = [
        "--camera",
        f"replay:{REPLAY}",
        "--model",
        str(footage_model),
        "--state-dir",
        str(tmp_path / "taken"),
    ]
    assert main(["station", *argv]) == 2
    assert "cannot keep its state in" in capsys.readouterr().err


def start_station(mosquitto, footage_model, state_dir, output) -> subprocess.Popen:
    """The command as systemd runs it, on the looping footage at a camera's pace with the real masker."""
    command = [sys.executable, "-m", "teachbooth", "station", "--camera", f"replay:{REPLAY}?fps=15"]
    command += ["--model", str(footage_model), "--broker", mosquitto.url, "--station-id", "s9"]
    command += ["--state-dir", str(state_dir)]
    return subprocess.Popen(command, cwd=REPO, stdout=output, stderr=subprocess.DEVNULL)


def test_a_killed_station_goes_offline_by_its_last_will_and_a_stopped_one_says_so(
    mosquitto, footage_model, tmp_path
):
    reader = StationReader(mosquitto.url, "s9")
    with open(tmp_path / "first.out", "w") as first_out:
        station = start_station(mosquitto, footage_model, tmp_path / "state", first_out)
        try:
            assert reader.wait_status("online", timeout=60)[0].station_id == "s9"
            first = reader.wait_verdicts(1, timeout=60)[0]
            station.kill()  # SIGKILL: no farewell, no clean disconnect
            assert station.wait(timeout=15) == -signal.SIGKILL
            offline, _ = reader.wait_status("offline")  # the broker published the Last Will
        finally:
            station.kill()
    late = StationReader(mosquitto.url, "s9", client_id="late-dashboard")
    try:
        assert late.wait_status("offline")[1], "the broker keeps the Last Will as the station's status"
    finally:
        late.close()

    reader.statuses.clear()
    with open(tmp_path / "second.out", "w") as second_out:
        station = start_station(mosquitto, footage_model, tmp_path / "state", second_out)
        try:
            reader.wait_status("online", timeout=60)
            later = reader.wait_verdicts(len({v.sequence for v in reader.verdicts}) + 1, timeout=60)[-1]
            station.send_signal(signal.SIGTERM)
            assert station.wait(timeout=30) == 0
        finally:
            station.kill()
    assert later.sequence > first.sequence  # numbered on from the killed run's state folder
    assert reader.wait_status("offline")[0].at > offline.at  # said by the stopping station itself
    lines = (tmp_path / "second.out").read_text().splitlines()
    assert lines[0].startswith("teachbooth station s9: replay:") and "(ball, box, cup)" in lines[0]
    assert any(line.startswith(f"#{later.sequence} part ") for line in lines[1:]), lines
