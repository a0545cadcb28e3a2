# The two entry points of the README. Both install the Debian packages first (idempotent).
BUILD ?= build
JOBS ?= 2
# Unity build: each library compiles its sources in batches of UNITY_BATCH files. Every source that
# includes LibTorch spends about 7 s instantiating its templates, even with the precompiled header;
# batching pays that once per batch (clean `make test` on 2 cores: 25 min before, under 10 min with it).
# Set UNITY=OFF for one object per source (quicker rebuilds while editing a single file).
UNITY ?= ON
UNITY_BATCH ?= 8
export OMP_NUM_THREADS ?= 2
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: deps build test run bench clean

deps:
	bash tools/install_deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_UNITY_BUILD=$(UNITY) -DCMAKE_UNITY_BUILD_BATCH_SIZE=$(UNITY_BATCH)
	cmake --build $(BUILD) -j$(JOBS)

# Installs, builds and runs every test.
test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 600

# Installs, builds and runs the main job on the bundled example.
run: build
	bash tools/run_example.sh $(BUILD)/src/cli/tessera

bench: build
	bash bench/run_all.sh $(BUILD)

clean:
	rm -rf $(BUILD)
