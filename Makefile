# Thin wrapper around CMake. `make run`, `make build` and `make test` install
# what is missing first (Debian packages, through scripts/install-deps.sh):
# run and build the build set, test the build and test sets. `make install`
# never installs packages: it installs what was built.
BUILD_DIR ?= build
PREFIX ?= /usr/local
BUILD_TYPE ?= RelWithDebInfo
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps test-deps configure build run test install bench clean help sanitize tsan memcheck fuzz reliability-deps deb

all: build

help:
	@echo "make run      install dependencies, build, print this host's capabilities"
	@echo "make test     install dependencies, build, run the whole test suite"
	@echo "make build    build into $(BUILD_DIR)/ (the tool lands at $(BUILD_DIR)/bin/hostcaps)"
	@echo "make install  install (PREFIX=$(PREFIX), DESTDIR honoured); the tool finds the library by its RUNPATH"
	@echo "make deb      Debian packages into $(DEB_DIR)/, then lintian"
	@echo "make bench    run the benchmarks"
	@echo "make sanitize the test suite under AddressSanitizer and UBSan ($(ASAN_DIR)/)"
	@echo "make tsan     the thread tests under ThreadSanitizer ($(TSAN_DIR)/)"
	@echo "make memcheck valgrind over the tool: every section set and format, several hosts"
	@echo "make fuzz     every libFuzzer target for FUZZ_SECONDS=$(FUZZ_SECONDS) s each (clang, $(FUZZ_DIR)/)"

deps:
	@./scripts/install-deps.sh build

test-deps:
	@./scripts/install-deps.sh build test

CONFIGURE = cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS)

# Configured once; CMake configures again by itself when its files change.
$(BUILD_DIR)/CMakeCache.txt:
	$(CONFIGURE)

configure: deps
	$(CONFIGURE)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Only the library and the tool: no test, benchmark or example is built.
run: deps $(BUILD_DIR)/CMakeCache.txt
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target hostcaps-tool
	./$(BUILD_DIR)/bin/hostcaps

# Configured again: the tests are left out of a tree configured without
# Criterion, which test-deps has installed since.
test: test-deps
	$(CONFIGURE)
	cmake --build $(BUILD_DIR) -j $(JOBS)
	cd $(BUILD_DIR) && ctest --output-on-failure -j 1

# Installs the library, the tool and the pages (building what is missing:
# no test or benchmark), never packages. The
# tool carries a RUNPATH to the library ($$ORIGIN/../lib...) wherever PREFIX
# is, so no ldconfig or LD_LIBRARY_PATH is needed to run it.
install: $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS) --target hostcaps-tool hostcaps-man3
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
	@./scripts/install-deps.sh build test reliability

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

# ---- Debian packages (docs/packaging.md) ------------------------------------
# The source tree is copied into $(DEB_DIR)/hostcaps/ (without build trees),
# built there with dpkg-buildpackage (tests off: make test runs them), and the
# packages land in $(DEB_DIR)/; lintian must report no error.
DEB_DIR ?= build-deb

deb:
	@./scripts/install-deps.sh build package
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_DIR)/hostcaps
	tar -cf - --exclude=./.git --exclude=./build --exclude='./build-*' --exclude=./obj-\* . | tar -xf - -C $(DEB_DIR)/hostcaps
	cd $(DEB_DIR)/hostcaps && DEB_BUILD_OPTIONS="nocheck $(DEB_BUILD_OPTIONS)" dpkg-buildpackage -us -uc -b
	lintian --fail-on error $(DEB_DIR)/*.changes
	@ls $(DEB_DIR)/*.deb
