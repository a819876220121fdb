"""`teachbooth doctor`: is this machine ready to be a kiosk? One finding per check, each with a fix.

The checks are grouped by what they touch (`camera.py`: camera and display, `models.py`: TFLite
and MediaPipe, `broker.py`: broker and workers, `machine.py`: disk and Pi temperature);
`registry.py` names them and runs them so that one crashing check cannot hide the others.
Heavy imports happen inside the checks.
"""
