# Thin wrapper around CMake (the way neovim does it): make, make test, make install.
BUILD ?= build
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo
JOBS ?= $(shell nproc)
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all deps test-deps build configure-tests test unit integration demo install package \
	asan clean format fuzz fuzz-smoke bench

all: build

deps:
	@scripts/deps.sh build

test-deps:
	@scripts/deps.sh test

# The first configure of a build directory leaves the tests out (MXRAY_TESTS=OFF), so
# `make build` and `make demo` need only the build packages; `make test` turns them on.
$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DMXRAY_TESTS=OFF $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# The demo builds the mxray binary alone, whatever else the build directory has.
demo: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS) --target mxray
	$(BUILD)/mxray demo

# Tests on (Check required) and warnings as errors, as in CI.
configure-tests: test-deps
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS) -DMXRAY_TESTS=ON -DMXRAY_WERROR=ON

# Every test (unit suites, shell tests, fuzz replays; the real-server lab needs root). The
# results also go to $(BUILD)/junit.xml; with CI=true any skipped test fails the run, except
# those named in ALLOW_SKIP.
ALLOW_SKIP ?=
test: configure-tests
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --output-junit junit.xml
	@if [ "$${CI:-}" = true ]; then .ci/no-skips $(BUILD)/junit.xml $(ALLOW_SKIP); fi

unit: configure-tests
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L unit

# make install [PREFIX=/usr/local] [DESTDIR=/staging]: the binary, the man page, bash and zsh
# completions, README and docs (cmake/install.cmake).
install: build
	DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix "$(PREFIX)"

# A Debian package in $(BUILD): mxray_VERSION_ARCH.deb (dpkg-dev finds its dependencies).
package: build
	cd $(BUILD) && cpack -G DEB

# The whole suite under AddressSanitizer + UBSan (leaks checked; any report fails the test).
asan: export ASAN_OPTIONS = detect_leaks=1:abort_on_error=1
asan: export UBSAN_OPTIONS = print_stacktrace=1:halt_on_error=1
# Two third-party leaks (libtinfo after a failed newterm, glibc setlocale with LOCPATH) are
# suppressed, each named with why in tests/lsan.supp; nothing of mxray's own.
asan: export LSAN_OPTIONS = suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
# valgrind cannot run a sanitizer build: the one test allowed to skip there.
asan:
	$(MAKE) test BUILD=build-asan CMAKE_FLAGS="-DCMAKE_BUILD_TYPE=Debug -DMXRAY_SANITIZE=ON" \
		ALLOW_SKIP=integration.valgrind

# libFuzzer targets (clang, ASan+UBSan), each run FUZZ_SECONDS by scripts/fuzz.sh; see
# docs/robustness.md. fuzz-smoke is the short CI run.
FUZZ_SECONDS ?= 60
FUZZ_BUILD ?= build-fuzz

fuzz: test-deps
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DMXRAY_SANITIZE=ON -DMXRAY_FUZZ=ON
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers
	scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

fuzz-smoke:
	$(MAKE) fuzz FUZZ_SECONDS=10

format:
	clang-format -i src/*.[ch] src/lab/*.[ch] ui/*/*.[ch] tests/unit/*.[ch]

clean:
	rm -rf $(BUILD) build-asan $(FUZZ_BUILD)

# Benchmarks (not tests): bench/README.md. Writes docs/performance.md; the delay sections need
# root (a network namespace); `cd bench && npm install` adds the mailauth peer.
bench: build
	bench/bench.sh $(BUILD)/mxray
	nice -n 19 bench/report_bench.py --mxray $(BUILD)/mxray
