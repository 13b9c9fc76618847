# Koppeling. The whole set-up is two commands:
#   make run    install what is missing, then start the demo
#   make test   install what is missing, then run every test
# Other targets: test-short (the edit-test loop), build, lint, deps, clean.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO      ?= go
BIN     := bin/koppeling
GOPATH  := $(shell $(GO) env GOPATH)
STATICCHECK         := $(GOPATH)/bin/staticcheck
STATICCHECK_VERSION := v0.8.2

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
# DATE is the last commit's time (UTC), not the time of the build: the same
# sources give the same binary, and `make run` does not relink every time.
DATE    ?= $(shell TZ=UTC git log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ 2>/dev/null || echo unknown)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)

# Debian packages the build and the tests need: a C compiler for cgo, the
# OpenGL and X11 headers Fyne builds against, Xvfb and ImageMagick for
# screenshots of the real window, D-Bus plus gnome-keyring for the
# real-keychain tests, and openbox, a small window manager for the test that
# hides and shows the real window under Xvfb.
APT_PACKAGES := gcc pkg-config libgl1-mesa-dev xorg-dev xvfb imagemagick dbus dbus-x11 gnome-keyring openbox

# Build tags of Fyne code: migrated_fynedo says every UI change from a
# goroutine goes through fyne.Do; no_emoji leaves out Fyne's colour emoji
# font, which Koppeling never shows but Fyne parses once per text style
# (4 MB in the binary, about 13 MB of heap: BENCHMARKS.md, issue 14 item 9);
# the tests add ci (Fyne's headless driver).
TAGS      := migrated_fynedo,no_emoji
TEST_TAGS := ci,$(TAGS)

.PHONY: help
help:
	@echo "make run    start Koppeling in demo mode (installs what is missing)"
	@echo "make test   run every test (installs what is missing)"
	@echo "make test-short  the quick loop while editing: go test -short, no D-Bus, no Fyne patch"
	@echo "make build  build $(BIN)"
	@echo "make lint   gofmt, go vet and staticcheck"

# deps installs what is missing: Debian packages (only on Debian/Ubuntu, only
# those not installed yet), Go modules and staticcheck.
.PHONY: deps
deps: deps-system deps-go

.PHONY: deps-system
deps-system:
	@if command -v dpkg-query >/dev/null 2>&1; then \
	  missing=""; \
	  for p in $(APT_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	  done; \
	  if [ -n "$$missing" ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    if [ "$$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; \
	    else echo "Need root or sudo to install:$$missing" >&2; exit 1; fi; \
	    $$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq; \
	    $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  fi; \
	else \
	  echo "Not a Debian system: install the prerequisites named in README.md by hand."; \
	fi

.PHONY: deps-go
deps-go:
	$(GO) mod download
	@[ -x "$(STATICCHECK)" ] && "$(STATICCHECK)" -version 2>/dev/null | grep -q "$(STATICCHECK_VERSION:v%=%)" || \
	  { echo "Installing staticcheck $(STATICCHECK_VERSION)"; $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION); }

# Koppeling builds Fyne with a patched main loop (packaging/fyne-patch/README.md):
# while no window is visible it sleeps until the system or the app needs it,
# instead of waking 60 times a second, so the app idles in the tray without
# using CPU. `make fyne-patch` copies the Fyne module from the module cache
# into bin/patched, puts the patched files in, and writes bin/patched/go.mod: go.mod plus a
# replace directive. Builds and tests use it with -modfile. It is made for one
# Fyne version; any other version stops the build.
FYNE_PATCH_VERSION := v2.7.1
PATCHED_MOD := $(CURDIR)/bin/patched/go.mod
.PHONY: fyne-patch
fyne-patch: $(PATCHED_MOD)
$(PATCHED_MOD): go.mod go.sum $(wildcard packaging/fyne-patch/*.patched packaging/fyne-patch/painter/*.patched)
	@$(GO) mod download fyne.io/fyne/v2
	@dir="$$($(GO) list -m -f '{{.Dir}}' fyne.io/fyne/v2)"; ver="$$($(GO) list -m -f '{{.Version}}' fyne.io/fyne/v2)"; \
	  if [ "$$ver" != "$(FYNE_PATCH_VERSION)" ]; then \
	    echo "packaging/fyne-patch is made for Fyne $(FYNE_PATCH_VERSION) but go.mod has $$ver: redo the patch (packaging/fyne-patch/README.md)." >&2; exit 1; \
	  fi; \
	  rm -rf bin/patched && mkdir -p bin/patched && cp -R "$$dir" bin/patched/fyne && chmod -R u+w bin/patched/fyne && \
	  for f in packaging/fyne-patch/*.patched; do b="$$(basename "$$f" .patched)"; cp "$$f" "bin/patched/fyne/internal/driver/glfw/$$b"; done && \
	  for f in packaging/fyne-patch/painter/*.patched; do b="$$(basename "$$f" .patched)"; cp "$$f" "bin/patched/fyne/internal/painter/$$b"; done && \
	  cp go.sum bin/patched/go.sum && { cat go.mod; printf '\nreplace fyne.io/fyne/v2 => ./bin/patched/fyne\n'; } >"$(PATCHED_MOD)"

# build says so before a cold build (Fyne's OpenGL and GLFW C code is not in
# the Go build cache yet), and go build -v names each package as it is
# compiled, so that the minutes of the first build show progress.
COLD_PROBE := github.com/go-gl/glfw/v3.3/glfw
.PHONY: build
build: fyne-patch
	@if [ "$$($(GO) list -modfile="$(PATCHED_MOD)" -trimpath -tags $(TAGS) -f '{{.Stale}}' $(COLD_PROBE) 2>/dev/null)" != false ]; then \
	  echo "First build: Go compiles Fyne and its C parts (OpenGL, GLFW) once; this takes several minutes."; \
	  echo "Later builds take seconds. Packages as they are compiled:"; \
	fi
	$(GO) build -v -modfile="$(PATCHED_MOD)" -trimpath -tags $(TAGS) -ldflags "$(LDFLAGS)" -o $(BIN) ./app

# run starts the desktop app in demo mode: the real window and tray against
# both sandbox servers (in-process) with the Dutch demo administration. It
# needs a display; Linux without one gets told how to run it instead.
.PHONY: run
run: deps build
	@if [ -n "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ] || ! uname -s | grep -qiE 'linux|bsd'; then \
	  ./$(BIN) --demo; \
	else \
	  echo "No display: run it on a desktop, or \`xvfb-run make run\`, or \`$(BIN) sandbox\` for the servers alone."; \
	fi

.PHONY: lint
lint: deps-go
	@unformatted="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))"; \
	  if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) mod verify
	$(GO) vet ./...
	$(STATICCHECK) ./...
	@$(MAKE) --no-print-directory commit-subjects

# commit-subjects refuses commit subjects over 72 characters (the detail goes
# in the body), counted from the commit after SUBJECTS_SINCE, the last one
# before the rule; a tree without git history has nothing to check.
SUBJECTS_SINCE := b448fde
.PHONY: commit-subjects
commit-subjects:
	@if git rev-parse -q --verify "$(SUBJECTS_SINCE)^{commit}" >/dev/null 2>&1; then \
	  long="$$(git log --format='%h %s' "$(SUBJECTS_SINCE)..HEAD" | awk '{ s = $$0; sub(/^[^ ]+ /, "", s); if (length(s) > 72) print }')"; \
	  if [ -n "$$long" ]; then echo "Commit subjects over 72 characters (put the detail in the body):"; echo "$$long"; exit 1; fi; \
	else echo "commit-subjects: no git history here, nothing to check"; fi

# test-short is the loop while editing: the fast tests of every package
# (go test -short), without the race detector, the Fyne patch or a D-Bus
# session. The end-to-end tests that need the real binary, Xvfb, the
# keychain or minutes (fault and crash matrices, soak) skip themselves under
# -short; make test runs everything and stays the gate.
.PHONY: test-short
test-short:
	env -u DBUS_SESSION_BUS_ADDRESS $(GO) test -short -count=1 -tags $(TEST_TAGS) ./...

# test runs the linters and every test, with the race detector. On Linux the
# tests run inside their own D-Bus session with an unlocked gnome-keyring, so
# that the keychain tests use the real Secret Service (and fail, not skip, when
# it is missing: KOPPELING_TEST_KEYCHAIN=1). The test keyring lives in a
# temporary XDG_DATA_HOME, never in the developer's own keyring.
# GOFLAGS carries the patched Fyne into the binaries the tests build themselves.
GOTEST := GOFLAGS=-modfile=$(PATCHED_MOD) $(GO) test -race -count=1 -timeout 30m -tags $(TEST_TAGS) ./...
# CROSS_CHECKS follow the Linux tests: the macOS build of every package
# without cgo and its tests (darwin-vet), the Windows unit tests under Wine
# (windows-unit; both in windows.mk), and the Windows installer and exe run
# under Wine (windows-smoke, packaging/windows/smoke.mk). They need Debian or
# Ubuntu, where Wine comes from apt; elsewhere make test says it skipped them
# (the release workflow runs the Windows and macOS builds on real machines).
# Then the smoke runs once more with an installer broken on purpose, and
# passes only when the smoke fails on it.
CROSS_CHECKS := darwin-vet windows-unit windows-smoke
.PHONY: test
test: deps lint fyne-patch
	@if command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1; then \
	  keyrings="$$(mktemp -d)"; trap 'rm -rf "$$keyrings"' EXIT; \
	  XDG_DATA_HOME="$$keyrings" dbus-run-session -- sh -c 'printf koppeling-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && \
	    KOPPELING_TEST_KEYCHAIN=1 $(GOTEST)' 2> >(grep -v "Failed to set fd limit" >&2); \
	else \
	  $(GOTEST); \
	fi
	@if command -v dpkg-query >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory $(CROSS_CHECKS) && $(MAKE) --no-print-directory windows-smoke SMOKE_BREAK=runvalue; \
	else \
	  echo "make test: $(CROSS_CHECKS) need Debian or Ubuntu (Wine from apt): skipped on this system."; \
	fi

# reliability runs the long budgets of RELIABILITY.md: every fuzz target for
# FUZZTIME each (new interesting inputs stay in the Go build cache; failures
# are written to testdata/fuzz and must be fixed and committed), then the
# soak, fault matrix and crash matrices once more without the race detector.
FUZZTIME ?= 60s
FUZZ_TARGETS := \
	./internal/decimal:FuzzParse \
	./internal/store:FuzzSetSetting \
	./internal/eboekhouden:FuzzDecodeAnswer ./internal/eboekhouden:FuzzParseFault ./internal/eboekhouden:FuzzParseValues \
	./internal/outsmart:FuzzParseEnvelope ./internal/outsmart:FuzzDecodeMasterData \
	./internal/outsmart:FuzzDecodeWorkOrders ./internal/outsmart:FuzzScalars \
	./internal/eboekhouden/rest:FuzzParseErrorBody ./internal/eboekhouden/rest:FuzzParseProduct \
	./internal/eboekhouden/rest:FuzzParseRelation ./internal/eboekhouden/rest:FuzzDecodePage \
	./internal/eboekhouden/rest:FuzzRetryAfter ./internal/eboekhouden/rest:FuzzParseInvoiceSummary \
	./internal/eboekhouden/rest:FuzzParseLedger ./internal/eboekhouden/rest:FuzzParseCostCentre
.PHONY: reliability
reliability: deps
	@for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; name=$${t##*:}; \
	  echo "== fuzz $$name ($$pkg) for $(FUZZTIME)"; \
	  $(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) "$$pkg" || exit 1; \
	done
	$(GO) test -count=1 -v -tags $(TEST_TAGS) -run 'Soak|FaultMatrix|CrashAtEveryExportStep|LostAnswers' ./internal/engine/ | grep -E '^(---|ok|FAIL)|soak:|fault matrix:'
	$(GO) test -count=1 -tags $(TEST_TAGS) -run 'CrashMatrix' ./app/
	$(GO) test -count=1 -v -run 'KillDuringWrites' ./internal/store/ | grep -E 'killed|^(ok|FAIL)'

.PHONY: clean
clean:
	rm -rf bin
include packaging/packaging.mk

include windows.mk

# memory measures the desktop app's resident memory next to a minimal Fyne
# app under Xvfb (packaging/memory/measure.sh; BENCHMARKS.md). A measurement,
# not a test: make test does not run it.
.PHONY: memory
memory: fyne-patch
	packaging/memory/measure.sh
