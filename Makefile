# Thin wrapper around CMake. `make run` and `make test` install what is
# missing first (Debian packages, through scripts/install-deps.sh).
BUILD_DIR ?= build
PREFIX ?= /usr/local
BUILD_TYPE ?= RelWithDebInfo
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps configure build run test install bench clean help

all: build

help:
	@echo "make run      install dependencies, build, print this host's capabilities"
	@echo "make test     install dependencies, build, run the whole test suite"
	@echo "make build    build into $(BUILD_DIR)/ (the tool lands at $(BUILD_DIR)/bin/hostcaps)"
	@echo "make install  install (PREFIX=$(PREFIX), DESTDIR honoured)"
	@echo "make bench    run the benchmarks"

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
