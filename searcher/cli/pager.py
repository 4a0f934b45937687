"""Long results on a terminal go through a pager, as git does: `$PAGER` (default `less` with `LESS=FRX`), never when piped.

`CORPUS_SEARCH_PAGER` overrides `PAGER`; an empty value or `cat` means no
pager; `--no-pager` turns it off for one command.  Output that fits on the
screen is written directly, so short answers never start a pager.
"""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys

DEFAULT_PAGER = "less"
# less: quit if one screen (-F), keep colour codes (-R), leave the text on the screen after quitting (-X).
DEFAULT_LESS = "FRX"


def pager_command(env: dict | None = None) -> str | None:
    """The pager to run (a shell command), or None for none."""
    env = os.environ if env is None else env
    for name in ("CORPUS_SEARCH_PAGER", "PAGER"):
        if name in env:
            command = env[name].strip()
            return None if command in ("", "cat") else command
    return DEFAULT_PAGER


def should_page(text: str, *, to_terminal: bool, rows: int, no_pager: bool) -> bool:
    """Whether `text` goes through the pager: only on a terminal, only when longer than the screen."""
    return to_terminal and not no_pager and text.count("\n") + 1 >= rows


def run_pager(text: str, command: str) -> bool:
    """Send `text` to the pager `command`; False if it cannot be started (then the caller writes the text)."""
    try:
        program = shlex.split(command)[0]
    except (ValueError, IndexError):
        return False
    if shutil.which(program) is None:
        return False
    env = dict(os.environ)
    env.setdefault("LESS", DEFAULT_LESS)
    env.setdefault("LV", "-c")
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        sys.stdout.flush()
        process = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)
    except OSError:
        return False
    try:
        process.stdin.write((text + "\n").encode(encoding, errors="replace"))
        process.stdin.close()
    except BrokenPipeError:  # the reader quit the pager before reading it all
        pass
    while True:
        try:
            process.wait()
            break
        except KeyboardInterrupt:  # less handles Ctrl-C itself; wait for it to end
            continue
    return True


def terminal_rows() -> int:
    return shutil.get_terminal_size().lines
