"""Generative expansion as an application layer: requests, engine choice, jobs and review.

Nothing here imports Textual: the kiosk's Expand step (`kiosk.tui.screens.expand`) and the headless
`teachbooth expand` command drive the same `Expansion`, so what a visitor gets on the screen and what
an integrator gets from the command line come from one code path (docs/architecture.md).
"""
