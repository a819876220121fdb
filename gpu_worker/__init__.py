"""The GPU worker: an MQTT job service with one module per generation backend."""
