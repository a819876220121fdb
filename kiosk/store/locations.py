"""Where the kiosk keeps its data when nobody says otherwise.

`teachbooth kiosk` opens this project by default and `teachbooth doctor` checks the free space of the
folder that holds it, so both read the place from here rather than one command from the other.
"""

from __future__ import annotations

import os
from pathlib import Path


def default_project() -> Path:
    """The project folder under the XDG data home (``~/.local/share/teachbooth/project``)."""
    data = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return data / "teachbooth" / "project"
