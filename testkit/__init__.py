"""Helpers the tests, the benchmarks and the asset tools share: real brokers and worker processes, an MQTT
probe, rendered scenes and shapes, tiny fleets. Not part of the product, so not in the wheel."""
