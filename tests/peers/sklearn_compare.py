"""scikit-learn's GaussianProcessRegressor against gprior on the cases that
tests/peers/sklearn_cases.lua wrote to DIR: the same data, the same fixed
hyperparameters (optimizer=None, noise variance as alpha), and gprior's answers.
Posterior mean (relative to its largest value) and sd (each, relative) must
agree to 1e-9, the log marginal likelihood to 1e-9 relative; fitted from the
same start (a "fit" case), gprior's optimum must be at least as high as
scikit-learn's.
Usage: python3 sklearn_compare.py DIR; prints PASS/FAIL lines and
"sklearn comparison: N passed, N failed"; exit status 1 on a failure."""
import sys
import warnings

import numpy as np
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import (RBF, ConstantKernel as C, ExpSineSquared,
                                              Matern, RationalQuadratic, WhiteKernel)

TOL = 1e-9
KERNELS = {"C": C, "RBF": RBF, "Matern": Matern, "RationalQuadratic": RationalQuadratic,
           "ExpSineSquared": ExpSineSquared, "WhiteKernel": WhiteKernel}


def load(prefix, name, d=None):
    v = np.loadtxt("%s.%s.tsv" % (prefix, name), ndmin=2)
    return v if d else v.ravel()


def compare(directory, name, kernel_text, results):
    prefix = "%s/%s" % (directory, name)
    X, xt = load(prefix, "X", 2), load(prefix, "xt", 2)
    y, noise = load(prefix, "y"), load(prefix, "noise")
    kernel = eval(kernel_text, {"__builtins__": {}}, KERNELS)
    gpr = GaussianProcessRegressor(kernel=kernel, alpha=noise if noise.size > 1 else noise[0],
                                   optimizer=None, normalize_y=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # sklearn warns when it clips a variance: none expected
        gpr.fit(X, y)
        mean, sd = gpr.predict(xt, return_std=True)
    lml = gpr.log_marginal_likelihood_value_
    g_mean, g_sd, g_lml = load(prefix, "mean"), load(prefix, "sd"), load(prefix, "lml")[0]
    checks = [
        ("posterior mean", np.max(np.abs(g_mean - mean)) / np.max(np.abs(mean))),
        ("posterior sd", np.max(np.abs(g_sd - sd) / sd)),
        ("log marginal likelihood (%.10g)" % lml, abs(g_lml - lml) / abs(lml)),
    ]
    for what, rel in checks:
        ok = rel <= TOL
        results.append(ok)
        print("%s %s, %s: relative difference %.3g (tolerance %g; %d observations, %d test "
              "points)" % ("PASS" if ok else "FAIL", name, what, rel, TOL, len(y), len(xt)))


def compare_fit(directory, name, kernel_text, results):
    """scikit-learn fits from the same start (its default L-BFGS-B, one start);
    gprior's optimum must be at least as high (to 1e-9 relative: both stop at
    a maximum to their tolerances)."""
    prefix = "%s/%s" % (directory, name)
    X, y = load(prefix, "X", 2), load(prefix, "y")
    kernel = eval(kernel_text, {"__builtins__": {}}, KERNELS)
    gpr = GaussianProcessRegressor(kernel=kernel, alpha=0.0, n_restarts_optimizer=0,
                                   normalize_y=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence notes of L-BFGS-B
        gpr.fit(X, y)
    theirs = gpr.log_marginal_likelihood_value_
    ours = load(prefix, "fit_lml")[0]
    ok = ours >= theirs - 1e-9 * abs(theirs)
    results.append(ok)
    print("%s %s, fitted from the same start: gprior's log p(y | X) %.10g, scikit-learn's %.10g "
          "(%s; gprior's values %s, scikit-learn's kernel %s)"
          % ("PASS" if ok else "FAIL", name, ours, theirs,
             "at least as high" if ok else "LOWER", np.array2string(load(prefix, "fit_params"),
                                                                    precision=5), gpr.kernel_))


def main(directory):
    results = []
    with open(directory + "/cases.tsv") as f:
        for line in f:
            if line.strip():
                fields = line.rstrip("\n").split("\t")
                if len(fields) == 3 and fields[2] == "fit":
                    compare_fit(directory, fields[0], fields[1], results)
                else:
                    compare(directory, fields[0], fields[1], results)
    print("sklearn comparison: %d passed, %d failed" % (sum(results), len(results) - sum(results)))
    return 0 if results and all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
