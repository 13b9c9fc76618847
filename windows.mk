# Windows and macOS checks that run on Debian (issue 13): the Windows unit
# tests under Wine, and the macOS build of every package and its tests.
# Included from the Makefile; uses its GO, SHELL and deps-system.
#
#   make windows-unit   go test of every package that builds without cgo, for
#                       windows/amd64, each test binary run under Wine
#   make darwin-vet     go vet of the same packages (tests included) for
#                       darwin/amd64 and darwin/arm64
#
# Packages left out: app and internal/ui. They import Fyne, whose OpenGL and
# GLFW drivers (go-gl) are cgo only, so they do not build with CGO_ENABLED=0;
# they are cross-built with mingw by `make package-windows` and run by the
# Windows smoke test and the release workflow. cross_pkgs finds the packages
# with `go list` rather than naming them, so a new package is included, and
# one that starts needing cgo drops out with a note, on its own.

# Debian packages windows-unit needs: Wine (64-bit) to run the test binaries,
# mingw to build the ProcessPrng DLL of newprefix.sh.
WINE_APT := wine wine64 gcc-mingw-w64-x86-64

# WINDOWS_UNIT_FLAGS are extra go test flags of windows-unit, for example
# WINDOWS_UNIT_FLAGS=-short, or -run to pick tests.
WINDOWS_UNIT_FLAGS ?=

# cross_pkgs GOOS GOARCH prints the packages whose code and tests build for
# GOOS/GOARCH with CGO_ENABLED=0, and says on stderr which it leaves out.
# go list -test reports a package's test variants under its name (ForTest);
# a load error in any of them (a cgo-only dependency leaves no Go files)
# leaves the package out.
cross_pkgs = CGO_ENABLED=0 GOOS=$(1) GOARCH=$(2) $(GO) list -e -test \
	  -f '{{with .ForTest}}{{.}}{{else}}{{$$.ImportPath}}{{end}} {{if or .Error .DepsErrors}}x{{end}}' ./... | \
	awk -v target="$(1)/$(2)" '{ sub(/\.test$$/, "", $$1) } \
	  !($$1 in seen) { seen[$$1] = 1; order[++n] = $$1 } \
	  $$2 != "" { bad[$$1] = 1 } \
	  END { for (i = 1; i <= n; i++) if (order[i] in bad) out = out " " order[i]; else print order[i]; \
	    if (out != "") print target ": left out (need cgo):" out > "/dev/stderr" }'

# windows-unit runs through packaging/windows/wine/gotest.sh: one fresh Wine
# prefix per run, every test binary started in it by gotest-exec.sh, the
# prefix's processes ended and the prefix removed at the end (also on
# failure). gotest.sh explains how os.RemoveAll (t.TempDir) is made to work
# under Wine 8 without skipping anything.
.PHONY: windows-unit
windows-unit:
	@$(MAKE) --no-print-directory deps-system APT_PACKAGES="$(WINE_APT)"
	@pkgs="$$($(call cross_pkgs,windows,amd64))"; \
	  GO="$(GO)" packaging/windows/wine/gotest.sh -count=1 $(WINDOWS_UNIT_FLAGS) $$pkgs

# darwin-vet compiles every package that builds without cgo, and its tests,
# for both Mac architectures (go vet type-checks the tests too), so that a
# macOS-only file (internal/autostart's LaunchAgent, the keychain) cannot
# break unseen. The Fyne part is built and run by the release workflow on a
# real Mac.
.PHONY: darwin-vet
darwin-vet:
	@for arch in amd64 arm64; do \
	  pkgs="$$($(call cross_pkgs,darwin,$$arch))"; \
	  echo "go vet darwin/$$arch"; \
	  CGO_ENABLED=0 GOOS=darwin GOARCH=$$arch $(GO) vet $$pkgs || exit 1; \
	done
