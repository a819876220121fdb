from __future__ import annotations

from teachbooth.cli import main


def _args(out) -> list[str]:
    return [
        "provision",
        "--out",
        str(out),
        "--broker-host",
        "10.0.0.2",
        "--kiosks",
        "k1,k2",
        "--workers",
        "w1",
    ]


def _password(out, role: str, machine: str) -> str:
    env = (out / role / machine / f"{role}.env").read_text()
    return env.split("TEACHBOOTH_BROKER=mqtts://", 1)[1].split("@", 1)[0].split(":", 1)[1]


def test_the_summary_tells_each_machine_its_url_without_the_passwords(tmp_path, capsys):
    assert main(_args(tmp_path)) == 0
    printed = capsys.readouterr().out
    assert "TEACHBOOTH_BROKER=mqtts://k2:***@10.0.0.2:8883?ca=/etc/teachbooth/ca.crt" in printed
    assert "TEACHBOOTH_WORKER_ID=w1" in printed
    for role, machine in (("kiosk", "k1"), ("kiosk", "k2"), ("worker", "w1")):
        assert _password(tmp_path, role, machine) not in printed


def test_show_secrets_prints_the_passwords(tmp_path, capsys):
    assert main([*_args(tmp_path), "--show-secrets"]) == 0
    assert _password(tmp_path, "kiosk", "k1") in capsys.readouterr().out


def test_a_rerun_and_a_bad_id_fail_with_a_message_and_status_2(tmp_path, capsys):
    assert main(_args(tmp_path)) == 0
    capsys.readouterr()
    assert main(_args(tmp_path)) == 2
    assert "pass --force" in capsys.readouterr().err
    assert (
        main(
            [
                "provision",
                "--out",
                str(tmp_path / "x"),
                "--broker-host",
                "b",
                "--kiosks",
                "k/1",
                "--workers",
                "w",
            ]
        )
        == 2
    )
    assert "kiosk id 'k/1'" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
