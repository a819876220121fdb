"""Turning features into a classifier: training, evaluation, quality gate, saliency."""
