"""Running a `teachbooth` command in-process, as the command-line tests do."""

from __future__ import annotations

from teachbooth.cli import main


def run_cli(capsys, *argv: object) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `teachbooth ARGV...`."""
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err
