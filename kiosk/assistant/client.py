"""A client of an OpenAI-compatible chat server (llama.cpp's server, vLLM, `transformers serve`).

    endpoint = ChatEndpoint("http://gpu.local:8000", timeout_s=20)
    text = endpoint.complete([{"role": "system", ...}, {"role": "user", ...}])

Standard library only (`urllib`): the kiosk needs one POST, and a Pi image should not carry an
HTTP stack for it. `POST {url}/v1/chat/completions`, non-streaming; the model is the configured one,
else the first the server lists at `GET {url}/v1/models` (a llama.cpp or pinned `transformers serve`
server lists just the one it runs; vLLM its served name). Every way the server can fail, down,
slow, an HTTP error, a body that is not a chat completion, is one `EndpointError` saying which, so
the caller has one thing to catch and a sentence to log.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

MAX_ANSWER_TOKENS = 160
"""An answer of two or three sentences on a touchscreen; a longer one is cut, not waited for."""
TEMPERATURE = 0.3
"""Low: the answer should restate the facts, not invent around them."""


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
"""No proxy from the environment: the server sits on the kiosk's own network, beside the GPU worker."""


class EndpointError(RuntimeError):
    """The server could not be reached or did not answer with a chat completion."""


class ChatEndpoint:
    """One OpenAI-compatible server; `timeout_s` bounds each step (connecting, each read)."""

    def __init__(self, url: str, *, model: str | None = None, timeout_s: float = 20.0) -> None:
        self.base = url.rstrip("/").removesuffix("/v1")
        """The server's root: "http://host:8000/v1" and "http://host:8000" name the same server."""
        self.model = model
        self.timeout_s = timeout_s

    def complete(self, messages: list[dict[str, str]]) -> str:
        """The assistant's reply to `messages` (blocking: call it from a worker thread)."""
        body = {
            "model": self.model or self._served_model(),
            "messages": messages,
            "max_tokens": MAX_ANSWER_TOKENS,
            "temperature": TEMPERATURE,
            "stream": False,
        }
        reply = self._request("/v1/chat/completions", body)
        try:
            text = reply["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise EndpointError("the server's reply holds no chat message") from None
        if not isinstance(text, str):
            raise EndpointError("the server's reply holds no chat message")
        return text

    def _served_model(self) -> str:
        """The first model the server lists, remembered: the one a single-model server runs."""
        listed = self._request("/v1/models")
        try:
            self.model = str(listed["data"][0]["id"])
        except (KeyError, IndexError, TypeError):
            raise EndpointError("the server lists no model") from None
        return self.model

    def _request(self, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path, data=data, headers={"Content-Type": "application/json"}
        )
        try:
            with _DIRECT.open(request, timeout=self.timeout_s) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise EndpointError(f"the server failed with HTTP {exc.code} {exc.reason}") from exc
        except TimeoutError as exc:
            raise EndpointError(f"no answer within {self.timeout_s:g} s") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise EndpointError(f"no answer within {self.timeout_s:g} s") from exc
            raise EndpointError(f"cannot reach the server: {exc.reason}") from exc
        except (OSError, ValueError) as exc:  # a connection reset mid-answer; a body that is not JSON
            raise EndpointError(f"the server's answer was broken: {exc}") from exc
