# Thin wrapper around CMake (the way neovim does it): make, make test, make install.
BUILD ?= build
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo
JOBS ?= $(shell nproc)

.PHONY: all deps test-deps build test unit integration demo install asan clean format fuzz fuzz-smoke bench

all: build

deps:
	@scripts/deps.sh build

test-deps:
	@scripts/deps.sh test

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# Every test: unit suites, then the real-server lab (root only; skipped with a message otherwise).
test: test-deps build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

unit: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L unit

demo: build
	$(BUILD)/mxray demo

install: build
	cmake --install $(BUILD)

# The whole suite under AddressSanitizer + UBSan (leaks checked; any report fails the test).
asan: export ASAN_OPTIONS = detect_leaks=1:abort_on_error=1
asan: export UBSAN_OPTIONS = print_stacktrace=1:halt_on_error=1
asan:
	$(MAKE) test BUILD=build-asan CMAKE_FLAGS="-DCMAKE_BUILD_TYPE=Debug -DMXRAY_SANITIZE=ON"

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
