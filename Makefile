# The project's commands. `make test` and `make demo` install what they need.
BUILD   ?= build
JOBS    ?= $(shell nproc)
PYTHON  := /usr/bin/python3
CONFIG  := -DCMAKE_BUILD_TYPE=RelWithDebInfo -DESPNOW_WERROR=ON
SANITIZER_CONFIG := -DCMAKE_BUILD_TYPE=Debug -DESPNOW_WERROR=ON -DESPNOW_EXTERNAL_TESTS=OFF \
                    -DESPNOW_BUILD_BENCH=OFF -DCMAKE_CXX_FLAGS=-O1

# Everything the build and the tests use, from Debian.
DEBS := cmake g++ make pkg-config zlib1g-dev libpcap-dev libgtest-dev libgmock-dev \
        libbenchmark-dev python3 python3-pytest python3-scapy python3-cryptography tshark \
        libasio-dev libcli11-dev iproute2 libmbedtls-dev

.PHONY: all deps build test test-fast test-asan test-tsan demo demo-wire bench clean

all: build

deps:
	@scripts/install-deps.sh $(DEBS)

build: deps
	cmake -S . -B $(BUILD) $(CONFIG)
	cmake --build $(BUILD) -j$(JOBS)

# The whole suite, then again under AddressSanitizer+UBSan and ThreadSanitizer.
test: test-fast test-asan test-tsan

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
demo: build
	$(BUILD)/examples/echo_heartbeat $(DEMO_FLAGS)

# The codec: one frame encoded, written to a pcap, decoded, and shown by tshark.
demo-wire: build
	$(BUILD)/examples/wire_demo $(BUILD)/demo.pcap
	@echo "--- tshark's view of $(BUILD)/demo.pcap ---"
	@tshark -r $(BUILD)/demo.pcap -o wlan.check_checksum:TRUE 2>/dev/null

bench: deps
	cmake -S . -B $(BUILD)/release -DCMAKE_BUILD_TYPE=Release -DESPNOW_BUILD_TESTS=OFF
	cmake --build $(BUILD)/release -j$(JOBS)
	$(PYTHON) bench/run.py $(BUILD)/release/bench $(BUILD)/bench/results.json

clean:
	rm -rf $(BUILD)
