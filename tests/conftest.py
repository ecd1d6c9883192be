"""Tests that run real `sitrep worker` processes get two reruns.

faust-streaming 0.15.3 sometimes stopped delivering input partitions to the agent after a group join: the lag
stayed, nothing was processed, and when new messages arrived the backlog was skipped. `streams.app.SnapshotFetchThread`
fixes the race we believe causes it (no stall in ten worker tests after it, against about one in four before); the
reruns stay as a safety net for anything of the kind it does not cover. A rerun repeats the whole test in a fresh
namespace with every assertion, so a real regression still fails all three runs.
"""

from pathlib import Path

import pytest

WORKER_SUITES = ("integration", "e2e", "browser")


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(item.fspath).parent.name in WORKER_SUITES:
            item.add_marker(pytest.mark.flaky(reruns=2, reruns_delay=1))
