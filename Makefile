# The project's commands. `make test` and `make demo` install what they need.
BUILD   ?= build
JOBS    ?= $(shell nproc)
PYTHON  := /usr/bin/python3
# CMake's own make runs under ours: no "Entering directory" lines around its progress.
MAKEFLAGS += --no-print-directory
CONFIG  := -DCMAKE_BUILD_TYPE=RelWithDebInfo -DESPNOW_WERROR=ON
# The sanitizer builds keep line tables only (-g1): their reports still name
# every frame's function, file and line, and compiling takes a third less
# than with full debug information (-g). They leave out what no test runs
# there: the benchmarks, the CLI, the compile-only checks.
SANITIZER_CONFIG := -DCMAKE_BUILD_TYPE=Debug -DESPNOW_WERROR=ON -DESPNOW_EXTERNAL_TESTS=OFF \
                    -DESPNOW_BUILD_BENCH=OFF -DESPNOW_BUILD_CLI=OFF -DESPNOW_COMPILE_CHECKS=OFF -DCMAKE_CXX_FLAGS=-O1 \
                    -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DCMAKE_C_FLAGS_DEBUG=-g1

# Everything the build and the tests use, from Debian.
DEBS := cmake g++ make pkg-config zlib1g-dev libisal-dev libpcap-dev libgtest-dev libgmock-dev \
        libmosquitto-dev mosquitto mosquitto-clients \
        libbenchmark-dev python3 python3-pytest python3-scapy python3-cryptography tshark \
        libasio-dev libcli11-dev iproute2 libmbedtls-dev libnl-genl-3-dev pybind11-dev python3-dev \
        clang-14 libclang-rt-14-dev nlohmann-json3-dev libns3-dev chromium libfmt-dev

FUZZ_SECONDS ?= 300
SOAK_SECONDS ?= 600
SWEEP_SEEDS ?= 1000
SWEEP_BUDGET_S ?= 1800
FUZZ_CONFIG := -DCMAKE_BUILD_TYPE=RelWithDebInfo -DESPNOW_FUZZ=ON -DESPNOW_BUILD_TESTS=OFF \
               -DESPNOW_BUILD_BENCH=OFF -DESPNOW_BUILD_TOOLS=OFF \
               -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14

.PHONY: all deps configure build release test test-fast test-asan test-tsan test-fuzz fuzz fuzz-build soak demo demo-wire bench clean

all: build

deps:
	@scripts/install-deps.sh $(DEBS)

# One build directory for everything: `make demo` configures the same one as
# `make build`, so a later `make test` reuses what the demo built.
configure: deps
	cmake -S . -B $(BUILD) $(CONFIG)

build: configure
	cmake --build $(BUILD) -j$(JOBS)

# The whole suite, then again under AddressSanitizer+UBSan and ThreadSanitizer,
# then every fuzz target's corpus replayed and a 20-second fuzzing run each.
test: test-fast test-asan test-tsan test-fuzz

test-fast: build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

test-asan: deps
	cmake -S . -B $(BUILD)/asan $(SANITIZER_CONFIG) -DESPNOW_SANITIZE=address,undefined
	cmake --build $(BUILD)/asan -j$(JOBS)
	ctest --test-dir $(BUILD)/asan --output-on-failure -j$(JOBS)

test-tsan: deps
	cmake -S . -B $(BUILD)/tsan $(SANITIZER_CONFIG) -DESPNOW_SANITIZE=thread
	cmake --build $(BUILD)/tsan -j$(JOBS)
	ctest --test-dir $(BUILD)/tsan --output-on-failure -j$(JOBS)

# The seeds' asyncio example (heartbeat + echo server) on two virtual devices.
fuzz-build: deps
	cmake -S . -B $(BUILD)/fuzz $(FUZZ_CONFIG)
	cmake --build $(BUILD)/fuzz -j$(JOBS)

test-fuzz: fuzz-build
	scripts/run-fuzzers.sh $(BUILD)/fuzz 20

# Every fuzz target for FUZZ_SECONDS (default 300) each.
fuzz: fuzz-build
	scripts/run-fuzzers.sh $(BUILD)/fuzz $(FUZZ_SECONDS)

# The soak: 8 devices in-process and 2 processes on a UDP air, 20% loss, churn,
# for SOAK_SECONDS (default 600); exact accounting and flat memory at the end.
# `make test` runs it for 30 s in every build (LeakSanitizer in the ASan one).
# Then the seed sweep on virtual time: SWEEP_SEEDS (default 1000) seeds of a
# 50-device scenario with faults drawn from each seed, within SWEEP_BUDGET_S
# (default 1800) wall seconds; a failing seed prints the command that replays it.
soak: build
	$(BUILD)/tests/espnow_soak --seconds $(SOAK_SECONDS)
	$(BUILD)/tests/espnow_sim_sweep --seeds $(SWEEP_SEEDS) --devices 50 --seconds 30 --budget-s $(SWEEP_BUDGET_S)

# The demos build only their own program and what it links, not the tests,
# benchmarks and Python module that `make build` adds.
FIRST_BUILD_NOTE = @test -x $(BUILD)/examples/$(1) || echo "--- First run: building the library and $(1) only (about 40 s on 2 cores; CMake shows its progress) ---"

demo: configure
	$(call FIRST_BUILD_NOTE,echo_heartbeat)
	cmake --build $(BUILD) --target echo_heartbeat -j$(JOBS)
	$(BUILD)/examples/echo_heartbeat $(DEMO_FLAGS)

# The codec: one frame encoded, written to a pcap, decoded, and shown by tshark.
demo-wire: configure
	$(call FIRST_BUILD_NOTE,wire_demo)
	cmake --build $(BUILD) --target wire_demo -j$(JOBS)
	$(BUILD)/examples/wire_demo $(BUILD)/demo.pcap
	@echo "--- tshark's view of $(BUILD)/demo.pcap ---"
	@tshark -r $(BUILD)/demo.pcap -o wlan.check_checksum:TRUE 2>/dev/null

# The release build: -O3, link-time and profile-guided optimization
# (scripts/build-release.sh says how), in $(BUILD)/release.
release: deps
	scripts/build-release.sh $(BUILD) $(JOBS)

bench: release
	$(PYTHON) bench/run.py $(BUILD)/release/bench $(BUILD)/bench/results.json

clean:
	rm -rf $(BUILD)
