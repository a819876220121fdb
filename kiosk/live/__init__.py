"""What the camera shows and the model answers while the visitor watches: the preview with its mask
overlay, the crop a capture keeps, and the current model's answer for a frame.

Both the touchscreen app and headless tools read frames through these, so neither Textual nor any
screen is imported here (import-linter checks it).
"""
