from kiosk.coach import CoachConfig, CoachState, Retrain
from kiosk.coach.rules import RULES

retrain = RULES["retrain"]


def test_without_a_model_it_asks_to_train_once_every_class_has_enough():
    ready = CoachState(classes=("apple", "pear"), counts={"apple": 10, "pear": 12})
    [finding] = retrain(ready, CoachConfig())
    assert finding.action == Retrain()
    not_ready = CoachState(classes=("apple", "pear"), counts={"apple": 10, "pear": 4})
    assert retrain(not_ready, CoachConfig()) == []


def test_a_model_behind_the_data_asks_to_retrain():
    behind = CoachState(classes=("apple", "pear"), counts={"apple": 10, "pear": 12}, samples_since_training=7)
    [finding] = retrain(behind, CoachConfig())
    assert finding.action == Retrain()
    assert "7 new pictures" in finding.reason
    current = CoachState(
        classes=("apple", "pear"), counts={"apple": 10, "pear": 12}, samples_since_training=4
    )
    assert retrain(current, CoachConfig()) == []
