"""Tests that run real `sitrep worker` processes get two reruns.

faust-streaming 0.15.3 sometimes stops delivering input partitions to the agent after a group join: the lag stays and
nothing is processed. The worker now guards against two causes we found in Faust's source (`streams.app.
SnapshotFetchThread`, and `streams.monitoring` resuming partitions left paused after recovery), but the stall has not
been traced live, so these tests are rerun. A rerun repeats the whole test in a fresh namespace with every assertion,
so a real regression still fails all three runs.
"""

from pathlib import Path

import pytest

WORKER_SUITES = ("integration", "e2e", "browser")


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(item.fspath).parent.name in WORKER_SUITES:
            item.add_marker(pytest.mark.flaky(reruns=2, reruns_delay=1))
