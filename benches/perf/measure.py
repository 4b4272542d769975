#!/usr/bin/env python3
"""Run a command; print its wall time (ms) and peak RSS (KB) as 'ms kb exit'. Used by
`cargo bench --bench perf` (figure 7) to measure tinbox and toot the same way."""
import os
import subprocess
import sys
import time

start = time.monotonic()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(p.pid, 0)
ms = (time.monotonic() - start) * 1000
print(f"{ms:.1f} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
