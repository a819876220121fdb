"""`teachbooth kiosk`: what it refuses before the app takes the screen."""

from __future__ import annotations

import pytest

from teachbooth import cli


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        (["--camera", "floppy:0"], "floppy"),
        (["--broker", "http://example.org"], "mqtt://"),
        (["--admin-pin", "12"], "admin_pin"),
        (["--kiosk-id", "no spaces"], "kiosk id"),
    ],
)
def test_bad_options_exit_2_with_the_reason(tmp_path, capsys, extra, reason):
    code = cli.main(["kiosk", "--camera", "replay:kiosk/samples/replay", "--project", str(tmp_path), *extra])
    assert code == 2
    assert reason in capsys.readouterr().out
