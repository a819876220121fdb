import pytest
from pydantic import BaseModel, ValidationError

from kiosk.coach import CoachConfig
from kiosk.coach.rules import RULES


def test_every_rule_has_a_config_section_and_every_section_a_rule():
    config = CoachConfig()
    for rule_id in RULES:
        assert config.section(rule_id).enabled
    sections = {name for name, value in config if name != "probe"}
    assert sections == set(RULES)


def test_unknown_sections_and_fields_are_errors():
    with pytest.raises(KeyError, match="no coach rule called 'probe'"):
        CoachConfig().section("probe")
    with pytest.raises(ValidationError, match="Extra inputs"):
        CoachConfig.model_validate({"few_samples": {"min_sample": 5}})
    with pytest.raises(ValidationError, match="greater than 1"):
        CoachConfig.model_validate({"unbalanced": {"max_ratio": 1}})


def _models(model: type[BaseModel]):
    yield model
    for field in model.model_fields.values():
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            yield from _models(field.annotation)


def test_every_field_is_documented():
    for model in _models(CoachConfig):
        assert model.model_config["extra"] == "forbid"
        for name, field in model.model_fields.items():
            assert field.title and field.description, f"{model.__name__}.{name}"
