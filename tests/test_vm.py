"""Every corpus program gives on both VMs exactly what CPython gives."""

import importlib
import pkgutil

import pytest

from . import corpus
from .conftest import same

CASES = []
for info in pkgutil.iter_modules(corpus.__path__):
    module = importlib.import_module(f"{corpus.__name__}.{info.name}")
    for fn, args in module.CASES:
        CASES.append(pytest.param(fn, args, id=f"{info.name}.{fn.__name__}"))


@pytest.mark.parametrize("fn,args", CASES)
def test_vm_agrees_with_python(fn, args, run_backend):
    expected = fn(*args)
    assert same(run_backend(fn, *args), expected)
