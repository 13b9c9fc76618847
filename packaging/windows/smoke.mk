# windows-smoke: the Windows package, installed and run under Wine on this
# Debian machine (packaging/windows/smoke.sh says what it checks and what it
# cannot). Included from packaging/packaging.mk, whose variables it reuses.
#
#   make windows-smoke                     package-windows (cached), then the smoke in a fresh Wine prefix
#   make windows-smoke SMOKE_BREAK=runvalue  the same with an installer that writes a wrong Run value
#                                          name: passes only when the smoke fails on it
#
# KOPPELING_ARTIFACTS (default dist/test-artifacts, git-ignored) receives the
# screenshot of the window and the logs of the run.

KOPPELING_ARTIFACTS ?= $(CURDIR)/$(PKG_DIST)/test-artifacts
SMOKE_BREAK ?=
# wine for the exe, mingw for the ProcessPrng DLL, Xvfb/x11-utils/ImageMagick
# for the window, jq and curl for the sandbox's inspection API.
WIN_SMOKE_APT := wine wine64 gcc-mingw-w64-x86-64 nsis xvfb x11-utils imagemagick jq curl
SMOKE_BROKEN_SETUP := $(PKG_DIST)/smoke-broken/Koppeling-$(PKG_VERSION)-windows-amd64-setup.exe
SMOKE_BROKEN_RUN_VALUE := KoppelingKapot
SMOKE_RUN = KOPPELING_ARTIFACTS="$(KOPPELING_ARTIFACTS)$(if $(SMOKE_BREAK),/smoke-break-$(SMOKE_BREAK))" SMOKE_VERSION="$(VERSION)" SMOKE_COMMIT="$(COMMIT)" \
	packaging/windows/smoke.sh

.PHONY: windows-smoke
windows-smoke: build package-windows
	$(call pkg_apt,$(WIN_SMOKE_APT))
ifeq ($(SMOKE_BREAK),)
	$(SMOKE_RUN) "$(abspath $(WIN_SETUP))" "$(abspath $(BIN))"
else ifeq ($(SMOKE_BREAK),runvalue)
	mkdir -p "$(dir $(SMOKE_BROKEN_SETUP))"
	$(call win_nsis,$(SMOKE_BROKEN_SETUP),-DSMOKE_BREAK_RUN_VALUE=$(SMOKE_BROKEN_RUN_VALUE))
	@log="$(dir $(SMOKE_BROKEN_SETUP))smoke.log"; \
	  if $(SMOKE_RUN) "$(abspath $(SMOKE_BROKEN_SETUP))" "$(abspath $(BIN))" >"$$log" 2>&1; then \
	    cat "$$log"; echo "FAIL: the smoke passed an installer that writes the Run value $(SMOKE_BROKEN_RUN_VALUE)"; exit 1; \
	  fi; \
	  cat "$$log"; \
	  grep -q '^FAIL: .*Run value' "$$log" || { echo "FAIL: the smoke failed, but not on the Run value"; exit 1; }; \
	  echo "ok: the smoke rejects an installer with a wrong Run value name"
else
	@echo "SMOKE_BREAK=$(SMOKE_BREAK): unknown; the one known is runvalue" >&2; exit 2
endif
