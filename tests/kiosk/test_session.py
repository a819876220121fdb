"""The session the screens share: lazy parts, no broker needed, kept objects, museum wipe."""

from __future__ import annotations

import pytest

from kiosk.session import KioskSession


class Closable:
    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


def test_without_a_broker_there_is_no_job_client_and_the_link_says_so(session):
    assert session.jobs is None
    state = session.link_state()
    assert (state.broker, state.workers, state.queued, state.worker_online) == ("none", (), 0, False)


def test_the_camera_opens_once_on_first_use(session):
    camera = session.camera
    assert camera.is_open and session.camera is camera
    frame = camera.read()
    assert frame.image.ndim == 3


def test_kept_objects_survive_until_a_wipe_which_closes_them_and_empties_the_project(session, project):
    kept = session.keep("run", Closable)
    assert session.keep("run", Closable) is kept
    project.add_class("apple")
    session.wipe()
    assert kept.closed
    assert project.classes() == []
    assert session.keep("run", Closable) is not kept


def test_change_camera_refuses_a_bad_spec_and_keeps_the_old_one(session):
    spec = session.camera_spec
    with pytest.raises(ValueError):
        session.change_camera("floppy:0")
    assert session.camera_spec == spec


def test_a_session_closes_what_it_opened(project, tmp_path):
    opened = KioskSession(project, camera_spec="replay:kiosk/samples/red_apple.jpg")
    camera = opened.camera
    opened.close()
    assert not camera.is_open


def test_live_loops_follow_a_camera_change(session, tmp_path):
    old = session.camera
    session.next_frame()
    session.change_camera("replay:kiosk/samples/red_apple.jpg")
    assert not old.is_open
    frame = session.next_frame()
    assert session.camera is not old and frame.seq == 0
