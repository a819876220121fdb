"""Developer tools that build the product's assets (samples, replay footage, the backbone, tiny pipelines)."""
