"""The `teachbooth` command: the composition root that puts the kiosk, the worker and shared tools together.

It sits above `kiosk`, `gpu_worker` and `shared`; none of them imports it (docs/architecture.md, "Import
rules").
"""
