"""The worker's image safety checker (`image_checker.py`); the word filter on prompts is `shared.safety`."""
