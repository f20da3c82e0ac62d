# gprior: Gaussian-process priors in C, scripted from Lua, drawn by gnuplot.
#
#   make plots                  install what is missing, build, run lua/chapter/*.lua (gprior batch)
#   make test                   every test suite; last line "total: N passed, N failed"
#   make SANITIZER=address test the same under AddressSanitizer (or =undefined)
#   make valgrind               the C suites and the Lua suite under valgrind
#   make bench                  timings against numpy, scipy, scikit-learn and bare LAPACK

# ---- settings ---------------------------------------------------------------
CC        ?= cc
SANITIZER ?=
PKGS      := lua5.4 openblas lapacke fftw3
OPT       ?= -O2
SEED      ?= 1
OUT       ?= plots
VERSION   := 0.1.0

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
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))
CMOCKA     = $(shell pkg-config --cflags --libs cmocka)
CFLAGS    += -DGPRIOR_VERSION=\"$(VERSION)\" -std=c11 $(OPT) -fno-math-errno -g -fPIC $(WARNINGS) $(SANFLAGS) -MMD -MP
LDFLAGS   += $(SANFLAGS)

# ---- files --------------------------------------------------------------------
CORE_SRC  := $(wildcard src/gp_*.c)
BIND_SRC  := $(wildcard src/l*.c)
HOST_SRC  := src/main.c $(wildcard src/batch*.c)
LUA_LIB   := $(wildcard lua/gprior/*.lua)
CORE_OBJ  := $(CORE_SRC:src/%.c=$(BUILD)/%.o)
BIND_OBJ  := $(BIND_SRC:src/%.c=$(BUILD)/%.o)
HOST_OBJ  := $(HOST_SRC:src/%.c=$(BUILD)/%.o)
TEST_SRC  := $(wildcard tests/c/test_*.c)
TESTS     := $(TEST_SRC:tests/c/%.c=$(BUILD)/tests/%)
BIN       := $(if $(SANITIZER),$(BUILD)/gprior,gprior)
MODULE    := $(if $(SANITIZER),$(BUILD)/gprior.so,gprior.so)

.PHONY: all deps build plots test valgrind bench clean
.DEFAULT_GOAL := all

all: deps
	@$(MAKE) --no-print-directory build

deps:
	@scripts/install-deps.sh

build: $(BIN) $(MODULE) $(TESTS)

plots: deps
	@$(MAKE) --no-print-directory build
	@./$(BIN) batch lua/chapter --seed $(SEED) --out $(OUT)

test: deps
	@$(MAKE) --no-print-directory build
	@scripts/run-tests.sh $(BUILD) ./$(BIN) $(if $(SANITIZER),,$(CURDIR)/$(MODULE))

bench: deps
	@scripts/install-deps.sh python3 python3-numpy python3-scipy python3-sklearn
	@$(MAKE) --no-print-directory build
	@python3 bench/run.py

valgrind: deps
	@$(MAKE) --no-print-directory build
	@for t in $(TESTS); do valgrind -q --error-exitcode=9 --leak-check=full $$t >/dev/null || exit 1; done
	@valgrind -q --error-exitcode=9 --leak-check=full ./$(BIN) run tests/lua/run.lua
	@echo "valgrind: clean"

# ---- rules ----------------------------------------------------------------------
$(BUILD)/%.o: src/%.c | $(BUILD)/tests
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -I$(BUILD) -c $< -o $@

$(BUILD)/lualib.inc: $(LUA_LIB) scripts/embed-lua.sh | $(BUILD)/tests
	scripts/embed-lua.sh $(LUA_LIB) > $@

$(BUILD)/lgprior.o: $(BUILD)/lualib.inc

$(BUILD)/libgpcore.a: $(CORE_OBJ)
	@rm -f $@ # from scratch: an object whose source was removed must not linger
	$(AR) rcs $@ $^

$(BIN): $(HOST_OBJ) $(BIND_OBJ) $(BUILD)/libgpcore.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm -Wl,-E

$(MODULE): $(BIND_OBJ) $(BUILD)/libgpcore.a
	$(CC) $(LDFLAGS) -shared -o $@ $^ $(shell pkg-config --libs openblas lapacke fftw3) -lm

$(BUILD)/tests/helpers.o: tests/c/helpers.c | $(BUILD)/tests
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Isrc -c $< -o $@

$(BUILD)/tests/%: tests/c/%.c $(BUILD)/tests/helpers.o $(BUILD)/libgpcore.a
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Isrc -o $@ $< $(BUILD)/tests/helpers.o $(BUILD)/libgpcore.a $(CMOCKA) $(PKG_LIBS) -lm

$(BUILD)/tests:
	mkdir -p $@

clean:
	rm -rf build gprior gprior.so

-include $(wildcard $(BUILD)/*.d $(BUILD)/tests/*.d)
