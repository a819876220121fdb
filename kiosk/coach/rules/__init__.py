"""The coach's rules, one module each; importing this package registers them all in `RULES`."""

from kiosk.coach.rules import (  # noqa: F401 (imported to register)
    add_class,
    capture_next,
    confused_pair,
    decides_by,
    few_samples,
    gate_rejects,
    naming,
    retrain,
    shortcut,
    unbalanced,
)
from kiosk.coach.rules.registry import RULES, Finding, Rule, register

__all__ = ["RULES", "Finding", "Rule", "register"]
