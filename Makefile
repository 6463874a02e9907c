# Thin wrapper: dependencies, build, the main job and the tests. CMake does the real work.
PRESET ?= release
BUILD_DIR := build/$(PRESET)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SUITE ?= quick

.PHONY: all deps build run test vs-direct vs-onednn vs-cublas format clean

all: build

deps:
	@bash cmake/install-deps.sh

build: deps
	cmake --preset $(PRESET)
	cmake --build --preset $(PRESET) -j $(JOBS)

run: build
	./$(BUILD_DIR)/ccbench run --suite $(SUITE)

test: build
	ctest --preset $(PRESET)

vs-direct: build
	./$(BUILD_DIR)/ccbench-vs-direct

vs-onednn: build
	./$(BUILD_DIR)/ccbench-vs-onednn

vs-cublas: build
	./$(BUILD_DIR)/ccbench-vs-cublas

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf build
