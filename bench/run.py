"""run.py: `make bench`, gprior against this machine's limits and the Python peers.

Runs every measurement of bench/README.md once on this machine, in this order,
one process at a time, then writes bench/results.md (report.py) and
bench/time_vs_n.png (+ .gp, drawn by gprior itself through bench/plot.lua):

  1. roof     build/bench_floor gemm under each OpenBLAS core type the CPU supports
  2. dense    per n, alternating: bench/gprior_bench.lua dense N 1 (gprior: OU and
              RBF) and build/bench_floor potrf (OU, under each core type), R times
  3. peers    bench/peers.py PEER N R BUDGET     (one Python process per peer and n)
  4. lowrank  gprior's low-rank path at large n, if this gprior has it
  5. posterior  f:condition against scikit-learn, if this gprior has it
  6. memory   peak RSS of one dense gprior draw at n = 4000, and of `gprior -e ''`
  7. start-up `gprior -e ''` and a chapter script with and without its figures
  8. grid     f:sample_grid rows (1-D), and a 2-D grid if this gprior draws one

Settings (sizes, repeats, targets, the QUICK smoke test) are in settings.py.
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
import re  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import report  # noqa: E402
from settings import (CHAPTER, CHAPTER_RUNS, FLOOR, FULL, GEMM_N, GEMM_REPEATS, GPRIOR, GRID2D_N,
                      GRID2D_TIMEOUT, GRID_MAX_DENSE, GRID_MAX_RFF, GRID_REPEATS, GRID_SIZES,
                      GRID_TIMEOUT, LOWRANK_CASES, LOWRANK_REPEATS, LOWRANK_TIMEOUT, MEM_N,
                      OUT_DIR, PEERS, PEER_BUDGET, PEER_RUN_CAP, POST_OBS, POST_REPEATS,
                      POST_TEST, POST_TIMEOUT, REPEATS, SIZES, STARTUP_RUNS, WIDE)  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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


def core_env(core):
    """The environment under which OpenBLAS runs `core`'s kernels; None: its own choice."""
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    if core:
        env["OPENBLAS_CORETYPE"] = core
    return env


class Times:
    """Timings by (what, n), and the info gprior reported for them:
    (method, rank, summary)."""

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


# ---- the machine's kernels ----------------------------------------------------------
def cpuinfo(key):
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.split(":")[0].strip() == key:
                return line.split(":", 1)[1].strip()
    return "unknown"


# OpenBLAS x86-64 core types by the /proc/cpuinfo flags their kernels need
# (SSE3 is "pni" there), oldest first; families of src/gp_blas.c. Not
# SapphireRapids: OpenBLAS 0.3.21 does not know it (it runs Cooperlake), and
# what it adds later is AMX for bfloat16, not double precision.
AVX512 = {"avx512f", "avx512dq", "avx512bw", "avx512vl"}
CORE_FLAGS = [("Prescott", {"pni"}),
              ("Sandybridge", {"avx"}),
              ("Haswell", {"avx2", "fma"}),
              ("SkylakeX", AVX512),
              ("Cooperlake", AVX512 | {"avx512_bf16"})]


def core_types():
    """The core types this CPU runs: Prescott (the generic kernels Debian's
    OpenBLAS falls back to), Haswell (AVX2), SkylakeX (AVX-512), Cooperlake
    (AVX-512 with bfloat16); Sandybridge (AVX) only when it is the best.
    [None] (OpenBLAS's own choice) off x86."""
    flags = set(cpuinfo("flags").split())
    cores = [name for name, need in CORE_FLAGS if need <= flags]
    if "Haswell" in cores:
        cores.remove("Sandybridge")
    return cores or [None]


def build_floor():
    cflags = run(["pkg-config", "--cflags", "--libs", "openblas", "lapacke"]).split()
    os.makedirs("build", exist_ok=True)
    run(["cc", "-O2", "-o", FLOOR, "bench/floor.c"] + cflags + ["-lm"])


def floor(times, args, key, core):
    """Runs the floor program under `core`'s kernels, adds its timings as
    key + what ("potrf"/"gram"/"gemm"); returns the core OpenBLAS really ran."""
    ran = None
    for r in rows(run([FLOOR] + [str(a) for a in args], env=core_env(core))):
        if r[0] == "config":
            ran = r[2]
        elif r[0] != "rss":
            times.add(key + r[0], int(r[1]), float(r[2]))
    return ran


def bench_roof(times, cores):
    """dgemm under each core type; returns {core: the core OpenBLAS ran} and
    OpenBLAS's own choice on this CPU."""
    ran = {}
    for core in cores:
        log("roof: dgemm n = %d, core %s" % (GEMM_N, core))
        ran[core] = floor(times, ["gemm", GEMM_N, GEMM_REPEATS], "roof:%s:" % core, core)
    default = rows(run([FLOOR, "gemm", "64", "1"], env=core_env(None)))[0][2]
    return ran, default


def roof_best(times, cores):
    """The core type with the fastest dgemm."""
    return min(cores, key=lambda c: times.median("roof:%s:gemm" % c, GEMM_N) or float("inf"))


def bench_dense(times, cores, wide_core):
    """gprior and the floor alternate, one run per process, so that the slow
    phases of a shared machine hit both alike: their ratio is what this
    benchmark is about. The floor runs on OU [0, 5] under every core type, and
    on OU [0, WIDE] under wide_core (the roof's best)."""
    for n in SIZES:
        log("gprior and the floor under %s, n = %d" % (", ".join(map(str, cores)), n))
        for _ in range(REPEATS[n]):
            for r in gprior_bench("dense", n, 1):
                times.add("g_" + r[0], int(r[1]), float(r[2]), tuple(r[3:6]) or None)
            for core in cores:
                floor(times, ["potrf", 5, n, 1], "floor:%s:" % core, core)
            floor(times, ["potrf", "%g" % WIDE, n, 1], "wide:", wide_core)


def floor_best(times, cores):
    """THE floor: the core type whose dpotrf is fastest at the largest n."""
    n = SIZES[-1]
    return min(cores, key=lambda c: times.median("floor:%s:potrf" % c, n) or float("inf"))


def bench_peer(times, notes, peer, key, env, always_last=False):
    """One process per n; a run predicted to exceed PEER_RUN_CAP is estimated
    instead, except at the largest n when always_last (a target needs it)."""
    prev = None
    for n in SIZES:
        if prev and not FULL and not (always_last and n == SIZES[-1]):
            guess = times.median(key, prev) * (n / prev) ** 3
            if guess > PEER_RUN_CAP:
                log("peer %s n = %d skipped: one run would take ~%.0f s" % (key, n, guess))
                times.est[(key, n)] = guess
                continue
        log("peer %s n = %d" % (key, n))
        out = run([sys.executable, "bench/peers.py", peer, str(n), str(REPEATS[n]),
                   str(PEER_BUDGET)], env=env)
        for r in rows(out):
            if r[0] == "time":
                times.add(key, n, float(r[3]))
            else:
                notes.setdefault((key, r[3]), []).append(n)
        prev = n


def bench_peers(times, notes, good_core):
    """The smooth problem's peers and the numpy expert on OU, all under the
    good kernels (a stand-in for a current pip numpy, whose OpenBLAS knows this
    CPU); the numpy expert on OU also under OpenBLAS's own choice (Debian's)."""
    good = core_env(good_core)
    for peer, _ in PEERS:  # the d2l helper at n = 4000 is a target's numerator: always run
        bench_peer(times, notes, peer, "p_" + peer, good, always_last=peer == "d2l")
    bench_peer(times, notes, "numpy_ou", "p_numpy_ou", good)
    bench_peer(times, notes, "numpy_ou", "p_numpy_ou_debian", core_env(None))


def bench_lowrank():
    """{(d, n): {"t", "info", "rss"} or {"error"}}, or the reason it is unavailable."""
    out = {}
    for d, n in LOWRANK_CASES:
        log("low-rank path, %d-D, n = %d" % (d, n))
        try:
            res = gprior_bench("lowrank", LOWRANK_REPEATS, d, n, timeout=LOWRANK_TIMEOUT)
        except subprocess.TimeoutExpired:
            out[(d, n)] = {"error": "took longer than %.0f s" % LOWRANK_TIMEOUT}
            continue
        except SystemExit as e:  # a failed draw: report it, keep benchmarking
            out[(d, n)] = {"error": str(e)}
            continue
        if res and res[0][0] == "lowrank_unavailable":
            return res[0][1]
        case = out.setdefault((d, n), {"t": []})
        for r in res:
            if r[0] == "rss":
                case["rss"] = int(r[2])
            else:
                case["t"].append(float(r[2]))
                case["info"] = tuple(r[3:6])
    return out


def bench_posterior(good_core):
    """{"gprior": [...], "sklearn": [...], "agreement": str} or the reason it is unavailable."""
    log("posterior, %d observations, %d test points" % (POST_OBS, POST_TEST))
    with tempfile.TemporaryDirectory() as tmp:
        prefix = os.path.join(tmp, "post")
        try:
            res = gprior_bench("posterior", POST_OBS, POST_TEST, POST_REPEATS, prefix,
                               timeout=POST_TIMEOUT)
        except (subprocess.TimeoutExpired, SystemExit) as e:
            return "gprior's posterior failed: %s" % e
        if res and res[0][0] == "posterior_unavailable":
            return res[0][1]
        peer = rows(run([sys.executable, "bench/peers.py", "posterior", str(POST_OBS),
                         str(POST_REPEATS), str(PEER_BUDGET), prefix], env=core_env(good_core)))
    agreement = [r[3] for r in peer if r[0] == "note"]
    return {"gprior": [float(r[2]) for r in res],
            "sklearn": [float(r[3]) for r in peer if r[0] == "time"],
            "agreement": agreement[0] if agreement else "not checked"}


# The peak RSS is read inside the measured process (VmHWM of
# /proc/self/status): the rusage a parent gets for a child (wait4,
# RUSAGE_CHILDREN) starts from the spawning Python's own resident pages on
# Linux (about 30 MB here), which would swamp the baseline.
BASELINE_RSS = 'print(io.open("/proc/self/status"):read("a"):match("VmHWM:%s*(%d+)"))'


def bench_memory(core):
    log("memory")
    once = {r[0]: r for r in gprior_bench("once", MEM_N)}
    base = int(run([GPRIOR, "-e", BASELINE_RSS]).strip())
    fl = [r for r in rows(run([FLOOR, "potrf", "5", str(MEM_N), "1", "rss"], env=core_env(core)))
          if r[0] == "rss"]
    return {"sample": int(once["rss"][2]), "baseline": base, "floor": int(fl[0][2]),
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


def grid_cells(out):
    """{(kind, kernel, n): {"t": [...], "summary": str} or {"error": str}}
    from the lines of gprior_bench.lua's grid and grid2d modes."""
    grid = {}
    for r in out:
        kind, _, kern = r[0].partition("_")  # grid / griddense / gridrff / grid2d, kernel[_error]
        if kern.endswith("error"):
            grid[(kind, kern[:-len("error")].rstrip("_"), int(r[1]))] = {"error": r[2]}
        else:
            cell = grid.setdefault((kind, kern, int(r[1])), {"t": []})
            cell["t"].append(float(r[2]))
            cell["summary"] = r[5] if len(r) > 5 else r[3]
    return grid


def bench_grid():
    """The 1-D grid cells, or None if this gprior has no sample_grid, or "timeout"."""
    log("grid sampler")
    try:
        out = gprior_bench("grid", GRID_REPEATS, GRID_MAX_DENSE, GRID_MAX_RFF, *GRID_SIZES,
                           timeout=GRID_TIMEOUT)
    except subprocess.TimeoutExpired:
        return "timeout"
    if out and out[0][0] == "grid_unavailable":
        return None
    return grid_cells(out)


def bench_grid2d():
    """{"form": how it was called, "cell": {"t", "summary"} or {"error"}}, or
    the reason there is no 2-D grid draw."""
    log("2-D grid, %d x %d" % (GRID2D_N, GRID2D_N))
    try:
        out = gprior_bench("grid2d", GRID_REPEATS, GRID2D_N, timeout=GRID2D_TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"form": "?", "cell": {"error": "took longer than %.0f s" % GRID2D_TIMEOUT}}
    if out and out[0][0] == "grid2d_unavailable":
        return out[0][1]
    form = [r[1] for r in out if r[0] == "grid2d_form"]
    cell = grid_cells([r for r in out if r[0] != "grid2d_form"]).get(("grid2d", "", GRID2D_N), {"error": "no timing"})
    return {"form": form[0] if form else "?", "cell": cell}


def machine(default_core):
    versions = {}
    for r in rows(run([sys.executable, "bench/peers.py", "versions"], env=core_env(None))):
        versions.setdefault(r[1], r[2])  # the first BLAS listed is numpy's
    first = lambda cmd: run(cmd).splitlines()[0].strip()  # noqa: E731
    version = run([GPRIOR, "--version"]).splitlines()
    blas = [line for line in version if line.startswith("BLAS:")]
    kernels = re.search(r"kernels (\S+)", blas[0]) if blas else None
    return {
        "CPU": "%s (family %s, model %s)" % (cpuinfo("model name"), cpuinfo("cpu family"),
                                             cpuinfo("model")),
        "cores": str(os.cpu_count()),
        "OS": "%s %s" % (platform.system(), platform.release()),
        "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "gprior": version[0].strip(),
        "gprior's BLAS (`gprior --version`)": blas[0][len("BLAS:"):].strip() if blas else "?",
        "OpenBLAS's own choice of kernels on this CPU": default_core,
        "gnuplot": first(["gnuplot", "--version"]),
        "Python": "%s (%s)" % (platform.python_version(), sys.executable),
        "numpy": versions.get("numpy", "?"),
        "scipy": versions.get("scipy", "?"),
        "scikit-learn": versions.get("scikit-learn", "?"),
        "numpy's BLAS (Debian default)": versions.get("numpy BLAS", "?"),
    }, kernels.group(1) if kernels else None


def draw_plot(times, floor_core):
    series = [("floor: best dpotrf, OU (%s kernels)" % floor_core, "floor:%s:potrf" % floor_core,
               "C7"),
              ("gprior dense OU on [0, 5]", "g_ou", "C0"),
              ("gprior dense OU on [0, 1000]", "g_ou_wide", "C1"),
              ("numpy expert OU, good kernels", "p_numpy_ou", "C6"),
              ("gprior RBF (default path)", "g_rbf", "C9"),
              ("(a) d2l helper, RBF", "p_d2l", "C2"),
              ("(b) numpy expert, RBF", "p_numpy", "C3"),
              ("(c) scipy.stats, RBF", "p_scipy", "C4"),
              ("(d) sklearn, RBF", "p_sklearn", "C5")]
    args = []
    for label, key, color in series:
        pts = [(n, times.median(key, n)) for n in SIZES if times.median(key, n)]
        if any(k == key for k, _ in times.est):
            label += " (estimates not drawn)"
        if pts:
            args.append("%s|%s|%s|%s" % (label, color, ",".join(str(n) for n, _ in pts),
                                         ",".join("%.9g" % t for _, t in pts)))
    # its run record goes to a temporary --out, not into the gallery folder plots/
    with tempfile.TemporaryDirectory() as scratch:
        run([GPRIOR, "run", "bench/plot.lua", "--out", scratch, "--",
             os.path.join(ROOT, OUT_DIR, "time_vs_n.png")] + args)


def main():
    os.chdir(ROOT)
    if not os.access(GPRIOR, os.X_OK) or not shutil.which("gnuplot"):
        sys.exit("bench: build gprior first (make build) and install gnuplot")
    start = time.perf_counter()
    times, peer_notes = Times(), {}
    os.makedirs(OUT_DIR, exist_ok=True)
    build_floor()
    cores = core_types()
    ran, default_core = bench_roof(times, cores)
    best_roof = roof_best(times, cores)
    bench_dense(times, cores, best_roof)
    best = floor_best(times, cores)
    bench_peers(times, peer_notes, best)
    res = {"times": times, "peer_notes": peer_notes, "cores": cores, "ran": ran,
           "default_core": default_core, "roof_core": best_roof, "floor_core": best,
           "lowrank": bench_lowrank(), "posterior": bench_posterior(best),
           "mem": bench_memory(best), "startup": bench_startup(), "chapter": bench_chapter(),
           "grid": bench_grid(), "grid2d": bench_grid2d()}
    res["machine"], res["gprior_core"] = machine(default_core)
    draw_plot(times, best)
    res["elapsed"] = time.perf_counter() - start
    report.write(os.path.join(OUT_DIR, "results.md"), res)
    log("wrote %s/results.md and %s/time_vs_n.png in %.0f s"
        % (OUT_DIR, OUT_DIR, time.perf_counter() - start))


if __name__ == "__main__":
    main()
