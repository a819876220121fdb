from testkit.fresh_python import heavy_modules_after


def test_importing_the_coach_and_running_its_rules_loads_no_heavy_module():
    # The TUI imports the coach to show suggestions; scikit-learn and the TFLite runtime load only
    # when a state is built.
    code = """
        from kiosk.coach import CoachState, suggest
        suggest(CoachState(classes=('a', 'b'), counts={'a': 1, 'b': 0}))
        """
    assert heavy_modules_after(code) == []
