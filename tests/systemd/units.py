"""Run `systemd-analyze verify` on unit files written for a Pi or a GPU box, here.

The units name programs that exist only on a deployed machine (the venv under
/opt, cage, foot). verify insists that every Exec* program is executable, so a
temporary copy swaps exactly those paths for stub scripts; any other missing
program still fails. verify exits 0 on settings it merely ignores (a typo in a
value, an unknown key), so anything it prints counts as a failure too.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

UNIT_DIR = Path(__file__).resolve().parents[2] / "systemd"
DEPLOYED_PROGRAMS = ("/opt/teachbooth/.venv/bin/teachbooth", "/usr/bin/cage", "/usr/bin/foot")


@dataclass(frozen=True)
class Verdict:
    returncode: int
    output: str

    @property
    def clean(self) -> bool:
        return self.returncode == 0 and not self.output.strip()


def find_systemd_analyze() -> str:
    found = shutil.which("systemd-analyze")
    if found is None:
        raise RuntimeError("systemd-analyze is missing: `apt-get install systemd` provides it")
    return found


def verify(units: dict[str, str], workdir: Path) -> Verdict:
    """Verify unit files given as name -> text, with deployed-only programs stubbed under `workdir`."""
    stubs = workdir / "stubs"
    stubs.mkdir(exist_ok=True)
    paths = []
    for name, text in units.items():
        for program in DEPLOYED_PROGRAMS:
            stub = stubs / Path(program).name
            stub.write_text("#!/bin/sh\n")
            stub.chmod(0o755)
            text = text.replace(program, str(stub))
        path = workdir / name
        path.write_text(text)
        paths.append(str(path))
    result = subprocess.run(
        [find_systemd_analyze(), "verify", *paths], capture_output=True, text=True, timeout=60
    )
    return Verdict(result.returncode, result.stdout + result.stderr)


def shipped_units() -> dict[str, str]:
    return {path.name: path.read_text() for path in sorted(UNIT_DIR.glob("*.service"))}
