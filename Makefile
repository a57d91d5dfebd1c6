# The two commands of the README (`make demo`, `make test`) and their helpers.
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc)
GENERATOR  := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")
PHASEGATE  := $(BUILD)/phasegate

.PHONY: deps configure build demo test test-sanitize fuzz bench clean

deps:
	@./scripts/install-deps.sh

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) $(GENERATOR) -DCMAKE_BUILD_TYPE=RelWithDebInfo

configure: deps $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# The main job on the shipped example. Exit 0 when it ran, whatever the advice.
demo: build
	@./scripts/demo.sh $(PHASEGATE)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

test-sanitize: deps
	cmake -S . -B $(ASAN_BUILD) $(GENERATOR) -DCMAKE_BUILD_TYPE=Debug -DPHASEGATE_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

fuzz:
	@./scripts/install-deps.sh --fuzz
	cmake -S . -B $(FUZZ_BUILD) $(GENERATOR) -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPHASEGATE_FUZZ=ON -DPHASEGATE_TESTS=OFF
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_parse
	mkdir -p $(FUZZ_BUILD)/corpus
	$(FUZZ_BUILD)/fuzz/fuzz_parse $(FUZZ_BUILD)/corpus tests/fuzz/corpus -max_total_time=$${FUZZ_SECONDS:-60} -artifact_prefix=tests/fuzz/crashes/

# Benchmarks against the peer engines (installs clingo, SWI-Prolog and CLIPS); writes bench/RESULTS.md.
bench: build
	@./scripts/install-deps.sh --bench
	./bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
