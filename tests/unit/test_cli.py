"""The command line as a user meets it: --version, usage errors (exit 2) caught before any connection, failures as one
line (exit 1) instead of a traceback."""

from __future__ import annotations

import subprocess
import sys
import time
from importlib.metadata import version

import pytest

from streams.cli import main
from tests.integration.harness import ROOT, free_port

ESCALATING = ROOT / "tests" / "e2e" / "fixtures" / "escalating.jsonl"


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "streams.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "SITREP_LOG_LEVEL": "warning", **env},
    )


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"sitrep {version('sitrep')}"


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["replay", str(ESCALATING), "--speed", "-5"], "argument --speed: must be above 0, got -5"),
        (["replay", str(ESCALATING), "--since", "yesterday"], "'yesterday' is not an ISO-8601 time"),
        (["replay", "no/such/corpus"], "no such file or directory: no/such/corpus"),
        (["timeline", "missing.jsonl"], "no such file or directory: missing.jsonl"),
        (["extract", "missing.jsonl", "--out", "x.jsonl"], "no such file or directory: missing.jsonl"),
    ],
)
def test_usage_errors_exit_2_before_anything_is_contacted(args, reason, capsys):
    with pytest.raises(SystemExit) as done:
        main(args)
    assert done.value.code == 2
    assert reason in capsys.readouterr().err.strip().splitlines()[-1]


def test_a_file_that_is_not_snapshots_is_one_line_and_exit_1(tmp_path):
    not_snapshots = tmp_path / "notes.jsonl"
    not_snapshots.write_text('{"hello": "world"}\n')
    result = run("timeline", str(not_snapshots))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"sitrep timeline: {not_snapshots}:1: not a SituationSnapshot: Field required"
    ]


def test_an_unreachable_broker_is_one_line_and_exit_1():
    started = time.monotonic()
    result = run("replay", str(ESCALATING), "--max-speed", SITREP_BROKER=f"kafka://127.0.0.1:{free_port()}")
    assert result.returncode == 1
    *report, error = result.stderr.strip().splitlines()
    assert error.startswith("sitrep replay: Kafka at 127.0.0.1:") and "(SITREP_BROKER)" in error
    assert len(report) == 2 and report[0].startswith("corpus "), result.stderr  # the corpus summary, then the error
    assert time.monotonic() - started < 100


def test_extract_and_offline_replay_show_a_progress_bar_on_a_terminal(tmp_path):
    import fcntl
    import os
    import pty
    import struct
    import termios

    def on_terminal(*args: str) -> str:
        """Run the command with stderr on a pseudo-terminal, as a user at a shell sees it."""
        main_end, terminal = pty.openpty()
        fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a new pty is 0 columns wide
        process = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", *args],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=terminal,
            env={"PATH": "/usr/bin:/bin", "SITREP_LOG_LEVEL": "warning"},
        )
        os.close(terminal)
        seen = b""
        while True:
            try:
                chunk = os.read(main_end, 4096)
            except OSError:  # the terminal closed: the command is done
                break
            if not chunk:
                break
            seen += chunk
        assert process.wait(120) == 0, seen
        os.close(main_end)
        return seen.decode(errors="replace")

    extract = on_terminal("extract", str(ESCALATING), "--out", str(tmp_path / "out.jsonl"))
    count = len(ESCALATING.read_text(encoding="utf-8").splitlines())
    assert "extract: 100%" in extract and f"{count}/{count}" in extract
    offline = on_terminal("replay", str(ESCALATING), "--offline", "--snapshots", str(tmp_path / "s.jsonl"))
    assert "replay --offline: 100%" in offline and f"{count}/{count}" in offline
