"""MQTT plumbing shared by the kiosk and the worker."""

from shared.mqtt.link import MqttLink, Publication, Session
from shared.mqtt.url import BrokerUrl

__all__ = ["BrokerUrl", "MqttLink", "Publication", "Session"]
