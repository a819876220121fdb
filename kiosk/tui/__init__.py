"""The kiosk's touchscreen app: a Textual app that walks a visitor through five steps.

    teachbooth kiosk --camera replay:kiosk/samples/replay --project ~/teachbooth-project

`app.py` is the app (flow, status, museum mode, admin), `session.py` what the screens share,
`steps.py` the ordered steps and where their screens live; screens in `screens/`, widgets in
`widgets/`, the one stylesheet in `teachbooth.tcss`. Importing this package loads no camera,
MediaPipe, TFLite or scikit-learn code: the heavy parts load in workers when first needed.
"""
