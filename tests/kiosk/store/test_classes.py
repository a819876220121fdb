"""Classes: labels are visitor input, so every edge case is refused with a clear reason."""

from __future__ import annotations

import pytest

from kiosk.store import MAX_CLASSES, ClassLimitError, LabelError, NotFound, Project
from tests.kiosk.store.conftest import files_in, solid


def test_add_list_find_and_get(project: Project) -> None:
    apple = project.add_class("  Apple ")
    pear = project.add_class("pear")
    assert apple.label == "Apple"  # trimmed
    assert [c.label for c in project.classes()] == ["Apple", "pear"]
    assert project.find_class("APPLE") == apple
    assert project.find_class(" pear ") == pear
    assert project.find_class("plum") is None
    assert project.find_class("") is None
    assert project.get_class(pear.id) == pear
    with pytest.raises(NotFound):
        project.get_class(999)


@pytest.mark.parametrize(
    ("label", "reason"),
    [
        ("", "blank"),
        ("   ", "blank"),
        ("\t\n", "blank"),
        ("a\x00b", "control"),
        ("red\napple", "control"),
        ("red\tapple", "control"),
        ("bell\x07", "control"),
        ("zero\u200bwidth", r"U\+200B"),
        ("rtl\u202eoverride", r"U\+202E"),
        ("x" * 65, "65 characters"),
        (None, "must be text"),
        (7, "must be text"),
    ],
)
def test_bad_labels_are_refused_with_a_reason(project: Project, label: object, reason: str) -> None:
    with pytest.raises(LabelError, match=reason):
        project.add_class(label)  # type: ignore[arg-type]
    assert project.classes() == []


def test_sixty_four_characters_and_unicode_are_fine(project: Project) -> None:
    assert project.add_class("x" * 64).label == "x" * 64
    assert project.add_class(" Äpfel & Birnen (grün) ").label == "Äpfel & Birnen (grün)"
    assert project.add_class("🍎 apple").label == "🍎 apple"


@pytest.mark.parametrize("other", ["apple", "APPLE", " Apple  ", "aPPle"])
def test_duplicates_differing_only_in_case_or_spaces_are_refused(project: Project, other: str) -> None:
    project.add_class("Apple")
    with pytest.raises(LabelError, match="already a class 'Apple'"):
        project.add_class(other)
    assert len(project.classes()) == 1


def test_unicode_duplicates_are_caught_by_normalisation_and_casefolding(project: Project) -> None:
    project.add_class("Gr\u00fcn")  # precomposed ü
    with pytest.raises(LabelError):
        project.add_class("gru\u0308n")  # u + combining diaeresis
    project.add_class("Straße")
    with pytest.raises(LabelError):
        project.add_class("STRASSE")


def test_ninth_class_is_refused_clearly(project: Project) -> None:
    for index in range(MAX_CLASSES):
        project.add_class(f"class {index}")
    with pytest.raises(ClassLimitError, match="at most 8 classes"):
        project.add_class("one too many")
    assert len(project.classes()) == MAX_CLASSES
    project.remove_class(project.classes()[0])
    project.add_class("one too many")  # room again
    assert len(project.classes()) == MAX_CLASSES


def test_rename(project: Project) -> None:
    apple = project.add_class("apple")
    pear = project.add_class("pear")
    assert project.rename_class(apple, "Apple").label == "Apple"  # its own label in another case
    with pytest.raises(LabelError, match="already a class 'pear'"):
        project.rename_class(apple, "PEAR")
    with pytest.raises(LabelError):
        project.rename_class(apple, " ")
    with pytest.raises(NotFound):
        project.rename_class(999, "plum")
    renamed = project.rename_class(pear.id, "green pear")
    assert renamed.id == pear.id and renamed.created_at == pear.created_at
    assert [c.label for c in project.classes()] == ["Apple", "green pear"]


def test_path_like_labels_touch_no_path(project: Project) -> None:
    outside = project.root.parent
    before = files_in(outside)
    hostile = project.add_class("../../etc")
    sample = project.add_sample(solid(), hostile, "camera")
    assert sample.label == "../../etc"
    assert sample.image_path.parent == project.images_dir
    assert sample.image_path.name == f"{sample.id}.jpg"

    project.rename_class(hostile, "/etc/passwd")
    project.rename_class(hostile, "..\\..\\windows")
    assert files_in(outside) == before  # nothing created beside the project
    assert files_in(project.images_dir) == [f"{sample.id}.jpg"]
    assert project.get_sample(sample.id).label == "..\\..\\windows"
    assert project.load_image(sample).size == (40, 30)


def test_remove_class_removes_its_samples_and_files_only(project: Project) -> None:
    apple, pear = project.add_class("apple"), project.add_class("pear")
    gone = [project.add_sample(solid(), apple, "camera", mask=solid().convert("L")) for _ in range(3)]
    kept = project.add_sample(solid(), pear, "camera")
    project.set_many_features("bb", [(gone[0], [1.0, 2.0])])
    project.set_many_features("bb", [(kept, [3.0, 4.0])])

    assert project.remove_class(apple) == 3

    assert [c.label for c in project.classes()] == ["pear"]
    assert [s.id for s in project.samples()] == [kept.id]
    assert files_in(project.images_dir) == [f"{kept.id}.jpg"]
    assert files_in(project.masks_dir) == []
    assert project.features("bb")[0] == [kept.id]
    assert project.check().ok
    with pytest.raises(NotFound):
        project.remove_class(apple)


def test_classes_survive_reopening(tmp_path) -> None:
    with Project.open(tmp_path / "p") as first:
        first.add_class("apple")
        first.add_class("pear")
    with Project.open(tmp_path / "p") as again:
        assert [c.label for c in again.classes()] == ["apple", "pear"]
        with pytest.raises(LabelError):
            again.add_class("Apple")
