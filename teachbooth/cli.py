"""The `teachbooth` command: one entry point, subcommands from both sides.

Subcommands are listed by module path and imported only when chosen (or for
``--help``), so `teachbooth worker` never loads kiosk code and the kiosk never
loads the worker's. Each command module has a docstring (its help), an
``add_arguments(parser)`` and a ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from types import ModuleType

COMMANDS: dict[str, str] = {
    "broker": "kiosk.commands.broker",
    "demo": "kiosk.commands.demo",
    "doctor": "kiosk.commands.doctor",
    "expand": "kiosk.commands.expand",
    "export": "kiosk.commands.export",
    "generate": "kiosk.commands.generate",
    "import": "kiosk.commands.import_",
    "kiosk": "kiosk.commands.kiosk",
    "train": "kiosk.commands.train",
    "history": "kiosk.commands.history",
    "rollback": "kiosk.commands.rollback",
    "eval": "kiosk.commands.eval",
    "explain": "kiosk.commands.explain",
    "predict": "kiosk.commands.predict",
    "station": "kiosk.commands.station",
    "provision": "shared.commands.provision",
    "worker": "gpu_worker.command",
}


def _load(name: str) -> ModuleType:
    return importlib.import_module(COMMANDS[name])


def build_parser(chosen: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="teachbooth", description="TeachBooth machine-teaching kiosk.")
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        if chosen in (None, name):
            module = _load(name)
            doc = (module.__doc__ or "").strip()
            command = sub.add_parser(
                name,
                help=doc.splitlines()[0] if doc else None,
                description=doc,
                formatter_class=argparse.RawDescriptionHelpFormatter,  # examples stay as laid out
            )
            module.add_arguments(command)
        else:
            sub.add_parser(name)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    chosen = next((arg for arg in argv if arg in COMMANDS), None)
    args = build_parser(chosen).parse_args(argv)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return _load(args.command).run(args)


if __name__ == "__main__":
    sys.exit(main())
