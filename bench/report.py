"""report.py: bench/results.md from the measurements of one run.py run.

write(path, res) is the only entry point; res is the dict run.main builds:
times (run.Times), peer_notes, cores, ran, default_core, roof_core,
floor_core, gprior_core, lowrank, posterior, mem, startup, chapter, grid,
grid2d, machine, elapsed. Everything here formats; nothing measures."""
import statistics

from settings import (CHAPTER, CHAPTER_RUNS, GEMM_N, GRID2D_N, GRID_MAX_DENSE, GRID_MAX_RFF,
                      GRID_REPEATS, GRID_SIZES, GRID_TIMEOUT, LOWRANK_CASES, LOWRANK_REPEATS,
                      MEM_N, MEM_SLACK_MB, PEER_BUDGET, PEER_RUN_CAP, PEERS, POST_OBS,
                      POST_TEST, QUICK, REPEATS, SIZES, STARTUP_RUNS, STARTUP_TARGET_MS,
                      TARGET_D2L_OVER_DEFAULT, TARGET_DENSE_OVER_FLOOR, TARGET_GRID2D_SECONDS,
                      TARGET_LOWRANK_1D_SECONDS, TARGET_LOWRANK_2D_SECONDS,
                      TARGET_NUMPY_OVER_DENSE, TARGET_RBF_SECONDS, TARGET_WIDE_OVER_NARROW, WIDE)


# ---- formatting -----------------------------------------------------------------------
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


def value_ratio(times, key, n, base):
    """ratio of key's median (or estimate) to base's median at n."""
    t, est = times.value(key, n)
    return ratio(t, times.median(base, n), est)


def table(header, body):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in body]
    return "\n".join(lines)


def verdict(ok):
    return "**PASS**" if ok else "**MISS**"


def floor_key(res):
    return "floor:%s:potrf" % res["floor_core"]


def method_of(times, key, n):
    return times.info.get((key, n), ("?", "?", "?"))


# ---- the targets ------------------------------------------------------------------------
def target_line(label, shown, target, ok, est=False):
    """'- label: **value** (target): PASS/MISS', or 'not measured' when ok is None."""
    if ok is None:
        return "- %s: not measured (%s)" % (label, target)
    return "- %s: **%s** (target %s): %s%s" % (label, shown, target, verdict(ok),
                                                " (from an estimate)" if est else "")


def targets(res):
    """The five targets of issue 11 part 6, each from this run, then the
    targets of parts 3 and 4 where this gprior has the feature."""
    t, n = res["times"], SIZES[-1]
    m = t.median
    dense, fl, wide, rbf = m("g_ou", n), m(floor_key(res), n), m("g_ou_wide", n), m("g_rbf", n)
    numpy, numpy_est = t.value("p_numpy_ou", n)
    d2l, d2l_est = t.value("p_d2l", n)
    path = method_of(t, "g_ou", n)[0]
    path_note = "" if path == "cholesky" else " (gprior took the `%s` path, not cholesky)" % path
    lines = [
        target_line("gprior dense OU on [0, 5] (n = %d) / best floor dpotrf (%s kernels)%s"
                    % (n, res["floor_core"], path_note), ratio(dense, fl),
                    "<= %g" % TARGET_DENSE_OVER_FLOOR,
                    None if None in (dense, fl) else dense / fl <= TARGET_DENSE_OVER_FLOOR),
        target_line("gprior OU on [0, %g] / OU on [0, 5] (n = %d)" % (WIDE, n),
                    ratio(wide, dense), "<= %g" % TARGET_WIDE_OVER_NARROW,
                    None if None in (wide, dense) else wide / dense <= TARGET_WIDE_OVER_NARROW),
        target_line("numpy expert with good kernels / gprior dense OU (n = %d)" % n,
                    ratio(numpy, dense, numpy_est), ">= %g" % TARGET_NUMPY_OVER_DENSE,
                    None if None in (numpy, dense) else numpy / dense >= TARGET_NUMPY_OVER_DENSE,
                    numpy_est),
        target_line("gprior default RBF on [0, 5] (n = %d, %s path)"
                    % (n, method_of(t, "g_rbf", n)[0]), fmt(rbf),
                    "< %g ms" % (TARGET_RBF_SECONDS * 1e3),
                    None if rbf is None else rbf < TARGET_RBF_SECONDS),
        target_line("d2l helper / gprior default RBF (n = %d)" % n, ratio(d2l, rbf, d2l_est),
                    "> %gx" % TARGET_D2L_OVER_DEFAULT,
                    None if None in (d2l, rbf) else d2l / rbf > TARGET_D2L_OVER_DEFAULT, d2l_est)]
    lines += feature_targets(res)
    return lines


def feature_targets(res):
    """Low-rank at 10^6 (1-D) and 10^5 (2-D), the 1024 x 1024 grid."""
    lines = []
    lowrank = res["lowrank"]
    for (d, n), limit in (((1, 10 ** 6), TARGET_LOWRANK_1D_SECONDS),
                          ((2, 10 ** 5), TARGET_LOWRANK_2D_SECONDS)):
        label = "gprior low-rank RBF, %d scattered points of [0, 5]%s" % (
            n, "^2" if d == 2 else "")
        case = lowrank.get((d, n)) if isinstance(lowrank, dict) else None
        if isinstance(lowrank, str):
            lines.append("- %s: not available in this gprior (target < %g s)" % (label, limit))
        elif case is None or not case.get("t"):
            lines.append("- %s: %s (target < %g s)" % (
                label, case["error"] if case else "not measured in this mode", limit))
        else:
            med = statistics.median(case["t"])
            lines.append(target_line(label, fmt(med), "< %g s" % limit, med < limit))
    g2 = res["grid2d"]
    label = "2-D grid, %d x %d Matern 3/2" % (GRID2D_N, GRID2D_N)
    if isinstance(g2, str):
        lines.append("- %s: not available in this gprior (target < %g s)"
                     % (label, TARGET_GRID2D_SECONDS))
    elif "error" in g2["cell"]:
        lines.append("- %s: error: %s" % (label, g2["cell"]["error"][:120]))
    elif GRID2D_N == 1024:
        med = statistics.median(g2["cell"]["t"])
        lines.append(target_line(label, fmt(med), "< %g s" % TARGET_GRID2D_SECONDS,
                                 med < TARGET_GRID2D_SECONDS))
    return lines


# ---- the tables -------------------------------------------------------------------------
def timing_table(times, rows_):
    header = ["method"] + ["n = %d" % n for n in SIZES] + ["runs"]
    body = []
    for key, label in rows_:
        if not any(times.value(key, n)[0] is not None for n in SIZES):
            continue  # a feature this gprior lacks: its row is left out
        cells = [cell(times, key, n) for n in SIZES]
        runs = "/".join(str(times.runs(key, n)) if (key, n) not in times.est else "est."
                        for n in SIZES)
        body.append([label] + cells + [runs])
    return table(header, body)


def section_limits(res):
    t = res["times"]
    header = (["OpenBLAS core type", "who uses it", "dgemm GFLOP/s (n = %d)" % GEMM_N]
              + ["dpotrf, OU, n = %d" % n for n in SIZES])
    body = []
    for core in res["cores"]:
        roles = [text for text, who in (("OpenBLAS's own choice", res["default_core"]),
                                        ("gprior", res["gprior_core"]),
                                        ("**the floor**", res["floor_core"])) if who == core]
        if res["ran"].get(core) != core:
            roles.append("(OpenBLAS ran %s)" % res["ran"].get(core))
        gemm = t.median("roof:%s:gemm" % core, GEMM_N)
        body.append([str(core), ", ".join(roles) or "-",
                     "%.0f" % (2.0 * GEMM_N ** 3 / gemm / 1e9) if gemm else "n/a"]
                    + [fmt(t.median("floor:%s:potrf" % core, n)) for n in SIZES])
    return "\n".join([
        "The floor program (`bench/floor.c`) under each OpenBLAS core type this CPU supports "
        "(from the flags of /proc/cpuinfo; `OPENBLAS_CORETYPE` set for the process): dgemm "
        "of two %d x %d matrices (the roof: 2 n^3 flops / median of %d) and `LAPACKE_dpotrf` "
        "of the OU K on [0, 5] (median). The core type with the fastest dpotrf at n = %d is "
        "**the floor** everywhere below." % (GEMM_N, GEMM_N, res["times"].runs(
            "roof:%s:gemm" % res["cores"][0], GEMM_N), SIZES[-1]), "",
        table(header, body)])


def dense_rows(res):
    fc, rc = res["floor_core"], res["roof_core"]
    return [("floor:%s:gram" % fc, "floor: OU K's lower triangle by a C loop"),
            (floor_key(res), "floor: LAPACKE_dpotrf alone (%s kernels, the best)" % fc),
            ("g_ou_gram", "gprior `k:gram(x)`"),
            ("g_ou", "gprior `f:sample(x, {n = 5})` (dense)"),
            ("g_ou_mvn", "gprior `gp.mvn_sample(0, K, {n = 5})` on a ready K (copy + factor "
                         "+ draw)"),
            ("g_ou_wide", "gprior `f:sample`, the same OU on [0, %g]" % WIDE),
            ("wide:potrf", "floor: dpotrf of the OU K on [0, %g] (%s kernels)" % (WIDE, rc)),
            ("p_numpy_ou", "numpy expert: broadcast K, cholesky(K), L @ Z; good kernels "
                           "(OPENBLAS_CORETYPE=%s)" % fc),
            ("p_numpy_ou_debian", "numpy expert, the same with Debian's default kernels (%s)"
             % res["default_core"])]


def smooth_rows():
    return ([("g_rbf", "gprior `f:sample(x, {n = 5})` (default path)"),
             ("g_rbf_dense", "gprior `f:sample(x, {n = 5, method = \"dense\"})`")]
            + [("p_" + p, label) for p, label in PEERS])


def section_ratios(res):
    t, fk = res["times"], floor_key(res)
    m = t.median
    own = "floor:%s:potrf" % res["default_core"]
    body = [["gprior dense OU / floor dpotrf (best)"] + [ratio(m("g_ou", n), m(fk, n))
                                                         for n in SIZES],
            ["floor dpotrf, OpenBLAS's own kernels (%s) / the best (%s)"
             % (res["default_core"], res["floor_core"])] + [ratio(m(own, n), m(fk, n))
                                                            for n in SIZES],
            ["gprior k:gram / floor C loop"]
            + [ratio(m("g_ou_gram", n), m("floor:%s:gram" % res["floor_core"], n))
               for n in SIZES],
            ["gprior OU on [0, %g] / on [0, 5]" % WIDE]
            + [ratio(m("g_ou_wide", n), m("g_ou", n)) for n in SIZES],
            ["floor dpotrf OU on [0, %g] / on [0, 5] (%s)" % (WIDE, res["roof_core"])]
            + [ratio(m("wide:potrf", n), m("floor:%s:potrf" % res["roof_core"], n))
               for n in SIZES],
            ["numpy expert OU, good kernels / gprior dense OU"]
            + [value_ratio(t, "p_numpy_ou", n, "g_ou") for n in SIZES],
            ["numpy expert OU, Debian's kernels / gprior dense OU"]
            + [value_ratio(t, "p_numpy_ou_debian", n, "g_ou") for n in SIZES]]
    if any(m("g_rbf_dense", n) for n in SIZES):
        body.append(["gprior RBF method = \"dense\" / default"]
                    + [ratio(m("g_rbf_dense", n), m("g_rbf", n)) for n in SIZES])
    for p, label in PEERS:
        body.append([label.split(":")[0] + " / gprior default RBF"]
                    + [value_ratio(t, "p_" + p, n, "g_rbf") for n in SIZES])
    return table(["ratio of median times"] + ["n = %d" % n for n in SIZES], body)


def section_lowrank(lowrank):
    if isinstance(lowrank, str):
        return ("not available: %s. (Detected by drawing on 20 points with "
                "`f:sample(x, {method = \"lowrank\"})`; the rows appear here by themselves "
                "once the option exists.)" % lowrank)
    body = []
    for d, n in LOWRANK_CASES:
        case = lowrank.get((d, n), {})
        where = "[0, 5]" + ("^%d" % d if d > 1 else "")
        if not case.get("t"):
            body.append([where, str(n), "error: %s" % case.get("error", "?")[:120]] + [""] * 4)
            continue
        method, rank, summary = case["info"]
        nr = 8.0 * n * int(rank) / 1e6 if rank.isdigit() else None
        body.append([where, str(n), fmt(statistics.median(case["t"])), str(len(case["t"])),
                     summary, "%.0f" % (case.get("rss", 0) * 1024 / 1e6),
                     "%.0f" % nr if nr else "n/a"])
    return "\n".join([
        "RBF (l = 1), 5 samples on n scattered (uniform, fixed seed) points, "
        "`f:sample(x, {n = 5, method = \"lowrank\"})`: median of %d runs, one process per "
        "row; its peak resident set (VmHWM) against n r doubles (r the rank reported)."
        % LOWRANK_REPEATS, "",
        table(["points of", "n", "median", "runs", "what gprior reports", "peak RSS MB",
               "n r doubles MB"], body)])


def section_grid2d(g2):
    if isinstance(g2, str):
        return ("not available: %s. (Detected by drawing 2 samples on a 16 x 12 grid through "
                "`f:sample_grid` with per-dimension ends and sizes or with two axis vectors, "
                "and through any `f:sample_grid*`, `*2d*` or `*field*` method; the row "
                "appears here by itself once one of them draws.)" % g2)
    c = g2["cell"]
    text = ("error: " + c["error"][:200]) if "error" in c else "%s (median of %d): %s" % (
        fmt(statistics.median(c["t"])), len(c["t"]), c["summary"])
    return ("Matern 3/2 (l = 1), 5 samples on a %d x %d grid of [0, 20]^2, called as "
            "`%s`: %s" % (GRID2D_N, GRID2D_N, g2["form"], text))


def section_posterior(post):
    if isinstance(post, str):
        return ("not available: %s. (Detected as `f:condition`; the row appears here by "
                "itself once it exists.)" % post)
    g, s = statistics.median(post["gprior"]), statistics.median(post["sklearn"])
    return "\n".join([
        "RBF (l = 1), noise variance 0.01, %d noisy observations of sin(3x) on [0, 5]; "
        "posterior mean and sd at %d test points, end to end: gprior "
        "`p = f:condition(X, y, {noise = 0.01}); p:mean(xt); p:sd(xt)` against scikit-learn "
        "`GaussianProcessRegressor(kernel=RBF(1.0), alpha=0.01, optimizer=None).fit(X, y)"
        ".predict(xt, return_std=True)` (good kernels), on the same data." % (POST_OBS, POST_TEST),
        "", table(["", "median", "runs"], [
            ["gprior", fmt(g), str(len(post["gprior"]))],
            ["scikit-learn", fmt(s), str(len(post["sklearn"]))],
            ["scikit-learn / gprior", ratio(s, g), ""]]),
        "", "Check: scikit-learn's %s." % post["agreement"]])


def section_memory(mem):
    mb = lambda kib: kib * 1024 / 1e6  # noqa: E731
    matrix = 8.0 * MEM_N * MEM_N / 1e6
    target = matrix + MEM_SLACK_MB
    peak = mb(mem["sample"])
    return "\n".join([
        "Peak resident set (VmHWM, read by the process itself at its end) of "
        "`gprior run bench/gprior_bench.lua -- once %d`: one dense `f:sample(x, {n = 5})` of "
        "OU on [0, 5] at n = %d (%s, rank %s)." % ((MEM_N, MEM_N) + mem["info"]), "",
        table(["", "MB (10^6 bytes)"], [
            ["gprior end-to-end dense sampling, n = %d" % MEM_N, "%.1f" % peak],
            ["baseline: `gprior -e ''`", "%.1f" % mb(mem["baseline"])],
            ["floor: the C program building K and running dpotrf, n = %d (it touches "
             "only K's lower triangle)" % MEM_N, "%.1f" % mb(mem["floor"])],
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


# ---- notes ----------------------------------------------------------------------------
def subnormal_note(res):
    """Dense OU on [0, WIDE] against [0, 5], and dense OU / Matern against
    dense RBF on the 1-D grid's [0, 1000], with the cause when they are slow."""
    t, n = res["times"], SIZES[-1]
    r = ratio(t.median("g_ou_wide", n), t.median("g_ou", n))
    line = ("- Subnormal stalls: at n = %d gprior's dense OU on [0, %g] takes %sx its time on "
            "[0, 5], the bare dpotrf %sx." % (n, WIDE, r, ratio(
                t.median("wide:potrf", n), t.median("floor:%s:potrf" % res["roof_core"], n))))
    grid = res["grid"]
    if isinstance(grid, dict):
        g = GRID_SIZES[0]
        d = {k: grid.get(("griddense", k, g), {}).get("t") for k in ("ou", "matern32", "rbf")}
        if all(d.values()):
            q = {k: statistics.median(v) / statistics.median(d["rbf"]) for k, v in d.items()}
            line += (" On the grid table's [0, 1000], dense OU and Matern 3/2 at n = %d take "
                     "%.1fx and %.1fx the time of dense RBF." % (g, q["ou"], q["matern32"]))
    return line + (" On a wide domain the far entries of K are tiny but normal numbers "
                   "whose products in dpotrf are subnormal, slow on x86 unless flushed to "
                   "zero; RBF's underflow to exact zeros.")


def section_notes(res):
    t, notes = res["times"], res["peer_notes"]
    lines = []
    for key, what in (("g_ou", "dense OU"), ("g_ou_wide", "OU on [0, %g]" % WIDE),
                      ("g_rbf", "default RBF"), ("g_rbf_dense", "RBF with method = \"dense\"")):
        paths = ["n = %d: %s rank %s" % ((n,) + method_of(t, key, n)[:2]) for n in SIZES
                 if (key, n) in t.info]
        if paths:
            lines.append("- gprior's path, %s: %s." % (what, "; ".join(paths)))
    lines.append("- Kernels: OpenBLAS's own choice on this CPU is `%s`; gprior switches to "
                 "`%s` itself at start-up (src/gp_blas.c; `gprior --version` says which). The "
                 "floor runs under every core type the CPU supports; the best dpotrf (`%s`) is "
                 "the floor. Every Python peer runs with OPENBLAS_CORETYPE=%s: a stand-in for a "
                 "current pip numpy, whose OpenBLAS knows this CPU; the numpy expert's Debian "
                 "row runs with OpenBLAS's own choice." % (
                     res["default_core"], res["gprior_core"], res["floor_core"],
                     res["floor_core"]))
    lines.append("- No jitter anywhere on OU (its K is positive definite). On RBF, only "
                 "(b) numpy expert adds 1e-8 * mean diag (its plain Cholesky fails); (a), (c), "
                 "(d) factor K by SVD or eigh, which accept a singular K.")
    for (key, text), ns in sorted(notes.items()):
        lines.append("- (%s) %s [n = %s]" % (key[2:], text, ", ".join(map(str, ns))))
    lines.append("- The book's helper computes exp(-(1/l/2) d^2), dividing by l, not l^2; "
                 "with l = 1 it is the same K as everyone else's.")
    keys = [k for k, _ in dense_rows(res) + smooth_rows() if k[:2] in ("g_", "p_")]
    short = ["%s at n = %d (%d of %d)" % (key[2:], n, t.runs(key, n), REPEATS[n])
             for key in keys for n in SIZES if 0 < t.runs(key, n) < REPEATS[n]]
    lines.append("- Runs per n: %s for n = %s. A peer stops early once its runs at one n "
                 "took %.0f s, to keep `make bench` within minutes; fewer runs here: %s." % (
                     "/".join(str(REPEATS[n]) for n in SIZES), "/".join(map(str, SIZES)),
                     PEER_BUDGET, ", ".join(short) if short else "none"))
    est = ["%s at n = %d (~%.0f s)" % (key[2:], n, s) for (key, n), s in sorted(t.est.items())]
    if est:
        lines.append("- Not run, estimated (median at the previous n times (n / n_prev)^3, "
                     "their O(n^3) SVD/eigh cost), because one run would exceed %.0f s: %s. "
                     "`GPRIOR_BENCH_FULL=1 make bench` runs them (about %.0f s more)."
                     % (PEER_RUN_CAP, ", ".join(est), sum(t.est.values())))
    lines.append(subnormal_note(res))
    lines.append("- All timings are wall clock on a shared 2-core machine: expect "
                 "10-30% run-to-run noise; the ratios come from one run.")
    return "\n".join(lines)


def write(path, res):
    t, n = res["times"], SIZES[-1]
    head = [
        "# gprior benchmark", "",
        *(["**QUICK smoke test (GPRIOR_BENCH_QUICK), not the benchmark: run `make bench`.**",
           ""] if QUICK else []),
        "Generated by `make bench` (bench/run.py); the whole run took %.1f min. "
        "How to run it and what each row means: [README.md](README.md)." % (
            res["elapsed"] / 60), "",
        "Two problems on n evenly spaced points of [0, 5], 5 samples, median wall time of "
        "several runs, one process at a time: **dense**, the chapter's OU kernel "
        "exp(-r / 2) (full rank: a Cholesky of the whole K is the only exact way); "
        "**smooth**, RBF with length-scale 1 (numerically low rank).", "",
        "## Targets (issue 11, n = %d, this run)" % n, "", *targets(res),
        "", "## Machine", ""]
    head += ["- %s: %s" % kv for kv in res["machine"].items()]
    body = [
        "", "## The machine's limits: dgemm and dpotrf per OpenBLAS core type", "",
        section_limits(res), "",
        "## Dense full-rank problem: OU on [0, 5], median wall time", "",
        timing_table(t, dense_rows(res)), "",
        "## Smooth problem: RBF on [0, 5], median wall time", "",
        timing_table(t, smooth_rows()), "",
        "![time vs n](time_vs_n.png)", "",
        "## Ratios (same run)", "", section_ratios(res), "",
        "## Low-rank path at large n", "", section_lowrank(res["lowrank"]), "",
        "## Posterior", "", section_posterior(res["posterior"]), "",
        "## Memory", "", section_memory(res["mem"]), "",
        "## Start-up", "", section_startup(res["startup"], res["chapter"]), "",
        "## Grid sampler (1-D)", "", section_grid(res["grid"]), "",
        "## 2-D grid", "", section_grid2d(res["grid2d"]), "",
        "## Notes", "", section_notes(res), ""]
    with open(path, "w") as f:
        f.write("\n".join(head + body))
