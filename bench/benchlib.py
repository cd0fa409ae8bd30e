"""What the bench/*-peers scripts share: the test network's settings, getting
into its namespace, building Indaba, and timing a process with its peak RSS."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
GNU_TIME = "/usr/bin/time"


def die(message):
    print(f"{Path(sys.argv[0]).name}: {message}", file=sys.stderr)
    sys.exit(1)


def load_env():
    """The test network's settings (testbed/run/env, or $INDABA_TESTBED_ENV)."""
    path = Path(os.environ.get("INDABA_TESTBED_ENV", ROOT / "testbed/run/env"))
    if not path.is_file():
        die(f"the test network is not up ({path} is missing): run testbed/up first")
    env = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            env[key.strip()] = value.strip()
    return env


def reachable(host, port):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def enter_namespace(env, probe):
    """Re-runs the calling script inside the test network's namespace
    (INDABA_TB_NETNS) when `probe` (host, port) does not answer here."""
    if reachable(*probe):
        return
    ns = env.get("INDABA_TB_NETNS")
    if os.environ.get("INDABA_BENCH_IN_NS") or not ns:
        die(f"{probe[0]}:{probe[1]} does not answer: run inside the test network "
            f"(ip netns exec NAMESPACE {sys.argv[0]})")
    os.environ["INDABA_BENCH_IN_NS"] = "1"
    script = str(Path(sys.argv[0]).resolve())
    os.execvp("ip", ["ip", "netns", "exec", ns, sys.executable, script, *sys.argv[1:]])


def target_dir():
    return Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))


def build(examples=()):
    """Builds the release `indaba` (and examples of indaba-probe) with the
    OpenSSL renegotiation probe, as ./run-tests does, in one cargo run so
    features unify and nothing is built twice."""
    cmd = ["cargo", "build", "--release", "--quiet", "-p", "indaba", "-p", "indaba-probe",
           "--features", "indaba-probe/client-renegotiation", "--bin", "indaba"]
    for example in examples:
        cmd += ["--example", example]
    print("building:", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, cwd=ROOT, check=True)


class Run:
    """One measured process: wall time (s), peak RSS (KB), exit status, output."""

    def __init__(self, wall, rss_kb, rc, out, err, timed_out):
        self.wall, self.rss_kb, self.rc = wall, rss_kb, rc
        self.out, self.err, self.timed_out = out, err, timed_out


def measure(argv, env=None, timeout=600):
    """Runs argv and times it. The peak RSS comes from GNU time (the largest
    of the process and its descendants): a child forked straight from this
    Python process would carry Python's own RSS in its high-water mark
    across exec."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r") as rss:
        timed = os.path.exists(GNU_TIME)
        wrapped = [GNU_TIME, "-f", "%M", "-o", rss.name, *argv] if timed else argv
        started = time.monotonic()
        proc = subprocess.Popen(wrapped, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                env=env, start_new_session=True)
        try:
            proc.wait(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()
            timed_out = True
        wall = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        lines = rss.read().strip().splitlines()
        rss_kb = int(lines[-1]) if lines and lines[-1].isdigit() else 0
        return Run(wall, rss_kb, proc.returncode, out.read(), err.read(), timed_out)


def time_table(times, tools, ratios, label="server"):
    """Prints median wall times per row and tool, a total row, and the
    ratios (peer, ours) as peer/ours. `times` is {row: {tool: [seconds]}}."""
    import statistics
    med = {r: {t: statistics.median(w) for t, w in tt.items() if w} for r, tt in times.items()}
    total = {t: sum(m[t] for m in med.values() if t in m) for t in tools}
    width = max([len(label), 6] + [len(r) for r in med]) + 2
    cols = {t: max(15, len(t) + 2) for t in tools}
    head = f"  {label:<{width}}" + "".join(f"{t:>{cols[t]}}" for t in tools)
    head += "".join(f"{p + '/' + o:>{max(len(p + o) + 3, 12)}}" for p, o in ratios)
    print(head)

    def row(name, m):
        cells = "".join(f"{m[t]:>{cols[t]}.3f}" if t in m else f"{'-':>{cols[t]}}" for t in tools)
        for p, o in ratios:
            w = max(len(p + o) + 3, 12)
            if p in m and o in m and m[o] > 0:
                ratio = m[p] / m[o]
                cells += f"{ratio:>{w}.1f}" if ratio >= 1 else f"{ratio:>{w}.2f}"
            else:
                cells += f"{'-':>{w}}"
        print(f"  {name:<{width}}{cells}")

    for r in med:
        row(r, med[r])
    row("total", total)
