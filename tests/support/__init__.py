"""Test helpers shared by the suites: a real mosquitto and an MQTT probe."""
