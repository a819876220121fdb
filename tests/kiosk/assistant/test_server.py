"""The assistant against a real OpenAI-compatible server (`transformers serve` on loopback, tiny chat
models): the answer and the request that carried the project, the word filter both ways, and a
server that is gone, broken or silent."""

from __future__ import annotations

import json
import socket
import time

from kiosk.assistant.assistant import REFUSED_ANSWER, REFUSED_QUESTION, Assistant, Reply, Source
from kiosk.assistant.client import ChatEndpoint
from kiosk.assistant.offline import offline_answer
from kiosk.assistant.prompt import chat_messages
from testkit.mosquitto import free_port
from tests.kiosk.assistant.conftest import BLOCKED_ANSWER
from tests.kiosk.assistant.project_facts import trained_facts

QUESTION = "Is it good enough?"
OFFLINE = offline_answer(QUESTION, trained_facts())


def no_facts():
    raise AssertionError("a refused question must not even gather the project's facts")


def test_the_model_answers_and_its_request_carries_the_project(chat_server, chat_models):
    facts = trained_facts()
    assistant = Assistant(ChatEndpoint(chat_server.url, model=str(chat_models.random)))
    before = len(chat_server.bodies())
    reply = assistant.answer(QUESTION, lambda: facts)
    assert reply.source is Source.MODEL and reply.text.strip() and reply.note is None, reply
    [body] = chat_server.wait_for_bodies(before + 1)[before:]
    system, question = body["messages"]
    assert question == {"role": "user", "content": QUESTION}
    assert system["role"] == "system"
    assert json.dumps(facts.as_json(), separators=(",", ":")) in system["content"]
    assert '"box":{"photos":4,"right":0.5}' in system["content"]
    assert "take 5 more photos of box" in system["content"]  # the coach's advice


def test_without_a_model_name_it_uses_the_one_the_server_lists(chat_server, chat_models):
    Assistant(ChatEndpoint(chat_server.url, model=str(chat_models.random))).answer(QUESTION, trained_facts)
    endpoint = ChatEndpoint(chat_server.url + "/v1/")  # the /v1 some servers' docs give is the same server
    before = len(chat_server.bodies())
    Assistant(endpoint).answer(QUESTION, trained_facts)
    assert endpoint.model in (str(chat_models.random), str(chat_models.says_blocked))
    [body] = chat_server.wait_for_bodies(before + 1)[before:]
    assert body["model"] == endpoint.model


def test_a_question_with_a_blocked_word_is_refused_before_anything_is_sent(chat_server, chat_models):
    assistant = Assistant(ChatEndpoint(chat_server.url, model=str(chat_models.random)))
    before = len(chat_server.bodies())
    assert assistant.answer("why does it k1ll everything?", no_facts) == Reply(
        REFUSED_QUESTION, Source.REFUSED
    )
    assistant.answer(QUESTION, trained_facts)  # one that passes, to see everything that reached the server
    later = chat_server.wait_for_bodies(before + 1)[before:]
    assert [body["messages"][-1]["content"] for body in later] == [QUESTION]


def test_an_answer_with_a_blocked_word_is_replaced_by_the_kiosk_s_own(chat_server, chat_models):
    endpoint = ChatEndpoint(chat_server.url, model=str(chat_models.says_blocked))
    assert BLOCKED_ANSWER in endpoint.complete(chat_messages(QUESTION, trained_facts()))  # what it says
    reply = Assistant(endpoint).answer(QUESTION, trained_facts)
    assert reply == Reply(f"{REFUSED_ANSWER} {OFFLINE}", Source.OFFLINE)
    assert BLOCKED_ANSWER not in reply.text


def test_a_server_that_fails_the_request_leaves_the_offline_answer(chat_server, tmp_path):
    endpoint = ChatEndpoint(chat_server.url, model=str(tmp_path / "no-such-model"))
    reply = Assistant(endpoint).answer(QUESTION, trained_facts)
    assert (reply.text, reply.source) == (OFFLINE, Source.OFFLINE)
    assert reply.note is not None and "the server failed with HTTP 500" in reply.note, reply.note


def test_a_server_that_is_gone_leaves_the_offline_answer_and_says_so():
    endpoint = ChatEndpoint(f"http://127.0.0.1:{free_port()}", model="any")  # nothing listens there
    reply = Assistant(endpoint).answer(QUESTION, trained_facts)
    assert (reply.text, reply.source) == (OFFLINE, Source.OFFLINE)
    assert reply.note is not None and "cannot reach the server" in reply.note, reply.note


def test_a_server_that_never_answers_is_given_up_on_at_the_timeout():
    with socket.create_server(("127.0.0.1", 0)) as silent:  # the kernel accepts; nobody ever answers
        endpoint = ChatEndpoint(f"http://127.0.0.1:{silent.getsockname()[1]}", model="any", timeout_s=1)
        started = time.monotonic()
        reply = Assistant(endpoint).answer(QUESTION, trained_facts)
        waited = time.monotonic() - started
    assert (reply.text, reply.source) == (OFFLINE, Source.OFFLINE)
    assert reply.note is not None and "no answer within 1 s" in reply.note, reply.note
    assert 1 <= waited < 5
