"""settings.py: what `make bench` measures, and how much of it (read by run.py
and report.py). GPRIOR_BENCH_QUICK=1 shrinks everything to a smoke test."""
import os

GPRIOR = "./gprior"
FLOOR = "build/bench_floor"
OUT_DIR = "bench"             # results.md, time_vs_n.png and .gp go here

# The dense and smooth problems: n points of [0, 5], 5 samples (NS is also in
# gprior_bench.lua and peers.py), the median of REPEATS runs per n.
SIZES = [500, 1000, 2000, 4000]
REPEATS = {500: 5, 1000: 5, 2000: 5, 4000: 5}
WIDE = 1000.0                 # OU on [0, WIDE]: the subnormal-stall test

# The roof: dgemm of GEMM_N x GEMM_N matrices under each core type.
GEMM_N = 4000
GEMM_REPEATS = 3

PEER_BUDGET = 10.0          # seconds of runs per (peer, n) before stopping early
# A peer whose single run at the next n is predicted (O(n^3) from its median at
# the previous n) to take longer than this is not run there: its time is shown
# as an estimate, marked as such. This keeps `make bench` near 5 minutes.
# GPRIOR_BENCH_FULL=1 runs everything.
PEER_RUN_CAP = 60.0
FULL = bool(os.environ.get("GPRIOR_BENCH_FULL"))
# (name in peers.py, label) of the smooth problem's peers (RBF on [0, 5]).
PEERS = [("d2l", "(a) d2l helper: distance_matrix + np.random.multivariate_normal"),
         ("numpy", "(b) numpy expert: broadcast K, cholesky(K + jitter I), L @ Z"),
         ("scipy", "(c) scipy.stats.multivariate_normal.rvs"),
         ("sklearn", "(d) sklearn GaussianProcessRegressor(RBF(1.0)).sample_y")]

# gprior's low-rank path (when it exists): RBF l = 1, (dimension, n) scattered
# points of [0, 5]^d, LOWRANK_REPEATS runs each, one process per case.
LOWRANK_CASES = [(1, 10 ** 5), (1, 10 ** 6), (2, 10 ** 5)]
LOWRANK_REPEATS = 3
LOWRANK_TIMEOUT = 120.0

# The posterior (when f:condition exists): RBF l = 1, noise 0.01,
# POST_OBS observations, mean and sd at POST_TEST points; gprior vs sklearn.
POST_OBS = 2000
POST_TEST = 1000
POST_REPEATS = 5
POST_TIMEOUT = 120.0

MEM_N = 4000
MEM_SLACK_MB = 30.0         # target: one n x n matrix of doubles + 30 MB
STARTUP_RUNS = 50
STARTUP_TARGET_MS = 10.0
CHAPTER = "lua/chapter/04_rbf_prior.lua"
CHAPTER_RUNS = 3

# 1-D grids on [0, 1000]; 2-D grid: Matern 3/2 on GRID2D_N x GRID2D_N points of [0, 20]^2.
GRID_SIZES = [2 ** 10, 2 ** 14, 2 ** 17, 2 ** 20]
GRID_REPEATS = 3
GRID_MAX_DENSE = 4000
GRID_MAX_RFF = 2 ** 14      # sample_rff costs n x features x samples cosines
GRID_TIMEOUT = 240.0
GRID2D_N = 1024
GRID2D_TIMEOUT = 120.0

# The targets of issue 11 part 6 (and parts 3 and 4), checked in results.md.
TARGET_DENSE_OVER_FLOOR = 1.15      # gprior dense OU n = 4000 / best floor dpotrf, at most
TARGET_WIDE_OVER_NARROW = 1.2       # OU on [0, 1000] / OU on [0, 5], at most
TARGET_NUMPY_OVER_DENSE = 1.5       # numpy expert (good kernels) / gprior dense OU, at least
TARGET_RBF_SECONDS = 0.010          # gprior default RBF at n = 4000, under
TARGET_D2L_OVER_DEFAULT = 1000.0    # d2l helper / gprior default RBF at n = 4000, above
TARGET_LOWRANK_1D_SECONDS = 1.0     # 10^6 scattered points of [0, 5], under
TARGET_LOWRANK_2D_SECONDS = 10.0    # 10^5 scattered points of [0, 5]^2, under
TARGET_GRID2D_SECONDS = 2.0         # 1024 x 1024 Matern 3/2, under

# GPRIOR_BENCH_QUICK=1: a smoke test of the driver in ~20 s (small n, few
# runs), written to build/bench-quick/ so that it never replaces the results.
QUICK = bool(os.environ.get("GPRIOR_BENCH_QUICK"))
if QUICK:
    OUT_DIR = "build/bench-quick"
    SIZES, REPEATS = [250, 500], {250: 2, 500: 2}
    GEMM_N, GEMM_REPEATS = 500, 1
    LOWRANK_CASES, LOWRANK_REPEATS = [(1, 10 ** 4), (2, 10 ** 4)], 1
    POST_OBS, POST_REPEATS = 400, 1
    MEM_N, STARTUP_RUNS, CHAPTER_RUNS = 500, 5, 1
    GRID_SIZES, GRID_REPEATS, GRID2D_N = [2 ** 10, 2 ** 12], 1, 128
