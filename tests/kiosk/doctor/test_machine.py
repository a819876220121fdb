"""Disk space for real; the Pi's device tree, thermal zone and vcgencmd faked at the hardware edge."""

from __future__ import annotations

import pytest

from kiosk.doctor.finding import Status
from kiosk.doctor.machine import check_disk, check_thermal
from kiosk.doctor.settings import DoctorSettings


def test_enough_free_space_passes(tmp_path):
    assert check_disk(DoctorSettings(data_dir=tmp_path, min_free_mb=1)).status is Status.OK


def test_too_little_free_space_fails(tmp_path):
    found = check_disk(DoctorSettings(data_dir=tmp_path, min_free_mb=10**9))
    assert found.status is Status.FAIL and "delete old projects" in found.fix


def test_a_data_folder_not_made_yet_is_measured_where_it_will_be(tmp_path):
    found = check_disk(DoctorSettings(data_dir=tmp_path / "not" / "yet", min_free_mb=1))
    assert found.status is Status.OK and "not/yet" in found.message


@pytest.fixture
def pi(tmp_path, monkeypatch):
    """A system root that looks like a Raspberry Pi 5, and a `vcgencmd` on PATH; set them per test."""
    root = tmp_path / "root"
    (root / "proc/device-tree").mkdir(parents=True)
    (root / "proc/device-tree/model").write_bytes(b"Raspberry Pi 5 Model B Rev 1.0\0")
    (root / "sys/class/thermal/thermal_zone0").mkdir(parents=True)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))

    def make(celsius: float, throttled: int | None) -> DoctorSettings:
        (root / "sys/class/thermal/thermal_zone0/temp").write_text(f"{int(celsius * 1000)}\n")
        vcgencmd = bin_dir / "vcgencmd"
        if throttled is not None:
            vcgencmd.write_text(f"#!/bin/sh\necho throttled=0x{throttled:x}\n")
            vcgencmd.chmod(0o755)
        return DoctorSettings(system_root=root)

    return make


def test_not_a_pi_says_so(tmp_path):
    found = check_thermal(DoctorSettings(system_root=tmp_path))
    assert found.status is Status.OK and "not a Raspberry Pi" in found.message


def test_a_cool_pi_that_never_throttled_passes(pi):
    found = check_thermal(pi(48.3, 0x0))
    assert found.status is Status.OK
    assert found.message == "Raspberry Pi 5 Model B Rev 1.0: SoC at 48.3 °C; never throttled since boot"


def test_a_hot_pi_fails(pi):
    found = check_thermal(pi(86.0, 0x0))
    assert found.status is Status.FAIL and "86.0 °C" in found.message and "fan" in found.fix


def test_a_warm_pi_warns(pi):
    assert check_thermal(pi(74.0, 0x0)).status is Status.WARN


def test_under_voltage_now_fails(pi):
    found = check_thermal(pi(50.0, 0x50005))
    assert found.status is Status.FAIL and "now under-voltage, throttled" in found.message
    assert "supply" in found.fix


def test_throttling_earlier_since_boot_warns(pi):
    found = check_thermal(pi(50.0, 0x50000))
    assert found.status is Status.WARN and "since boot: under-voltage, throttled" in found.message


def test_without_vcgencmd_the_temperature_is_still_checked(pi):
    found = check_thermal(pi(50.0, None))
    assert found.status is Status.OK and "vcgencmd not found" in found.message
