"""peers.py: the Python peers of `make bench` (driven by bench/run.py).

    python3 bench/peers.py PEER N REPEATS BUDGET_SECONDS [DATA_PREFIX]
    python3 bench/peers.py versions

The sampling peers (d2l, numpy, scipy, sklearn) draw 5 samples from the
zero-mean RBF prior (amplitude 1, length-scale 1) on N points of [0, 5] the
way PEER does it; numpy_ou is the numpy expert on the dense full-rank problem,
the chapter's OU kernel exp(-|x - x'| / 2) on the same points. posterior is
scikit-learn's GaussianProcessRegressor (RBF(1.0), alpha = noise,
optimizer=None): fit on the N observations and predict mean and sd at the
test points that gprior wrote to DATA_PREFIX.{X,y,xt}.tsv, then compared with
gprior's DATA_PREFIX.{mean,sd}.tsv. Timed end to end, building K included;
Python start-up and imports not (they happen before the first timed run).
Repeats until REPEATS runs are done or the runs so far took BUDGET_SECONDS
(at least one run), so that the O(n^3) SVD samplers stay inside the time
budget of `make bench` at n = 4000.

Output, one tab-separated line each, parsed by run.py:
    time <TAB> PEER <TAB> N <TAB> seconds        (one per run)
    note <TAB> PEER <TAB> N <TAB> text           (jitter, warnings, options, agreement)
OpenBLAS threads are left at their default (all cores) for every peer; its
kernels are whatever OPENBLAS_CORETYPE in the environment says (run.py sets it).
"""
import sys
import time
import warnings

import numpy as np

NS = 5          # samples per draw
JITTER = 1e-8   # relative to mean(diag K), as gprior's jitter option


def points(n):
    return np.linspace(0.0, 5.0, n)


def d2l():
    """(a) The chapter's own helper (d2l, section 18.2): scipy's distance
    matrix, exp(-(1 / ls / 2) d^2) (the book divides by l, not l^2; with
    l = 1 the numbers are the same), numpy's legacy multivariate_normal (SVD)."""
    from scipy.spatial import distance_matrix

    def rbfkernel(x1, x2, ls=4.0):
        dist = distance_matrix(np.expand_dims(x1, 1), np.expand_dims(x2, 1))
        return np.exp(-(1.0 / ls / 2) * (dist ** 2))

    def draw(n):
        x_points = points(n)
        meanvec = np.zeros(len(x_points))
        covmat = rbfkernel(x_points, x_points, 1)
        return np.random.multivariate_normal(meanvec, covmat, size=NS)
    return draw


def ou_gram(x):
    """K_ij = exp(-|x_i - x_j| / 2): the chapter's OU kernel, length-scale 1."""
    return np.exp(-0.5 * np.abs(x[:, None] - x[None, :]))


def rbf_gram(x):
    """K_ij = exp(-(x_i - x_j)^2 / 2) by broadcasting."""
    d = x[:, None] - x[None, :]
    return np.exp(-0.5 * d * d)


def add_jitter(K):
    K[np.diag_indices_from(K)] += JITTER * np.mean(np.diag(K))
    return K


def numpy_expert():
    """(b) What a numpy expert writes: K by broadcasting, Cholesky of
    K + jitter I (RBF on a fine grid is numerically singular), L Z."""
    def draw(n):
        L = np.linalg.cholesky(add_jitter(rbf_gram(points(n))))
        rng = np.random.default_rng(1)
        return L @ rng.standard_normal((n, NS))
    return draw


def numpy_expert_ou():
    """(b) on the dense full-rank problem: OU's K is positive definite, so a
    plain Cholesky, no jitter."""
    def draw(n):
        L = np.linalg.cholesky(ou_gram(points(n)))
        rng = np.random.default_rng(1)
        return L @ rng.standard_normal((n, NS))
    return draw


def scipy_stats():
    """(c) scipy.stats.multivariate_normal.rvs on K itself, no jitter."""
    from scipy.stats import multivariate_normal

    def draw(n):
        return multivariate_normal.rvs(np.zeros(n), rbf_gram(points(n)), size=NS,
                                       random_state=1)
    return draw


def sklearn_gpr():
    """(d) scikit-learn: an unfitted GaussianProcessRegressor samples from
    its prior (predict's covariance, then numpy's multivariate_normal)."""
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF

    def draw(n):
        gpr = GaussianProcessRegressor(kernel=RBF(1.0))
        return gpr.sample_y(points(n).reshape(-1, 1), NS, random_state=1)
    return draw


NOISE = 0.01    # the posterior's noise variance, as gprior_bench.lua's


def read_column(path):
    return np.loadtxt(path, ndmin=1)


def sklearn_posterior(prefix):
    """scikit-learn's posterior with fixed hyperparameters, the way the issue
    asks: GaussianProcessRegressor(RBF(1.0), alpha=noise, optimizer=None),
    fit, then predict(return_std=True) at the test points."""
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF
    X = read_column(prefix + ".X.tsv").reshape(-1, 1)
    y = read_column(prefix + ".y.tsv")
    xt = read_column(prefix + ".xt.tsv").reshape(-1, 1)

    def draw(n):
        assert len(y) == n, (len(y), n)
        gpr = GaussianProcessRegressor(kernel=RBF(1.0), alpha=NOISE, optimizer=None)
        mean, sd = gpr.fit(X, y).predict(xt, return_std=True)
        return np.concatenate([mean, sd])
    return draw, (len(xt), 2)


def posterior_agreement(prefix):
    """How far gprior's posterior mean and sd are from scikit-learn's."""
    draw, _ = sklearn_posterior(prefix)
    S = draw(len(read_column(prefix + ".y.tsv")))
    mean, sd = np.split(S, 2)
    gm, gsd = read_column(prefix + ".mean.tsv"), read_column(prefix + ".sd.tsv")
    return ("agreement with gprior at %d test points: max |mean difference| %.2g "
            "(max |mean| %.2g), max relative sd difference %.2g"
            % (len(mean), np.max(np.abs(gm - mean)), np.max(np.abs(mean)),
               np.max(np.abs(gsd - sd) / sd)))


# Each entry does its imports (untimed) and returns draw(n), the timed part.
PEERS = {"d2l": d2l, "numpy": numpy_expert, "scipy": scipy_stats, "sklearn": sklearn_gpr,
         "numpy_ou": numpy_expert_ou}


def notes(peer, n):
    """What each peer needed on this K, found outside the timed runs."""
    out = []
    if peer == "numpy":
        try:
            np.linalg.cholesky(rbf_gram(points(n)))
            out.append("plain Cholesky of K succeeds; jitter %g used anyway" % JITTER)
        except np.linalg.LinAlgError:
            out.append("plain Cholesky of K fails: jitter %g * mean diag needed" % JITTER)
    elif peer == "scipy":
        out.append("K passed as is, no jitter; rvs has no allow_singular argument in this "
                   "scipy (it validates with allow_singular=True), then eigh + numpy's SVD sampler")
    elif peer == "numpy_ou":
        np.linalg.cholesky(ou_gram(points(n)))  # raises if it ever needed jitter
        out.append("OU: plain Cholesky of K, no jitter")
    elif peer in ("d2l", "sklearn"):
        out.append("no jitter: numpy's multivariate_normal factors K by SVD")
    return out


def run(peer, n, reps, budget, prefix=None):
    if peer == "posterior":
        fn, shape = sklearn_posterior(prefix)
        size = shape[0] * shape[1]
    else:
        fn, size = PEERS[peer](), n * NS
        for text in notes(peer, n):
            print("note\t%s\t%d\t%s" % (peer, n, text))
    spent = 0.0
    for r in range(reps):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            t0 = time.perf_counter()
            S = fn(n)
            t = time.perf_counter() - t0
        assert S.size == size, S.shape
        print("time\t%s\t%d\t%.9f" % (peer, n, t), flush=True)
        if r == 0:
            for w in {str(w.message) for w in caught}:
                print("note\t%s\t%d\twarning: %s" % (peer, n, w))
        spent += t
        if spent >= budget:
            break
    if peer == "posterior":
        print("note\t%s\t%d\t%s" % (peer, n, posterior_agreement(prefix)))


def versions():
    import scipy
    import sklearn
    print("version\tnumpy\t%s" % np.__version__)
    print("version\tscipy\t%s" % scipy.__version__)
    print("version\tscikit-learn\t%s" % sklearn.__version__)
    try:
        from threadpoolctl import threadpool_info
        for lib in (i for i in threadpool_info() if i.get("user_api") == "blas"):
            print("version\tnumpy BLAS\t%s %s (core %s, %d threads, %s)" % (
                lib.get("internal_api"), lib.get("version"), lib.get("architecture"),
                lib.get("num_threads"), lib.get("filepath")))
    except ImportError:
        print("version\tnumpy BLAS\tunknown (no threadpoolctl)")


def main(argv):
    if argv[1:] == ["versions"]:
        versions()
        return 0
    posterior = len(argv) == 6 and argv[1] == "posterior"
    if not posterior and (len(argv) != 5 or argv[1] not in PEERS):
        sys.stderr.write("usage: peers.py {%s} N REPEATS BUDGET | posterior N REPEATS BUDGET "
                         "DATA_PREFIX | versions\n" % "|".join(PEERS))
        return 2
    run(argv[1], int(argv[2]), int(argv[3]), float(argv[4]), argv[5] if posterior else None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
