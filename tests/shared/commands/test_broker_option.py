"""`--broker` comes from the command line or, keeping the password out of `ps`, from the environment."""

from __future__ import annotations

import argparse

import pytest

from shared.commands.broker_option import add_broker_option


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_broker_option(parser)
    return parser.parse_args(list(argv))


def test_without_the_environment_the_option_is_required(monkeypatch, capsys):
    monkeypatch.delenv("TEACHBOOTH_BROKER", raising=False)
    with pytest.raises(SystemExit):
        parse()
    assert "--broker" in capsys.readouterr().err
    assert parse("--broker", "mqtt://a").broker == "mqtt://a"


def test_the_environment_fills_it_and_the_option_still_wins(monkeypatch):
    monkeypatch.setenv("TEACHBOOTH_BROKER", "mqtts://k1:secret@b:8883")
    assert parse().broker == "mqtts://k1:secret@b:8883"
    assert parse("--broker", "mqtt://other").broker == "mqtt://other"
