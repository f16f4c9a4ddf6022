# Makefile - a thin wrapper over the CMake presets in CMakePresets.json.
#
#   make run     release build, then replay every scenario against its golden
#   make test    the ci build (-O2, warnings are errors) and every ctest test
#   make dev     the sanitizer build (ASan + UBSan) and its tests
#   make bench   release build, then the benchmarks
#   make matrix  the determinism matrix (gcc -O0, clang -O3, ASan+UBSan, -m32)
#   make fuzz    clang libFuzzer build in build/fuzz, each fuzzer FUZZ_SECONDS (60)
#   make deps    install the Debian packages the project needs (scripts/deps.sh)
#   make clean   remove what these targets built
#
# Every target installs missing packages first and builds incrementally.
# JOBS sets build parallelism (default 2, the CI machine's cores).

JOBS ?= 2

.PHONY: help run test dev bench matrix fuzz deps clean
.DEFAULT_GOAL := help

help:
	@sed -n 's/^#   make /make /p' $(firstword $(MAKEFILE_LIST))

deps:
	@bash scripts/deps.sh

# $(call build,PRESET): configure (cheap when nothing changed) and build.
# --no-print-directory: CMake's makefiles run under ours would otherwise
# announce every directory they enter.
define build
	cmake --preset $(1)
	cmake --build --preset $(1) -j$(JOBS) -- --no-print-directory
endef

run: deps
	$(call build,release)
	build/release/cli/quarry check scenarios/

test: deps
	$(call build,ci)
	ctest --preset ci

dev: deps
	$(call build,dev)
	ctest --preset dev

bench: deps
	$(call build,release)
	build/release/benches/quarry-bench --root .

matrix: deps
	bash scripts/matrix.sh build/matrix

fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) JOBS=$(JOBS) bash tests/fuzz/fuzz.sh

clean:
	rm -rf build/dev build/release build/ci build/matrix build/fuzz
