"""run.py: `make bench`, gprior side by side with bare LAPACK and the Python peers.

Runs every measurement of bench/README.md once on this machine, in this order,
one process at a time, then writes bench/results.md and bench/time_vs_n.png
(+ .gp, drawn by gprior itself through bench/plot.lua):

  1. dense    per n, alternating: bench/gprior_bench.lua dense N 1 (gprior) and
              build/bench_floor N 1 (compiled here from bench/floor.c), R times
  2. peers    bench/peers.py PEER N R BUDGET     (one Python process per peer and n)
  3. memory   peak RSS of one gprior draw at n = 4000, and of `gprior -e ''`
  4. start-up `gprior -e ''` and a chapter script with and without its figures
  5. grid     f:sample_grid rows, if this gprior has it

Run from anywhere: `make bench`, or `python3 bench/run.py` (it re-executes
itself with /usr/bin/python3 when the first python3 on the PATH has no numpy).
"""
import os
import sys


def ensure_numpy():
    """The Debian numpy/scipy/sklearn live in /usr/bin/python3; a pyenv python
    first on the PATH lacks them. Re-exec once, never loop."""
    try:
        import numpy  # noqa: F401
    except ImportError:
        system = "/usr/bin/python3"
        if os.environ.get("GPRIOR_BENCH_REEXEC") or not os.path.exists(system):
            sys.exit("bench: numpy is missing (run scripts/install-deps.sh python3-numpy "
                     "python3-scipy python3-sklearn)")
        os.environ["GPRIOR_BENCH_REEXEC"] = "1"
        os.execv(system, [system] + sys.argv)


ensure_numpy()

import datetime  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

# ---- settings -----------------------------------------------------------------
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GPRIOR = "./gprior"
FLOOR = "build/bench_floor"
SIZES = [500, 1000, 2000, 4000]
REPEATS = {500: 5, 1000: 5, 2000: 5, 4000: 5}
PEER_BUDGET = 10.0          # seconds of runs per (peer, n) before stopping early
# A peer whose single run at the next n is predicted (O(n^3) from its median at
# the previous n) to take longer than this is not run there: its time is shown
# as an estimate, marked as such. This keeps `make bench` near 5 minutes; the
# O(n^3) SVD samplers would add ~4 minutes at n = 4000. GPRIOR_BENCH_FULL=1
# runs everything.
PEER_RUN_CAP = 60.0
FULL = bool(os.environ.get("GPRIOR_BENCH_FULL"))
PEERS = [("d2l", "(a) d2l helper: distance_matrix + np.random.multivariate_normal"),
         ("numpy", "(b) numpy expert: broadcast K, cholesky(K + jitter I), L @ Z"),
         ("scipy", "(c) scipy.stats.multivariate_normal.rvs"),
         ("sklearn", "(d) sklearn GaussianProcessRegressor(RBF(1.0)).sample_y")]
MEM_N = 4000
MEM_SLACK_MB = 30.0         # target: one n x n matrix of doubles + 30 MB
STARTUP_RUNS = 50
STARTUP_TARGET_MS = 10.0
CHAPTER = "lua/chapter/04_rbf_prior.lua"
CHAPTER_RUNS = 3
GRID_SIZES = [2 ** 10, 2 ** 14, 2 ** 17, 2 ** 20]
GRID_REPEATS = 3
GRID_MAX_DENSE = 4000
GRID_MAX_RFF = 2 ** 14      # sample_rff costs n x features x samples cosines
GRID_TIMEOUT = 240.0

OUT_DIR = "bench"             # results.md, time_vs_n.png and .gp go here

# GPRIOR_BENCH_QUICK=1: a smoke test of the driver in ~10 s (small n, few
# runs), written to build/bench-quick/ so that it never replaces the results.
QUICK = bool(os.environ.get("GPRIOR_BENCH_QUICK"))
if QUICK:
    OUT_DIR = "build/bench-quick"
    SIZES, REPEATS = [250, 500], {250: 2, 500: 2}
    MEM_N, STARTUP_RUNS, CHAPTER_RUNS = 500, 5, 1
    GRID_SIZES, GRID_REPEATS = [2 ** 10, 2 ** 12], 1


def log(msg):
    sys.stderr.write("bench: %s\n" % msg)
    sys.stderr.flush()


# ---- running things ---------------------------------------------------------------
def run(cmd, env=None, timeout=None):
    """stdout of cmd; its stderr is shown only if it fails."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       env=env, timeout=timeout)
    if p.returncode != 0:
        sys.stderr.write(p.stderr)
        raise SystemExit("bench: %s failed (exit %d)" % (" ".join(cmd), p.returncode))
    return p.stdout


def rows(text):
    return [line.split("\t") for line in text.splitlines() if line.strip()]


def wall(cmd):
    """Wall seconds of one fork/exec/wait of cmd, output discarded."""
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t0


def gprior_bench(*args, timeout=None):
    return rows(run([GPRIOR, "run", "bench/gprior_bench.lua", "--"] + [str(a) for a in args],
                    timeout=timeout))


# ---- the measurements -------------------------------------------------------------
class Times:
    """Timings by (what, n), and the method/rank gprior reported for them."""

    def __init__(self):
        self.t, self.info, self.est = {}, {}, {}

    def add(self, what, n, seconds, info=None):
        self.t.setdefault((what, n), []).append(seconds)
        if info:
            self.info[(what, n)] = info

    def median(self, what, n):
        v = self.t.get((what, n))
        return statistics.median(v) if v else None

    def runs(self, what, n):
        return len(self.t.get((what, n), []))

    def value(self, what, n):
        """(seconds, estimated?): the median, or else the estimate."""
        m = self.median(what, n)
        if m is not None:
            return m, False
        return self.est.get((what, n)), (what, n) in self.est


def bench_gprior(times, n, reps):
    for r in gprior_bench("dense", n, reps):
        times.add("g_" + r[0], int(r[1]), float(r[2]), tuple(r[3:5]) or None)


def build_floor():
    cflags = run(["pkg-config", "--cflags", "--libs", "openblas", "lapacke"]).split()
    os.makedirs("build", exist_ok=True)
    run(["cc", "-O2", "-o", FLOOR, "bench/floor.c"] + cflags + ["-lm"])


def bench_floor(times, n, reps, prefix="f_", env=None):
    """dpotrf and the K loop at n; returns the OpenBLAS config line."""
    config = None
    for r in rows(run([FLOOR, str(n), str(reps)], env=env)):
        if r[0] == "config":
            config = r[1:]
        else:
            times.add(prefix + r[0], int(r[1]), float(r[2]))
    return config


def bench_dense(times):
    """gprior and the floor alternate, one run per process, so that the slow
    phases of a shared machine hit both alike: their ratio is what this
    benchmark is about. Returns the floor's OpenBLAS config and a better core
    type for the CPU, if OpenBLAS fell back to a generic one."""
    config = tuned = None
    for n in SIZES:
        log("gprior and floor, n = %d" % n)
        for _ in range(REPEATS[n]):
            bench_gprior(times, n, 1)
            config = bench_floor(times, n, 1)
            tuned = better_coretype(config)
            if tuned:  # information only: what this CPU could do
                bench_floor(times, n, 1, "t_", dict(os.environ, OPENBLAS_CORETYPE=tuned))
    return config, tuned


def better_coretype(config):
    """An OpenBLAS core type this CPU supports, when OpenBLAS fell back to an
    old generic one (it does not know every new CPU model), else None."""
    if config is None or config[1] not in ("Prescott", "Core2", "Nehalem", "Sandybridge"):
        return None
    flags = cpuinfo("flags").split()
    if "avx512f" in flags:
        return "SkylakeX"
    return "Haswell" if "avx2" in flags else None


def bench_peers(times, notes):
    for peer, _ in PEERS:
        key, prev = "p_" + peer, None
        for n in SIZES:
            if prev and not FULL:
                guess = times.median(key, prev) * (n / prev) ** 3
                if guess > PEER_RUN_CAP:
                    log("peer %s n = %d skipped: one run would take ~%.0f s" % (peer, n, guess))
                    times.est[(key, n)] = guess
                    continue
            log("peer %s n = %d" % (peer, n))
            out = run([sys.executable, "bench/peers.py", peer, str(n), str(REPEATS[n]),
                       str(PEER_BUDGET)])
            for r in rows(out):
                if r[0] == "time":
                    times.add(key, n, float(r[3]))
                else:
                    notes.setdefault((peer, r[3]), []).append(n)
            prev = n


# The peak RSS is read inside the measured process (VmHWM of
# /proc/self/status): the rusage a parent gets for a child (wait4,
# RUSAGE_CHILDREN) starts from the spawning Python's own resident pages on
# Linux (about 30 MB here), which would swamp the baseline.
BASELINE_RSS = 'print(io.open("/proc/self/status"):read("a"):match("VmHWM:%s*(%d+)"))'


def bench_memory():
    log("memory")
    once = {r[0]: r for r in gprior_bench("once", MEM_N)}
    base = int(run([GPRIOR, "-e", BASELINE_RSS]).strip())
    floor = [r for r in rows(run([FLOOR, str(MEM_N), "1", "rss"])) if r[0] == "rss"]
    return {"sample": int(once["rss"][2]), "baseline": base, "floor": int(floor[0][2]),
            "info": tuple(once["once"][3:5])}


def bench_startup():
    log("start-up")
    gp = [wall([GPRIOR, "-e", ""]) for _ in range(STARTUP_RUNS)]
    true = [wall(["/bin/true"]) for _ in range(STARTUP_RUNS)]
    return {"gprior": statistics.median(gp), "true": statistics.median(true)}


# Prepended to a copy of the chapter script: fig:save does nothing, so the
# difference of the two timings is what saving the figures costs (writing the
# .gp and running gnuplot). Same effect as deleting the :save calls.
NO_SAVE = ('getmetatable(require("gprior").figure{}).__index.save = '
           'function(fig) return fig end -- bench: figures off\n')


def bench_chapter():
    log("chapter script")
    with tempfile.TemporaryDirectory() as tmp:
        stub = os.path.join(tmp, os.path.basename(CHAPTER))
        with open(CHAPTER) as src, open(stub, "w") as dst:
            dst.write(NO_SAVE + src.read())
        out = os.path.join(tmp, "plots")
        full, bare = [], []
        for _ in range(CHAPTER_RUNS):  # interleaved, as in the dense runs
            full.append(wall([GPRIOR, "run", CHAPTER, "--out", out]))
            bare.append(wall([GPRIOR, "run", stub, "--out", out]))
        figures = sorted(f for f in os.listdir(out) if f.endswith(".png"))
    return {"full": statistics.median(full), "bare": statistics.median(bare),
            "figures": figures}


def bench_grid():
    """{(kind, kernel, n): {"t": [...], "summary": str} or {"error": str}},
    or None if this gprior has no sample_grid, or "timeout"."""
    log("grid sampler")
    try:
        out = gprior_bench("grid", GRID_REPEATS, GRID_MAX_DENSE, GRID_MAX_RFF, *GRID_SIZES,
                           timeout=GRID_TIMEOUT)
    except subprocess.TimeoutExpired:
        return "timeout"
    if out and out[0][0] == "grid_unavailable":
        return None
    grid = {}
    for r in out:
        kind, kern = r[0].split("_", 1)  # grid / griddense / gridrff, kernel[_error]
        if kern.endswith("_error"):
            grid[(kind, kern[:-len("_error")], int(r[1]))] = {"error": r[2]}
        else:
            cell = grid.setdefault((kind, kern, int(r[1])), {"t": []})
            cell["t"].append(float(r[2]))
            cell["summary"] = r[5] if len(r) > 5 else r[3]
    return grid


# ---- machine ------------------------------------------------------------------------
def cpuinfo(key):
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.split(":")[0].strip() == key:
                return line.split(":", 1)[1].strip()
    return "unknown"


def machine(floor_config):
    versions = {}
    for r in rows(run([sys.executable, "bench/peers.py", "versions"])):
        versions.setdefault(r[1], r[2])  # the first BLAS listed is numpy's
    first = lambda cmd: run(cmd).splitlines()[0].strip()  # noqa: E731
    return {
        "CPU": "%s (family %s, model %s)" % (cpuinfo("model name"), cpuinfo("cpu family"),
                                             cpuinfo("model")),
        "cores": str(os.cpu_count()),
        "OS": "%s %s" % (platform.system(), platform.release()),
        "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "gprior": first([GPRIOR, "--version"]),
        "gnuplot": first(["gnuplot", "--version"]),
        "OpenBLAS (gprior, floor)": "%s; core %s, %s threads" % tuple(floor_config),
        "Python": "%s (%s)" % (platform.python_version(), sys.executable),
        "numpy": versions.get("numpy", "?"),
        "scipy": versions.get("scipy", "?"),
        "scikit-learn": versions.get("scikit-learn", "?"),
        "numpy's BLAS": versions.get("numpy BLAS", "?"),
    }


# ---- the report ---------------------------------------------------------------------
def fmt(seconds):
    if seconds is None:
        return "n/a"
    if seconds < 1e-3:
        return "%.0f us" % (seconds * 1e6)
    if seconds < 1.0:
        return "%.3g ms" % (seconds * 1e3)
    return "%.3g s" % seconds


def ratio(a, b, approx=False):
    if a is None or b is None or b == 0:
        return "n/a"
    r = a / b
    text = "%.0f" % r if r >= 100 else "%.3g" % r
    return "~%s (est.)" % text if approx else text


def cell(times, key, n):
    t, est = times.value(key, n)
    return "~%s (est.)" % fmt(t) if est else fmt(t)


def peer_ratio(times, key, n, base):
    t, est = times.value(key, n)
    return ratio(t, times.median(base, n), est)


def table(header, body):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in body]
    return "\n".join(lines)


# (key in Times, label) of the main table, in order.
def main_rows(tuned):
    out = [("f_gram", "floor: K's lower triangle by a C loop"),
           ("f_potrf", "floor: LAPACKE_dpotrf alone (K + 1e-8 mean diag)"),
           ("g_gram", "gprior `k:gram(x)`"),
           ("g_sample", "gprior `f:sample(x, {n = 5})` (default path)"),
           ("g_sample_jitter", "gprior `f:sample(x, {n = 5, jitter = 1e-8})` (Cholesky)"),
           ("g_mvn", "gprior `gp.mvn_sample(0, K, {n = 5})` on a ready K (copy + factor + draw)")]
    out += [("p_" + p, label) for p, label in PEERS]
    if tuned:
        out.append(("t_potrf", "info: dpotrf with OPENBLAS_CORETYPE=%s" % tuned))
    return out


def section_times(times, tuned):
    header = ["method"] + ["n = %d" % n for n in SIZES] + ["runs"]
    body = []
    for key, label in main_rows(tuned):
        cells = [cell(times, key, n) for n in SIZES]
        runs = "/".join(str(times.runs(key, n)) if (key, n) not in times.est else "est."
                        for n in SIZES)
        body.append([label] + cells + [runs])
    return table(header, body)


def section_ratios(times):
    m = times.median
    body = [["gprior sample with jitter (Cholesky) / floor dpotrf"]
            + [ratio(m("g_sample_jitter", n), m("f_potrf", n)) for n in SIZES],
            ["gprior sample, default (pivoted) / floor dpotrf"]
            + [ratio(m("g_sample", n), m("f_potrf", n)) for n in SIZES],
            ["gprior k:gram / floor C loop"]
            + [ratio(m("g_gram", n), m("f_gram", n)) for n in SIZES]]
    for p, label in PEERS:
        body.append([label.split(":")[0] + " / gprior default"]
                    + [peer_ratio(times, "p_" + p, n, "g_sample") for n in SIZES])
    for p, label in PEERS:
        body.append([label.split(":")[0] + " / gprior with jitter"]
                    + [peer_ratio(times, "p_" + p, n, "g_sample_jitter") for n in SIZES])
    return table(["ratio of median times"] + ["n = %d" % n for n in SIZES], body)


def verdict(ok):
    return "**PASS**" if ok else "**MISS**"


def section_memory(mem):
    mb = lambda kib: kib * 1024 / 1e6  # noqa: E731
    matrix = 8.0 * MEM_N * MEM_N / 1e6
    target = matrix + MEM_SLACK_MB
    peak = mb(mem["sample"])
    return "\n".join([
        "Peak resident set (VmHWM, read by the process itself at its end) of "
        "`gprior run bench/gprior_bench.lua -- once %d`: one `f:sample(x, {n = 5})` at "
        "n = %d (%s, rank %s)." % ((MEM_N, MEM_N) + mem["info"]), "",
        table(["", "MB (10^6 bytes)"], [
            ["gprior end-to-end sampling, n = %d" % MEM_N, "%.1f" % peak],
            ["baseline: `gprior -e ''`", "%.1f" % mb(mem["baseline"])],
            ["floor: the C program building K and running dpotrf, n = %d (it touches "
             "only K's lower triangle)" % MEM_N,
             "%.1f" % mb(mem["floor"])],
            ["one n x n matrix of doubles", "%.1f" % matrix],
            ["target: that matrix + %.0f MB" % MEM_SLACK_MB, "%.1f" % target],
            ["gprior above one matrix", "%.1f" % (peak - matrix)]]),
        "", "Memory: %s (%.1f MB against a target of %.1f MB)." % (
            verdict(peak <= target), peak, target)])


def section_startup(st, ch):
    ms = st["gprior"] * 1e3
    return "\n".join([
        table(["", "median wall time"], [
            ["`./gprior -e ''` (%d runs, fork/exec/wait from Python)" % STARTUP_RUNS,
             fmt(st["gprior"])],
            ["`/bin/true` the same way (the cost of spawning from Python)", fmt(st["true"])],
            ["`gprior run %s` (%d runs)" % (CHAPTER, CHAPTER_RUNS), fmt(ch["full"])],
            ["the same script with `fig:save` made a no-op", fmt(ch["bare"])],
            ["saving its %d figures (.gp + gnuplot), the difference" % len(ch["figures"]),
             "%s (%.0f%%)" % (fmt(ch["full"] - ch["bare"]),
                              100.0 * (ch["full"] - ch["bare"]) / ch["full"])]]),
        "", "Start-up: %s (%.2f ms against a target of %.0f ms, spawn cost included)." % (
            verdict(ms < STARTUP_TARGET_MS), ms, STARTUP_TARGET_MS)])


def grid_cell(grid, kind, kern, n, limit):
    c = grid.get((kind, kern, n))
    if c is None:
        return "not run (n > %d)" % limit if n > limit else "not available"
    if "error" in c:
        return "error: " + c["error"][:100]
    summary = "approximate" if kind == "gridrff" else c["summary"]
    return "%s: %s" % (fmt(statistics.median(c["t"])), summary)


def section_grid(grid):
    if grid is None:
        return ("not available: this gprior has no `f:sample_grid` (detected with "
                "`getmetatable(f).__index.sample_grid`). The rows appear here by themselves "
                "once it exists.")
    if grid == "timeout":
        return "not measured: the grid benchmark took longer than %.0f s." % GRID_TIMEOUT
    body = [[kern, str(n), grid_cell(grid, "grid", kern, n, 0),
             grid_cell(grid, "griddense", kern, n, GRID_MAX_DENSE),
             grid_cell(grid, "gridrff", kern, n, GRID_MAX_RFF)]
            for kern in ("ou", "matern32", "rbf") for n in GRID_SIZES]
    return "\n".join([
        "5 samples on n points of [0, 1000], length-scale 1 (OU is the chapter's "
        "exp(-r / (2 l))). `f:sample_grid(0, 1000, n, {n = 5})` (exact, circulant "
        "embedding; median of %d runs); dense `f:sample(x, {n = 5})` on the same points "
        "where n <= %d (median of %d); `f:sample_rff(x, {features = 2000, n = 5})` "
        "(approximate; one run) where n <= %d. Each cell: time: the method gprior reports."
        % (GRID_REPEATS, GRID_MAX_DENSE, GRID_REPEATS, GRID_MAX_RFF), "",
        table(["kernel", "n", "sample_grid", "dense sample", "sample_rff"], body)])


def subnormal_note(grid):
    """Dense OU / Matern against dense RBF at the same n on [0, 1000]."""
    if not isinstance(grid, dict):
        return None
    n = GRID_SIZES[0]
    t = {k: grid.get(("griddense", k, n), {}).get("t") for k in ("ou", "matern32", "rbf")}
    if not all(t.values()):
        return None
    r = {k: statistics.median(v) / statistics.median(t["rbf"]) for k, v in t.items()}
    return ("- Grid table: dense OU and Matern 3/2 at n = %d take %.1fx and %.1fx the time "
            "of dense RBF (same n, same Cholesky path). Their K has tiny but normal "
            "entries far from the diagonal whose products in dpotrf are subnormal numbers, "
            "slow on x86; RBF's underflow to exact zeros. (Checked outside the bench: the "
            "same dpotrf at n = 1024 with FTZ/DAZ set is ~3x faster on OU and ~5x on "
            "Matern 3/2, unchanged on RBF.)"
            % (n, r["ou"], r["matern32"]))


def section_notes(times, peer_notes, tuned, grid):
    lines = []
    paths = ["n = %d: %s rank %s" % (n, *times.info.get(("g_sample", n), ("?", "?")))
             for n in SIZES]
    lines.append("- gprior's default path on this K: " + "; ".join(paths) +
                 ". Plain Cholesky fails on RBF over a fine grid (numerically singular), "
                 "so it falls back to pivoted Cholesky (`dpstrf`), exact at the numerical "
                 "rank, O(n^2 r) instead of O(n^3): it is *faster* than the floor's dpotrf "
                 "at large n, and not the same computation.")
    jit = ["n = %d: %s rank %s" % (n, *times.info.get(("g_sample_jitter", n), ("?", "?")))
           for n in SIZES]
    lines.append("- With `jitter = 1e-8` (1e-8 * mean diag on the diagonal) gprior takes the "
                 "plain Cholesky path: " + "; ".join(jit) + ". That row is the "
                 "apples-to-apples comparison with the floor (same K, same jitter, same "
                 "dpotrf).")
    lines.append("- Jitter 1e-8 * mean diag was used by: the floor, gprior's jitter row and "
                 "(b) numpy expert. No jitter: gprior's default row (pivoted), (a), (c), (d) "
                 "(their samplers factor K by SVD or eigh, which accept a singular K).")
    for (peer, text), ns in sorted(peer_notes.items()):
        lines.append("- (%s) %s [n = %s]" % (peer, text, ", ".join(map(str, ns))))
    lines.append("- The book's helper computes exp(-(1/l/2) d^2), dividing by l, not l^2; "
                 "with l = 1 it is the same K as everyone else's.")
    short = ["%s at n = %d (%d of %d)" % (key[2:], n, times.runs(key, n), REPEATS[n])
             for key, _ in main_rows(tuned) for n in SIZES
             if 0 < times.runs(key, n) < REPEATS[n]]
    lines.append("- Runs per n: %s for n = %s. A peer stops early once its runs at one n "
                 "took %.0f s, to keep `make bench` near 5 minutes; fewer runs here: %s." % (
                     "/".join(str(REPEATS[n]) for n in SIZES), "/".join(map(str, SIZES)),
                     PEER_BUDGET, ", ".join(short) if short else "none"))
    est = ["%s at n = %d (~%.0f s)" % (key[2:], n, t) for (key, n), t in sorted(times.est.items())]
    if est:
        lines.append("- Not run, estimated (median at the previous n times (n / n_prev)^3, "
                     "their O(n^3) SVD/eigh cost), because one run would exceed %.0f s: %s. "
                     "`GPRIOR_BENCH_FULL=1 make bench` runs them (about %.0f s more)."
                     % (PEER_RUN_CAP, ", ".join(est), sum(times.est.values())))
    if tuned:
        lines.append("- OpenBLAS did not recognise this CPU and runs its generic '%s' "
                     "kernels for everyone (gprior, floor, numpy). The info row forces "
                     "OPENBLAS_CORETYPE=%s for the floor only: what this machine could do. "
                     "Every ratio above uses the default, the same library for all." % (
                         "Prescott", tuned))
    if subnormal_note(grid):
        lines.append(subnormal_note(grid))
    lines.append("- All timings are wall clock on a shared 2-core machine: expect "
                 "10-30% run-to-run noise; the ratios come from one run.")
    return "\n".join(lines)


def write_results(info, times, tuned, peer_notes, mem, st, ch, grid, elapsed):
    m = times.median
    n = SIZES[-1]
    head = [
        "# gprior benchmark", "",
        *(["**QUICK smoke test (GPRIOR_BENCH_QUICK), not the benchmark: run `make bench`.**",
           ""] if QUICK else []),
        "Generated by `make bench` (bench/run.py); the whole run took %.1f min. "
        "How to run it and what each row means: [README.md](README.md)." % (elapsed / 60), "",
        "5 samples from the zero-mean RBF prior (amplitude 1, length-scale 1) on n evenly "
        "spaced points of [0, 5]; median wall time of several runs, one process at a "
        "time.", "",
        "## Headline (n = %d)" % n, "",
        "- gprior with jitter / floor dpotrf: **%s**; gprior default (pivoted) / floor: "
        "**%s**" % (ratio(m("g_sample_jitter", n), m("f_potrf", n)),
                    ratio(m("g_sample", n), m("f_potrf", n))),
        "- peers / gprior default: " + ", ".join(
            "%s **%s**" % (p, peer_ratio(times, "p_" + p, n, "g_sample")) for p, _ in PEERS),
        "- peers / gprior with jitter: " + ", ".join(
            "%s **%s**" % (p, peer_ratio(times, "p_" + p, n, "g_sample_jitter"))
            for p, _ in PEERS),
        "", "## Machine", ""]
    head += ["- %s: %s" % kv for kv in info.items()]
    body = [
        "", "## Dense RBF prior: median wall time", "", section_times(times, tuned), "",
        "![time vs n](time_vs_n.png)", "",
        "## Ratios (same run)", "", section_ratios(times), "",
        "## Memory", "", section_memory(mem), "",
        "## Start-up", "", section_startup(st, ch), "",
        "## Grid sampler", "", section_grid(grid), "",
        "## Notes", "", section_notes(times, peer_notes, tuned, grid), ""]
    with open(os.path.join(OUT_DIR, "results.md"), "w") as f:
        f.write("\n".join(head + body))


def draw_plot(times):
    series = [("floor: dpotrf", "f_potrf", "C7"),
              ("gprior sample (default, pivoted)", "g_sample", "C0"),
              ("gprior sample, jitter 1e-8", "g_sample_jitter", "C1"),
              ("gprior k:gram", "g_gram", "C9"),
              ("(a) d2l helper", "p_d2l", "C2"),
              ("(b) numpy expert", "p_numpy", "C3"),
              ("(c) scipy.stats", "p_scipy", "C4"),
              ("(d) sklearn", "p_sklearn", "C5")]
    args = []
    for label, key, color in series:
        pts = [(n, times.median(key, n)) for n in SIZES if times.median(key, n)]
        if any(k == key for k, _ in times.est):
            label += " (estimates not drawn)"
        if pts:
            args.append("%s|%s|%s|%s" % (label, color, ",".join(str(n) for n, _ in pts),
                                         ",".join("%.9g" % t for _, t in pts)))
    run([GPRIOR, "run", "bench/plot.lua", "--", "./%s/time_vs_n.png" % OUT_DIR] + args)


def main():
    os.chdir(ROOT)
    if not os.access(GPRIOR, os.X_OK) or not shutil.which("gnuplot"):
        sys.exit("bench: build gprior first (make build) and install gnuplot")
    start = time.perf_counter()
    times, peer_notes = Times(), {}
    os.makedirs(OUT_DIR, exist_ok=True)
    build_floor()
    config, tuned = bench_dense(times)
    bench_peers(times, peer_notes)
    mem = bench_memory()
    st = bench_startup()
    ch = bench_chapter()
    grid = bench_grid()
    info = machine(config)
    draw_plot(times)
    write_results(info, times, tuned, peer_notes, mem, st, ch, grid,
                  time.perf_counter() - start)
    log("wrote %s/results.md and %s/time_vs_n.png in %.0f s"
        % (OUT_DIR, OUT_DIR, time.perf_counter() - start))


if __name__ == "__main__":
    main()
