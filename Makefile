# gprior: Gaussian-process priors in C, scripted from Lua, drawn by gnuplot.
#
#   make plots                  install what is missing, build, run lua/chapter/*.lua,
#                               lua/examples/*.lua and lua/inference/*.lua (gprior batch)
#   make test                   every test suite; last line "total: N passed, N failed"
#   make SANITIZER=address test the same under AddressSanitizer (or =undefined)
#   make valgrind               the C suites and the Lua suite (callbacks and coroutines too) under valgrind
#   make test-peers             install python3-sklearn, then check gprior's posterior against
#                               scikit-learn (make test runs the same suite when it is there)
#   make bench                  timings against numpy, scipy, scikit-learn and bare LAPACK
#   make fuzz                   random API calls: 20 seeds x 20000 under ASan+UBSan, then valgrind
#   make install PREFIX=/usr/local   the binary, gprior.so under the Lua C path, the man page
#   make uninstall PREFIX=...   remove them again
#   make gallery-check          a sweep's gallery opened in headless Chromium: no console
#                               errors, every image loads; a screenshot in build/gallery-check/
#   make test-slurm             a sweep through a real single-node Slurm (slurmctld + slurmd)

# ---- settings ---------------------------------------------------------------
CC        ?= cc
SANITIZER ?=
CORE_PKGS := openblas lapacke fftw3 gsl nlopt
LUA_PKG   := lua5.4
OPT       ?= -O2
SEED      ?=
OUT       ?=
VERSION   := 0.1.0
PREFIX    ?= /usr/local
DESTDIR   ?=
BINDIR     = $(PREFIX)/bin
LUA_CDIR   = $(PREFIX)/lib/lua/5.4
MANDIR     = $(PREFIX)/share/man/man1

WARNINGS  := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wformat=2 -Wundef -Wpointer-arith -Wvla -Werror
ifeq ($(SANITIZER),)
BUILD     := build
SANFLAGS  :=
else
BUILD     := build/$(SANITIZER)
SANFLAGS  := -fsanitize=$(SANITIZER) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

# Expanded lazily, after the deps target has installed pkg-config and friends.
# The layers are enforced here: the core (src/gp_*.c) and its C unit tests are
# compiled without Lua's include path and linked without liblua; only the
# bindings (src/l*.c) and the host (main.c, batch*.c) see Lua.
CORE_CFLAGS = $(shell pkg-config --cflags $(CORE_PKGS))
# GSL (special functions) is linked without its reference CBLAS: OpenBLAS provides cblas_*.
CORE_LIBS   = $(filter-out -lgslcblas,$(shell pkg-config --libs $(CORE_PKGS)))
LUA_CFLAGS  = $(shell pkg-config --cflags $(LUA_PKG))
LUA_LIBS    = $(shell pkg-config --libs $(LUA_PKG))
CMOCKA      = $(shell pkg-config --cflags --libs cmocka)
CFLAGS    += -DGPRIOR_VERSION=\"$(VERSION)\" -std=c11 $(OPT) -fno-math-errno -g -fPIC $(WARNINGS) $(SANFLAGS) -MMD -MP
LDFLAGS   += $(SANFLAGS)

# ---- files --------------------------------------------------------------------
CORE_SRC  := $(wildcard src/gp_*.c)
BIND_SRC  := $(wildcard src/l*.c)
HOST_SRC  := src/main.c $(wildcard src/host_*.c) $(wildcard src/batch*.c)
HOST_LIBS := -lreadline
LUA_LIB   := $(wildcard lua/gprior/*.lua)
CORE_OBJ  := $(CORE_SRC:src/%.c=$(BUILD)/%.o)
BIND_OBJ  := $(BIND_SRC:src/%.c=$(BUILD)/%.o)
HOST_OBJ  := $(HOST_SRC:src/%.c=$(BUILD)/%.o)
TEST_SRC  := $(wildcard tests/c/test_*.c)
TESTS     := $(TEST_SRC:tests/c/%.c=$(BUILD)/tests/%)
BIN       := $(if $(SANITIZER),$(BUILD)/gprior,gprior)
MODULE    := $(if $(SANITIZER),$(BUILD)/gprior.so,gprior.so)

.PHONY: all deps build plots test test-peers valgrind bench fuzz clean install uninstall gallery-check test-slurm
.DEFAULT_GOAL := all

all: deps
	@$(MAKE) --no-print-directory build

deps:
	@scripts/install-deps.sh

build: $(BIN) $(MODULE) $(TESTS)

plots: deps
	@$(MAKE) --no-print-directory build
	@./$(BIN) batch lua/chapter lua/examples lua/inference $(if $(SEED),--seed $(SEED)) $(if $(OUT),--out $(OUT))

test: deps
	@$(MAKE) --no-print-directory build
	@scripts/run-tests.sh $(BUILD) ./$(BIN) $(if $(SANITIZER),,$(CURDIR)/$(MODULE))

test-peers: deps
	@scripts/install-deps.sh python3 python3-numpy python3-sklearn
	@$(MAKE) --no-print-directory build
	@GPRIOR=./$(BIN) sh tests/cli/test_peer_sklearn.sh

bench: deps
	@scripts/install-deps.sh python3 python3-numpy python3-scipy python3-sklearn
	@$(MAKE) --no-print-directory build
	@python3 bench/run.py

valgrind: deps
	@$(MAKE) --no-print-directory build
	@for t in $(TESTS); do valgrind -q --error-exitcode=9 --leak-check=full $$t >/dev/null || exit 1; done
	@d=$$(mktemp -d) && valgrind -q --error-exitcode=9 --leak-check=full ./$(BIN) run tests/lua/run.lua --out $$d; s=$$?; rm -rf $$d; exit $$s
	@valgrind -q --error-exitcode=9 --leak-check=full ./$(BIN) -e 'local a = gp.param("a", 1); gp.rbf{}; assert(a == 2)' --set a=2 2>/dev/null
	@d=$$(mktemp -d) && GPRIOR_QUICK=1 valgrind -q --error-exitcode=9 --leak-check=full ./$(BIN) batch lua/chapter/01_lines_weight_space.lua --seeds 1..2 -j 2 --out $$d >/dev/null 2>&1 && \
	  valgrind -q --error-exitcode=9 --leak-check=full ./$(BIN) gallery $$d 2>/dev/null; s=$$?; rm -rf $$d; exit $$s
	@echo "valgrind: clean"

# Seeds and calls per seed of `make fuzz` (tests/fuzz/fuzz.lua, judged by scripts/fuzz.sh).
FUZZ_SEEDS  ?= 20
FUZZ_CALLS  ?= 20000
FUZZ_VG_SEEDS ?= 3
FUZZ_VG_CALLS ?= 3000

fuzz: deps
	@$(MAKE) --no-print-directory SANITIZER=address,undefined build
	@scripts/fuzz.sh build/address,undefined/gprior $(FUZZ_SEEDS) $(FUZZ_CALLS)
	@$(MAKE) --no-print-directory build
	@scripts/fuzz.sh ./gprior $(FUZZ_VG_SEEDS) $(FUZZ_VG_CALLS) valgrind

install: all
	install -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(LUA_CDIR)" "$(DESTDIR)$(MANDIR)"
	install -m 755 $(BIN) "$(DESTDIR)$(BINDIR)/gprior"
	install -m 644 $(MODULE) "$(DESTDIR)$(LUA_CDIR)/gprior.so"
	install -m 644 src/gprior.1 "$(DESTDIR)$(MANDIR)/gprior.1"

uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/gprior" "$(DESTDIR)$(LUA_CDIR)/gprior.so" "$(DESTDIR)$(MANDIR)/gprior.1"

gallery-check: deps
	@scripts/install-deps.sh chromium
	@$(MAKE) --no-print-directory build
	@scripts/gallery-check.sh ./$(BIN) $(BUILD)/gallery-check

test-slurm: deps
	@scripts/install-deps.sh slurm-wlm munge
	@$(MAKE) --no-print-directory build
	@scripts/test-slurm.sh ./$(BIN) $(BUILD)/slurm

# ---- rules ----------------------------------------------------------------------
$(BUILD)/gp_%.o: src/gp_%.c | $(BUILD)/tests
	$(CC) $(CFLAGS) $(CORE_CFLAGS) -c $< -o $@

$(BUILD)/%.o: src/%.c | $(BUILD)/tests
	$(CC) $(CFLAGS) $(CORE_CFLAGS) $(LUA_CFLAGS) -I$(BUILD) -c $< -o $@

$(BUILD)/lualib.inc: $(LUA_LIB) scripts/embed-lua.sh | $(BUILD)/tests
	scripts/embed-lua.sh $(LUA_LIB) > $@

$(BUILD)/lgprior.o: $(BUILD)/lualib.inc

$(BUILD)/libgpcore.a: $(CORE_OBJ)
	@rm -f $@ # from scratch: an object whose source was removed must not linger
	$(AR) rcs $@ $^

$(BIN): $(HOST_OBJ) $(BIND_OBJ) $(BUILD)/libgpcore.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LUA_LIBS) $(CORE_LIBS) $(HOST_LIBS) -lm -Wl,-E

# The module links no liblua: the interpreter that loads it provides Lua.
$(MODULE): $(BIND_OBJ) $(BUILD)/libgpcore.a
	$(CC) $(LDFLAGS) -shared -o $@ $^ $(CORE_LIBS) -lm

$(BUILD)/tests/helpers.o: tests/c/helpers.c | $(BUILD)/tests
	$(CC) $(CFLAGS) $(CORE_CFLAGS) -Isrc -c $< -o $@

$(BUILD)/tests/%: tests/c/%.c $(BUILD)/tests/helpers.o $(BUILD)/libgpcore.a
	$(CC) $(CFLAGS) $(CORE_CFLAGS) -Isrc -o $@ $< $(BUILD)/tests/helpers.o $(BUILD)/libgpcore.a $(CMOCKA) $(CORE_LIBS) -lm

$(BUILD)/tests:
	mkdir -p $@

clean:
	rm -rf build gprior gprior.so

-include $(wildcard $(BUILD)/*.d $(BUILD)/tests/*.d)
