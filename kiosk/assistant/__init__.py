"""The "Ask" assistant: answers a visitor's questions about their project (docs/architecture.md#assistant).

`facts` gathers what the coach and the training report know; `intents` and `offline` answer the
common questions from them with no network; `prompt` and `client` ask an OpenAI-compatible server
when one is configured; `assistant` puts them together behind the exhibit's word filter.
"""
