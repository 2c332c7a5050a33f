# cxloop — build, demo and tests.
#
#   make          build ./cxloop (gcc, -O2)
#   make demo     install what is missing, build, serve the demo organisation
#   make check    install what is missing, build, run every test
#   make bench    run the benchmarks under bench/
#
# The unit tests and a second copy of the binary are built with clang under
# AddressSanitizer and UndefinedBehaviorSanitizer (build/asan/), so every
# `make check` compiles the tree with both compilers, warnings as errors.

ifeq ($(origin CC),default)
CC        := gcc
endif
SAN_CC    ?= clang
PKGS      := libmicrohttpd sqlite3 jansson libsodium gsl
PKGS      += libutf8proc
PKGS      += libqrencode libpng libcurl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wformat=2 -Wno-format-nonliteral -Wvla
CFLAGS    ?= -O2 -g
ALL_CFLAGS := -std=c17 -D_GNU_SOURCE $(WARN) -Isrc -Ibuild/gen $(PKG_CFLAGS) $(CFLAGS)
LIBS      := $(PKG_LIBS) -lpthread -lm
SAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
             -fno-sanitize-recover=undefined

VERSION   := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
SOURCES   := $(sort $(wildcard src/*.c src/*/*.c))
# what unit tests link: everything below the command line
LIB_SOURCES := $(filter-out src/main.c src/cli/%,$(SOURCES))
ASSETS    := $(sort $(wildcard web/*))
OBJECTS   := $(SOURCES:%.c=build/%.o)
SAN_OBJECTS := $(SOURCES:%.c=build/asan/%.o)
SAN_LIB_OBJECTS := $(LIB_SOURCES:%.c=build/asan/%.o)
UNIT_TESTS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_TESTS:tests/unit/%.c=build/asan/tests/%)

PYTHON    := /usr/bin/python3

.PHONY: all deps test-deps demo check codecheck unit http browser bench clean san
all: cxloop

deps:
	@scripts/install-deps

test-deps:
	@scripts/install-deps --test

cxloop: deps-ok $(OBJECTS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -o $@ $(OBJECTS) $(LIBS)

# pkg-config must find the libraries before anything compiles; a clear
# message beats a screen of missing headers.
.PHONY: deps-ok
deps-ok:
	@pkg-config --exists $(PKGS) || { echo "cxloop: build libraries are missing; run 'make demo' or scripts/install-deps as root" >&2; exit 1; }

build/gen/version.h: VERSION
	@mkdir -p $(dir $@)
	@printf '#define CXLOOP_VERSION "%s"\n' "$(VERSION)" > $@

# `make V=1` shows the full commands.
Q := $(if $(V),,@)

build/%.o: %.c build/gen/version.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# The embedded assets are pulled in with .incbin, so the object depends on
# the files it embeds.
build/src/web/assets.o build/asan/src/web/assets.o: $(ASSETS)

build/asan/%.o: %.c build/gen/version.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC/SAN  $<")
	$(Q)$(SAN_CC) $(ALL_CFLAGS) $(SAN_FLAGS) -MMD -MP -c -o $@ $<

build/asan/cxloop: $(SAN_OBJECTS)
	@$(if $(Q),echo "  LD/SAN  $@")
	$(Q)$(SAN_CC) $(SAN_FLAGS) -o $@ $(SAN_OBJECTS) $(LIBS)

build/asan/tests/%: tests/unit/%.c $(SAN_LIB_OBJECTS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(SAN_CC) $(ALL_CFLAGS) $(SAN_FLAGS) -Itests/unit -o $@ $< $(SAN_LIB_OBJECTS) $(LIBS) -lcriterion

LIB_OBJECTS := $(LIB_SOURCES:%.c=build/%.o)
build/bench/%: bench/metrics/%.c $(LIB_OBJECTS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_OBJECTS) $(LIBS)
build/bench/search_bench: bench/search/search_bench.c $(LIB_OBJECTS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_OBJECTS) $(LIBS)

# Fuzzers (libFuzzer, clang): one per parser under tests/fuzz; `make fuzz`
# builds them, docs/internals/csv.md says how to run them.
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
              -fno-sanitize-recover=undefined
FUZZ_LIB := src/core/csv.c src/core/charset.c src/core/parse.c src/core/buf.c src/core/utf8.c \
            src/core/result.c
build/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB) build/gen/version.h
	@mkdir -p $(dir $@)
	$(SAN_CC) $(ALL_CFLAGS) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_LIB) -lpthread -lm
.PHONY: fuzz
fuzz: $(FUZZ_TARGETS)

CSV_BENCH_SRC := bench/csv/csv_bench.c src/core/csv.c src/core/charset.c src/core/buf.c \
                 src/core/rng.c src/core/result.c src/core/utf8.c
build/bench/csv_bench: $(CSV_BENCH_SRC) build/gen/version.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $(CSV_BENCH_SRC) -lm

san: build/asan/cxloop

demo: deps
	@$(MAKE) --no-print-directory cxloop
	./cxloop demo

# Unit tests: Criterion, under ASan + UBSan. Each binary prints its
# "Synthesis:" line; the run stops at the first failing file.
unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do \
	  echo "== $$t"; \
	  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    $$t --jobs 2 --short-filename; \
	done

# Black-box tests of the real binaries: the optimised one and the
# sanitizer build, both over HTTP and the command line.
http: cxloop build/asan/cxloop
	env -u CXLOOP_BIN $(PYTHON) -m pytest -q -p no:cacheprovider tests/http
	CXLOOP_BIN=build/asan/cxloop $(PYTHON) -m pytest -q -p no:cacheprovider tests/http

browser: cxloop
	env -u CXLOOP_BIN $(PYTHON) -m pytest -q -p no:cacheprovider tests/browser

# Raw %s in the web layer's output needs a stated reason (tools/).
codecheck:
	@$(PYTHON) tools/check-raw-html.py src/web/*.c

check: test-deps
	@$(MAKE) --no-print-directory codecheck
	@$(MAKE) --no-print-directory cxloop build/asan/cxloop $(UNIT_BINS)
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory http
	@$(MAKE) --no-print-directory browser

bench: cxloop build/bench/csv_bench build/bench/engine_bench
	bench/run

clean:
	rm -rf build cxloop

-include $(OBJECTS:.o=.d) $(SAN_OBJECTS:.o=.d)
