# Thin wrapper around CMake. `make run` and `make test` install what is
# missing first (Debian packages, through scripts/install-deps.sh).
BUILD_DIR ?= build
PREFIX ?= /usr/local
BUILD_TYPE ?= RelWithDebInfo
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps configure build run test install bench clean help sanitize tsan memcheck fuzz reliability-deps

all: build

help:
	@echo "make run      install dependencies, build, print this host's capabilities"
	@echo "make test     install dependencies, build, run the whole test suite"
	@echo "make build    build into $(BUILD_DIR)/ (the tool lands at $(BUILD_DIR)/bin/hostcaps)"
	@echo "make install  install (PREFIX=$(PREFIX), DESTDIR honoured)"
	@echo "make bench    run the benchmarks"
	@echo "make sanitize the test suite under AddressSanitizer and UBSan ($(ASAN_DIR)/)"
	@echo "make tsan     the thread tests under ThreadSanitizer ($(TSAN_DIR)/)"
	@echo "make memcheck valgrind over the tool: every section set and format, several hosts"
	@echo "make fuzz     every libFuzzer target for FUZZ_SECONDS=$(FUZZ_SECONDS) s each (clang, $(FUZZ_DIR)/)"

deps:
	@./scripts/install-deps.sh

configure: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	./$(BUILD_DIR)/bin/hostcaps

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j 1

install: build
	DESTDIR=$(DESTDIR) cmake --install $(BUILD_DIR) --prefix $(PREFIX)

bench: build
	@if [ -x $(BUILD_DIR)/bin/hostcaps-bench ]; then ./bench/run.sh $(BUILD_DIR); else echo "no benchmarks built" >&2; exit 1; fi

clean:
	rm -rf $(BUILD_DIR)

# ---- Reliability (docs/reliability.md): each in its own build directory ----
ASAN_DIR ?= build-asan
TSAN_DIR ?= build-tsan
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
# Stop at the first finding; leaks are findings. The examples link the
# installed library, which brings libasan in after the program: allowed.
SANITIZE_ENV = ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:verify_asan_link_order=0 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
TSAN_ENV = TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1

reliability-deps:
	@./scripts/install-deps.sh reliability

sanitize: reliability-deps
	cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DHOSTCAPS_SANITIZE=address,undefined $(CMAKE_FLAGS)
	cmake --build $(ASAN_DIR) -j $(JOBS)
	cd $(ASAN_DIR) && $(SANITIZE_ENV) ctest --output-on-failure -j 1

tsan: reliability-deps
	cmake -S . -B $(TSAN_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DHOSTCAPS_SANITIZE=thread $(CMAKE_FLAGS)
	cmake --build $(TSAN_DIR) -j $(JOBS) --target hostcaps-tsan-tests
	cd $(TSAN_DIR) && $(TSAN_ENV) ctest --output-on-failure -j 1 -R '^tsan-'

memcheck: reliability-deps build
	JOBS=$(JOBS) ./scripts/memcheck.sh $(BUILD_DIR)

fuzz: reliability-deps
	CC=clang cmake -S . -B $(FUZZ_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DHOSTCAPS_FUZZ=ON $(CMAKE_FLAGS)
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target hostcaps-fuzzers
	./scripts/fuzz.sh $(FUZZ_DIR) $(FUZZ_SECONDS)
