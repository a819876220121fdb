"""Write a tiny randomly initialised chat model (Llama architecture) in the on-disk format.

The kiosk's "Ask" assistant talks to an OpenAI-compatible server (llama.cpp, vLLM, `transformers
serve`). Model weights cannot be downloaded on the machines this project is built and tested on, yet
the assistant must be tested against a real server running a real model: this script builds a
`LlamaForCausalLM` at toy size (a few hundred kB, loads in a moment, fast on a CPU) with a
byte-level BPE tokenizer trained here on a few sentences and a chat template, and saves them with
`save_pretrained`, so `transformers serve DIR` serves the folder as it would a real checkpoint.

Its answers are random text, as a tiny random model's are. `says` builds a model that answers one
word over and over instead, whatever it is asked: the layers add nothing to the residual stream,
every token embeds to the same unit vector and the output head sends that vector to the word's
token alone, so greedy decoding and any reasonable temperature both pick it. A test that needs to
know what the server will answer (a word the kiosk's filter must catch) uses it.

Everything is seeded: the same call writes the same weights.

Usage: python tools/make_tiny_chat_model.py --out DIR [--says WORD]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

SEED = 0
HIDDEN_SIZE = 16
VOCAB_SIZE = 400
"""Byte-level alphabet (256) plus merges learnt from `CORPUS`; any text still tokenizes, byte by byte."""
CONTEXT_TOKENS = 8192
"""Room for a system prompt holding a project's state, at a few characters per token."""
SAYS_LOGIT = 50.0
"""The forced word's logit over every other token's 0: sampling at temperature 1 still picks it."""

BOS, EOS, PAD = "<|begin|>", "<|end|>", "<|pad|>"
ROLES = ("system", "user", "assistant")
ROLE_TOKENS = [f"<|{role}|>" for role in ROLES]
CHAT_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}<|{{ message['role'] }}|>\n{{ message['content'] }}"
    "{{ eos_token }}\n{% endfor %}{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)
CORPUS = [
    "You are the coach of a machine-teaching kiosk. Answer the visitor in one or two short sentences.",
    "The model mixes up pear and apple: take more photos of the pear from new angles.",
    "Why did it say pear? What should I do next? Is it good enough? How many photos do I need?",
    "The classes are ball and box, with ten photos each; accuracy is ninety percent.",
    "It decides mostly by colour, so show it green apples and red pears too.",
]


def make_tokenizer(says: str | None = None) -> PreTrainedTokenizerFast:
    """Byte-level BPE trained on `CORPUS` (and `says`, so the word is one token of its own)."""
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE,
        special_tokens=[PAD, BOS, EOS, *ROLE_TOKENS],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    corpus = CORPUS if says is None else [*CORPUS, *[f"{says} " * 8] * 8]
    tokenizer.train_from_iterator(corpus, trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token=BOS,
        eos_token=EOS,
        pad_token=PAD,
        additional_special_tokens=ROLE_TOKENS,
        chat_template=CHAT_TEMPLATE,
        model_max_length=CONTEXT_TOKENS,
    )


def make_model(tokenizer: PreTrainedTokenizerFast) -> LlamaForCausalLM:
    torch.manual_seed(SEED)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=HIDDEN_SIZE,
        intermediate_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=CONTEXT_TOKENS,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=False,
    )
    return LlamaForCausalLM(config).eval()


def force_word(model: LlamaForCausalLM, token_id: int) -> None:
    """Make every next-token prediction `token_id` (see the module docstring)."""
    with torch.no_grad():
        for layer in model.model.layers:
            layer.self_attn.o_proj.weight.zero_()
            layer.mlp.down_proj.weight.zero_()
        model.model.embed_tokens.weight.zero_()
        model.model.embed_tokens.weight[:, 0] = 1.0
        model.lm_head.weight.zero_()
        model.lm_head.weight[token_id, 0] = SAYS_LOGIT


def build_tiny_chat_model(says: str | None = None) -> tuple[LlamaForCausalLM, PreTrainedTokenizerFast]:
    """The model and its tokenizer; with `says`, a model that answers that word (one token) only."""
    tokenizer = make_tokenizer(says)
    model = make_model(tokenizer)
    if says is not None:
        [token_id] = tokenizer.encode(f" {says}", add_special_tokens=False)
        force_word(model, token_id)
    # Greedy and short unless a request asks otherwise: a random model's answers go on to the limit.
    model.generation_config = GenerationConfig(
        do_sample=False,
        max_new_tokens=64,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    return model, tokenizer


def make_tiny_chat_model(out: Path, says: str | None = None) -> Path:
    """Write the model and tokenizer into `out` (created) and return it."""
    model, tokenizer = build_tiny_chat_model(says)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to write the model into")
    parser.add_argument("--says", help="a model that answers this one word, whatever it is asked")
    args = parser.parse_args(argv)
    print(make_tiny_chat_model(args.out, args.says))
    return 0


if __name__ == "__main__":
    sys.exit(main())
