"""The backends there are: every module of this package that declares a `BACKEND_KEY` (base.py).

As Frigate finds its detector plugins, the registry walks the package's path
with pkgutil and imports each module; those that declare a key are backends.
Nothing else lists backends: the worker's configuration gets a section per
backend with settings from here (config.py), `teachbooth worker` its options
(command.py), the service the backends it can build. Walking the package's
path, not a fixed list, is what lets a new module be the whole of a new backend.

Discovery runs on first use, not when this module is imported, so that the
backend modules may import anything of the package (their shared bases, the
recipes table, which in turn imports base.py) without importing in a circle.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Mapping
from functools import cache
from types import ModuleType

from pydantic import BaseModel

import gpu_worker.backends
from gpu_worker.backends.base import Backend


def _declared_backend(module: ModuleType) -> type[Backend] | None:
    """The backend class of a module that declares a `BACKEND_KEY`; TypeError when it defines none."""
    key = getattr(module, "BACKEND_KEY", None)
    if key is None:
        return None
    classes = [
        value
        for value in vars(module).values()
        if inspect.isclass(value)
        and issubclass(value, Backend)
        and value.__module__ == module.__name__
        and not inspect.isabstract(value)
        and getattr(value, "name", None) == key
    ]
    if len(classes) != 1:
        raise TypeError(f"{module.__name__} declares backend {key!r} and has {len(classes)} classes so named")
    return classes[0]


@cache
def backend_types() -> Mapping[str, type[Backend]]:
    """Every backend, by name, in name order; imports each backend module (light: no torch)."""
    package = gpu_worker.backends
    found: dict[str, type[Backend]] = {}
    for info in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
        if info.name == __name__:
            continue
        backend = _declared_backend(importlib.import_module(info.name))
        if backend is None:
            continue
        if backend.name in found:
            raise TypeError(f"two modules declare backend {backend.name!r}")
        found[backend.name] = backend
    return dict(sorted(found.items()))


def create_backend(name: str, config: BaseModel | None = None) -> Backend:
    """Instantiate a registered backend with its settings from `config`; KeyError names the known ones."""
    backends = backend_types()
    try:
        backend_class = backends[name]
    except KeyError:
        raise KeyError(f"unknown backend {name!r}; known: {', '.join(backends)}") from None
    return backend_class.from_config(config)
