"""The ``xdist_group`` marks reach pytest-xdist's scheduler (conftest.py mends pytest-xdist
issue 1386 for pytest 9.2): a grouped test's id ends in ``@group`` on a worker, which
``--dist loadgroup`` reads as one scope. Checked in this process, without starting workers."""
from pathlib import Path
from types import SimpleNamespace

import pytest

pytest_plugins = ["pytester"]

GROUPED = """
import pytest
pytestmark = pytest.mark.xdist_group("docs")

@pytest.mark.parametrize("width", [768, 1280])
def test_wide(width):
    pass

def test_plain():
    pass
"""


ROOT_CONFTEST = Path(__file__).resolve().parent.parent / "conftest.py"


def _mend(config):
    """The root conftest.py's hook, as this run loaded it."""
    (module,) = [plugin for plugin in config.pluginmanager.get_plugins()
                 if getattr(plugin, "__file__", None) and Path(plugin.__file__).resolve() == ROOT_CONFTEST]
    return module.pytest_collection_modifyitems


def _ids(pytester, request, loadgroup):
    items = pytester.getitems(pytester.makepyfile(test_grouped=GROUPED))
    _mend(request.config)(SimpleNamespace(option=SimpleNamespace(loadgroup=loadgroup)), items)
    return [item.nodeid for item in items]


def test_a_worker_with_loadgroup_marks_the_groups_tests(pytester, request):
    from xdist.scheduler.loadgroup import LoadGroupScheduling
    ids = _ids(pytester, request, loadgroup=True)
    assert ids == ["test_grouped.py::test_wide[768]@docs", "test_grouped.py::test_wide[1280]@docs",
                   "test_grouped.py::test_plain@docs"]
    # the scheduler's reading: one scope, the group's name
    scheduler = LoadGroupScheduling.__new__(LoadGroupScheduling)
    assert {scheduler._split_scope(nodeid) for nodeid in ids} == {"docs"}


def test_without_loadgroup_the_ids_stay(pytester, request):
    assert _ids(pytester, request, loadgroup=False) == ["test_grouped.py::test_wide[768]",
                                               "test_grouped.py::test_wide[1280]", "test_grouped.py::test_plain"]


def test_a_suffix_xdist_set_is_not_doubled(pytester, request):
    items = pytester.getitems(pytester.makepyfile(test_grouped=GROUPED))
    config, mend = SimpleNamespace(option=SimpleNamespace(loadgroup=True)), _mend(request.config)
    mend(config, items)
    mend(config, items)
    assert all(item.nodeid.count("@") == 1 for item in items)


@pytest.mark.xdist_group("a_group")
def test_this_run_marks_its_own_grouped_test_only_under_loadgroup(request):
    on_worker = getattr(request.config.option, "loadgroup", False)
    assert request.node.nodeid.endswith("@a_group") == bool(on_worker)
