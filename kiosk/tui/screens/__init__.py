"""One screen per step of the guided flow (see `kiosk.tui.steps`), plus the app's modal screens."""
