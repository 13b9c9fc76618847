# Packaging: the installer for Windows, the .app and .dmg for macOS and the
# tarball for Linux. Included at the end of the Makefile, whose variables it
# reuses (GO, GOPATH, VERSION, COMMIT, LDFLAGS, APT_PACKAGES and the deps-system
# target). Not part of `make test`: a first build takes minutes.
#
#   make package-windows   dist/Koppeling-VERSION-windows-amd64-setup.exe (cross-built on Debian)
#   make package-linux     dist/koppeling-VERSION-linux-ARCH.tar.gz
#   make package-darwin    dist/Koppeling-VERSION-macos.dmg (on a Mac)
#   make package-test      builds the Windows and Linux packages (signed with a throwaway test
#                          certificate) and the macOS bundle step, then checks them (packaging/)
#   make package-test-darwin  checks the bundle package-darwin made (on a Mac)
#   make windows-smoke     installs and runs the Windows package under Wine (packaging/windows/smoke.mk)
#   make package-icons     regenerates assets/icons/ from assets/icon.png
#   make package-clean     removes dist/
#
# Metadata comes from FyneApp.toml (name, app ID, version, build number). The
# package version is the release tag when the build is exactly at one
# (v1.2.3 -> 1.2.3), else FyneApp.toml's Version; `koppeling version` shows
# git describe, commit and build date either way (LDFLAGS).
#
# Windows signing (optional): SIGN_PFX [SIGN_PFX_PASSWORD], or SIGN_CERT and
# SIGN_KEY [SIGN_KEY_PASSWORD]; SIGN_TIMESTAMP_URL adds an RFC 3161 timestamp.
# macOS signing (optional): MAC_SIGN_IDENTITY, else ad-hoc.
# Release builds may set OUTSMART_SOFTWARE_TOKEN (-X main.softwareToken).

PKG_DIST  ?= dist
PKG_STAGE := dist/_stage
PKG_TEST_DIST := dist/package-test

# FyneApp.toml values: pkg_toml KEY prints the value of KEY (quoted or not).
pkg_toml = $(shell sed -n 's/^[[:space:]]*$(1)[[:space:]]*=[[:space:]]*"\{0,1\}\([^"]*\)"\{0,1\}[[:space:]]*$$/\1/p' FyneApp.toml | head -n 1)
APP_NAME    := $(call pkg_toml,Name)
APP_ID      := $(call pkg_toml,ID)
APP_BUILD   ?= $(call pkg_toml,Build)
PKG_TAG_VERSION := $(shell printf '%s' '$(VERSION)' | sed -n 's/^v\{0,1\}\([0-9]\{1,\}\.[0-9]\{1,\}\.[0-9]\{1,\}\)$$/\1/p')
PKG_VERSION ?= $(or $(PKG_TAG_VERSION),$(call pkg_toml,Version))
APP_BUILD   := $(APP_BUILD)
PKG_VERSION := $(PKG_VERSION)
PKG_VERSION_FULL := $(PKG_VERSION).$(APP_BUILD)
# The build date LDFLAGS carries (DATE is re-evaluated at every use).
PKG_DATE    := $(patsubst main.date=%,%,$(filter main.date=%,$(LDFLAGS)))
PKG_DAY     := $(shell printf '%s' '$(PKG_DATE)' | cut -c1-10)

# Go flags of every package build: the Makefile's LDFLAGS and build tags, no
# local paths, no symbol tables.
PKG_TAGS    ?= $(strip $(TAGS))
PKG_GOFLAGS := -modfile='$(PATCHED_MOD)' -trimpath $(if $(PKG_TAGS),-tags '$(PKG_TAGS)')
PKG_LDFLAGS := $(LDFLAGS) -s -w$(if $(OUTSMART_SOFTWARE_TOKEN), -X main.softwareToken=$(OUTSMART_SOFTWARE_TOKEN))
# pkg_build_note EXTRA-LDFLAGS,OUTPUT prints the build command without the
# software token; the build itself runs silently.
pkg_build_note = @echo "go build $(PKG_GOFLAGS) -ldflags '$(LDFLAGS) -s -w$(1)$(if $(OUTSMART_SOFTWARE_TOKEN), -X main.softwareToken=***)' -o $(2)"

# Arguments of the autostart entry the Windows installer writes: the app's
# --tray starts it in the tray without the window. Keep equal to what the app
# passes to internal/autostart.Enable.
AUTOSTART_ARGS ?= --tray

export SIGN_PFX SIGN_PFX_PASSWORD SIGN_CERT SIGN_KEY SIGN_KEY_PASSWORD SIGN_TIMESTAMP_URL MAC_SIGN_IDENTITY
PKG_SIGN := $(if $(or $(SIGN_PFX),$(and $(SIGN_CERT),$(SIGN_KEY))),yes)

.PHONY: package-help
package-help:
	@sed -n '/^#   make package-/,/^#$$/p' packaging/packaging.mk | sed 's/^#//'

pkg_comma := ,

# PKG_MAKE runs a sub-make with these targets, also before the Makefile
# includes this file (make -f Makefile -f packaging/packaging.mk ...).
PKG_MAKE = $(MAKE) --no-print-directory $(if $(shell grep -qx 'include packaging/packaging.mk' Makefile && echo yes),,-f Makefile -f packaging/packaging.mk)

# pkg_apt installs Debian packages that are missing, through the Makefile's
# deps-system target (a no-op elsewhere).
pkg_apt = @$(MAKE) --no-print-directory deps-system APT_PACKAGES="$(1)"

# ---------------------------------------------------------------- Windows

WIN_CC      ?= x86_64-w64-mingw32-gcc
WINDRES     ?= x86_64-w64-mingw32-windres
MAKENSIS    ?= makensis
WIN_DIR     := $(PKG_DIST)/windows
WIN_EXE     := $(WIN_DIR)/Koppeling.exe
WIN_SETUP   := $(PKG_DIST)/Koppeling-$(PKG_VERSION)-windows-amd64-setup.exe
WIN_STAGE   := $(PKG_STAGE)/windows
# The main package is built from a copy of app/ that also holds the compiled
# resources (.syso: icon, manifest, version information), because Go links
# only the .syso files of the package's own folder and app/ stays untouched.
# The leading underscore of dist/_stage keeps the copy out of ./... (go vet,
# go test).
WIN_MAIN    := $(WIN_STAGE)/koppeling
WIN_APT     := gcc-mingw-w64-x86-64 nsis $(if $(PKG_SIGN),osslsigncode)

# win_nsis OUTFILE[,EXTRA-DEFINES] runs makensis: the installer around
# WIN_EXE. windows-smoke (packaging/windows/smoke.mk) also builds a
# deliberately broken one with it.
win_nsis = $(MAKENSIS) -V2 -WX \
	  -DEXE="$(abspath $(WIN_EXE))" -DICON="$(abspath assets/icons/koppeling.ico)" -DOUTFILE="$(abspath $(1))" \
	  -DVERSION="$(PKG_VERSION)" -DVERSION_FULL="$(PKG_VERSION_FULL)" -DPRODUCT_VERSION="$(VERSION)" \
	  -DAUTOSTART_ARGS="$(AUTOSTART_ARGS)" $(if $(PKG_SIGN),-DSIGN_SCRIPT="$(abspath packaging/windows/sign.sh)") $(2) \
	  packaging/windows/installer.nsi

.PHONY: package-windows
package-windows: fyne-patch
	$(call pkg_apt,$(WIN_APT))
	rm -rf "$(WIN_STAGE)" "$(WIN_DIR)"
	mkdir -p "$(WIN_MAIN)" "$(WIN_DIR)"
	for f in app/*.go; do case "$$f" in *_test.go) ;; *) cp "$$f" "$(WIN_MAIN)/" ;; esac; done
	sed 's/@VERSION@/$(PKG_VERSION_FULL)/' packaging/windows/koppeling.exe.manifest.in >"$(WIN_STAGE)/koppeling.exe.manifest"
	printf '#define KOPPELING_VERSION_NUM %s\n#define KOPPELING_VERSION_STR "%s"\n#define KOPPELING_PRODUCT_STR "%s"\n#define KOPPELING_MANIFEST "koppeling.exe.manifest"\n' \
	  "$(subst .,$(pkg_comma),$(PKG_VERSION_FULL))" "$(PKG_VERSION_FULL)" "$(VERSION)" >"$(WIN_STAGE)/koppeling-version.h"
	$(WINDRES) -O coff --include-dir "$(WIN_STAGE)" --include-dir assets/icons \
	  -i packaging/windows/koppeling.rc -o "$(WIN_MAIN)/rsrc_windows_amd64.syso"
	$(call pkg_build_note, -H windowsgui,$(WIN_EXE))
	@CGO_ENABLED=1 CC="$(WIN_CC)" GOOS=windows GOARCH=amd64 \
	  $(GO) build $(PKG_GOFLAGS) -ldflags '$(PKG_LDFLAGS) -H windowsgui' -o "$(WIN_EXE)" "./$(WIN_MAIN)"
	$(if $(PKG_SIGN),packaging/windows/sign.sh "$(WIN_EXE)")
	$(call win_nsis,$(WIN_SETUP))
	rm -rf "$(WIN_STAGE)"
	rmdir "$(PKG_STAGE)" 2>/dev/null || true
	@ls -l "$(WIN_EXE)" "$(WIN_SETUP)"

# package-testcert makes a throwaway self-signed code-signing certificate, to
# prove the signing step; Windows will not trust it.
TESTCERT_DIR := $(PKG_TEST_DIST)/testcert
TESTCERT_PASSWORD := koppeling-test
.PHONY: package-testcert
package-testcert:
	$(call pkg_apt,openssl osslsigncode)
	rm -rf "$(TESTCERT_DIR)" && mkdir -p "$(TESTCERT_DIR)"
	openssl req -x509 -newkey rsa:3072 -sha256 -days 7 -nodes -subj "/CN=Koppeling test signing/O=Koppeling (test)" \
	  -addext "keyUsage=critical,digitalSignature" -addext "extendedKeyUsage=codeSigning" \
	  -keyout "$(TESTCERT_DIR)/key.pem" -out "$(TESTCERT_DIR)/cert.pem" 2>/dev/null
	openssl pkcs12 -export -inkey "$(TESTCERT_DIR)/key.pem" -in "$(TESTCERT_DIR)/cert.pem" \
	  -out "$(TESTCERT_DIR)/test.pfx" -passout "pass:$(TESTCERT_PASSWORD)"

# ---------------------------------------------------------------- Linux

LINUX_ARCH  := $(shell $(GO) env GOARCH)
LINUX_NAME  := koppeling-$(PKG_VERSION)-linux-$(LINUX_ARCH)
LINUX_DIR   := $(PKG_DIST)/linux/$(LINUX_NAME)
LINUX_TAR   := $(PKG_DIST)/$(LINUX_NAME).tar.gz
LINUX_APT   := $(APT_PACKAGES) appstream desktop-file-utils
ICON_SIZES  := 48 64 128 256 512

.PHONY: package-linux
package-linux: fyne-patch
	$(call pkg_apt,$(LINUX_APT))
	rm -rf "$(PKG_DIST)/linux" "$(LINUX_TAR)"
	mkdir -p "$(LINUX_DIR)/share/applications" "$(LINUX_DIR)/share/metainfo"
	$(call pkg_build_note,,$(LINUX_DIR)/koppeling)
	@CGO_ENABLED=1 $(GO) build $(PKG_GOFLAGS) -ldflags '$(PKG_LDFLAGS)' -o "$(LINUX_DIR)/koppeling" ./app
	install -m 0755 packaging/linux/install.sh "$(LINUX_DIR)/install.sh"
	install -m 0644 packaging/linux/koppeling.desktop "$(LINUX_DIR)/share/applications/$(APP_ID).desktop"
	sed -e 's/@VERSION@/$(PKG_VERSION)/' -e 's/@DATE@/$(PKG_DAY)/' packaging/linux/koppeling.metainfo.xml.in \
	  >"$(LINUX_DIR)/share/metainfo/$(APP_ID).metainfo.xml"
	for n in $(ICON_SIZES); do \
	  install -D -m 0644 "assets/icons/koppeling-$$n.png" "$(LINUX_DIR)/share/icons/hicolor/$${n}x$$n/apps/$(APP_ID).png"; \
	done
	desktop-file-validate "$(LINUX_DIR)/share/applications/$(APP_ID).desktop"
	appstreamcli validate --no-net "$(LINUX_DIR)/share/metainfo/$(APP_ID).metainfo.xml"
	tar -C "$(PKG_DIST)/linux" --sort=name --owner=0 --group=0 --numeric-owner --mtime='$(PKG_DATE)' \
	  -czf "$(LINUX_TAR)" "$(LINUX_NAME)"
	@ls -l "$(LINUX_TAR)"

# ---------------------------------------------------------------- macOS

FYNE         := $(GOPATH)/bin/fyne
FYNE_VERSION := v1.7.4
DARWIN_DIR   := $(PKG_DIST)/darwin
DARWIN_APP   := $(DARWIN_DIR)/$(APP_NAME).app
DARWIN_DMG   := $(PKG_DIST)/$(APP_NAME)-$(PKG_VERSION)-macos.dmg
DARWIN_ARCHS ?= arm64 amd64
# The executable the bundle wraps; package-darwin builds it (universal).
DARWIN_EXE   ?= $(DARWIN_DIR)/bin/koppeling

.PHONY: package-darwin
package-darwin: fyne-patch
	@[ "$$(uname -s)" = Darwin ] || { echo "package-darwin runs on macOS (it needs Apple's clang for cgo, lipo and hdiutil)."; \
	  echo "On Linux, 'make package-test' checks the bundle step with a stand-in executable."; exit 1; }
	rm -rf "$(DARWIN_DIR)" "$(DARWIN_DMG)"
	mkdir -p "$(DARWIN_DIR)/bin"
	@for arch in $(DARWIN_ARCHS); do \
	  echo "GOARCH=$$arch go build $(PKG_GOFLAGS) -ldflags '$(LDFLAGS) -s -w$(if $(OUTSMART_SOFTWARE_TOKEN), -X main.softwareToken=***)' -o $(DARWIN_DIR)/bin/koppeling-$$arch"; \
	  CGO_ENABLED=1 GOOS=darwin GOARCH=$$arch $(GO) build $(PKG_GOFLAGS) -ldflags '$(PKG_LDFLAGS)' \
	    -o "$(DARWIN_DIR)/bin/koppeling-$$arch" ./app || exit 1; \
	done
	lipo -create -output "$(DARWIN_EXE)" $(foreach a,$(DARWIN_ARCHS),"$(DARWIN_DIR)/bin/koppeling-$(a)")
	@$(PKG_MAKE) package-darwin-app
	rm -rf "$(DARWIN_DIR)/dmg" && mkdir -p "$(DARWIN_DIR)/dmg"
	ditto "$(DARWIN_APP)" "$(DARWIN_DIR)/dmg/$(APP_NAME).app"
	ln -s /Applications "$(DARWIN_DIR)/dmg/Applications"
	hdiutil create -volname "$(APP_NAME)" -srcfolder "$(DARWIN_DIR)/dmg" -ov -format UDZO "$(DARWIN_DMG)"
	$(if $(MAC_SIGN_IDENTITY),codesign --sign "$(MAC_SIGN_IDENTITY)" --timestamp "$(DARWIN_DMG)")
	@ls -l "$(DARWIN_DMG)"

# package-darwin-app wraps DARWIN_EXE into $(APP_NAME).app with `fyne
# package`, then finishes it (tray-only Info.plist, icon, signature on a
# Mac). fyne reads FyneApp.toml from the folder of the main package and
# rebuilds without our flags when it builds itself, so the metadata of the
# top-level FyneApp.toml go in as flags, the executable is built already, and
# --src names app/ only to satisfy fyne's check for Go code (nothing is
# written there).
.PHONY: package-darwin-app
package-darwin-app: pkg-fyne
	rm -rf "$(DARWIN_APP)"
	mkdir -p "$(DARWIN_DIR)"
	cd "$(DARWIN_DIR)" && "$(FYNE)" package -os darwin --src "$(CURDIR)/app" --exe "$(abspath $(DARWIN_EXE))" \
	  --name "$(APP_NAME)" --app-id "$(APP_ID)" --app-version "$(PKG_VERSION)" --app-build "$(APP_BUILD)" \
	  --icon "$(CURDIR)/assets/icon.png"
	packaging/darwin/finish-app.sh "$(DARWIN_APP)" assets/icons/koppeling.icns

# pkg-fyne installs the pinned fyne tool (its Info.plist template is what
# finish-app.sh edits) when it is missing or another version.
.PHONY: pkg-fyne
pkg-fyne:
	@"$(FYNE)" version 2>/dev/null | grep "cli version: $(FYNE_VERSION)$$" >/dev/null || \
	  { echo "Installing fyne $(FYNE_VERSION)"; $(GO) install fyne.io/tools/cmd/fyne@$(FYNE_VERSION); }

# ---------------------------------------------------------------- checks

# What the checks expect of the packages built by this make.
PKG_TEST_ENV = KOPPELING_PKG_VERSION="$(PKG_VERSION)" KOPPELING_PKG_VERSION_FULL="$(PKG_VERSION_FULL)" \
  KOPPELING_PKG_BUILD_VERSION="$(VERSION)" KOPPELING_PKG_COMMIT="$(COMMIT)" KOPPELING_PKG_DATE="$(PKG_DATE)" \
  KOPPELING_PKG_TAGS="$(PKG_TAGS)"
# The sub-makes build with the same version, commit and date as this one.
PKG_SAME_BUILD = VERSION="$(VERSION)" COMMIT="$(COMMIT)" DATE="$(PKG_DATE)"

# package-test builds the packages into dist/package-test (the Windows files
# signed with a throwaway certificate, the macOS bundle around the Linux
# binary as a stand-in) and runs the tests of packaging/ on them.
.PHONY: package-test
package-test: package-testcert
	$(call pkg_apt,p7zip-full)
	@$(PKG_MAKE) package-windows package-linux PKG_DIST="$(PKG_TEST_DIST)" $(PKG_SAME_BUILD) \
	  SIGN_PFX="$(abspath $(TESTCERT_DIR)/test.pfx)" SIGN_PFX_PASSWORD="$(TESTCERT_PASSWORD)" SIGN_CERT= SIGN_KEY=
	@$(PKG_MAKE) package-darwin-app PKG_DIST="$(PKG_TEST_DIST)" $(PKG_SAME_BUILD) \
	  DARWIN_EXE="$(PKG_TEST_DIST)/linux/$(LINUX_NAME)/koppeling"
	KOPPELING_PKG_WINDOWS_EXE="$(abspath $(PKG_TEST_DIST)/windows/Koppeling.exe)" \
	KOPPELING_PKG_WINDOWS_SETUP="$(abspath $(PKG_TEST_DIST)/Koppeling-$(PKG_VERSION)-windows-amd64-setup.exe)" \
	KOPPELING_PKG_LINUX_TAR="$(abspath $(PKG_TEST_DIST)/$(LINUX_NAME).tar.gz)" \
	KOPPELING_PKG_DARWIN_APP="$(abspath $(PKG_TEST_DIST)/darwin/$(APP_NAME).app)" \
	KOPPELING_PKG_SIGN_CA="$(abspath $(TESTCERT_DIR)/cert.pem)" \
	$(PKG_TEST_ENV) \
	  $(GO) test -count=1 -v ./packaging/

# package-test-darwin checks the bundle package-darwin made (on the Mac).
.PHONY: package-test-darwin
package-test-darwin:
	KOPPELING_PKG_DARWIN_APP="$(abspath $(DARWIN_APP))" $(PKG_TEST_ENV) \
	  $(GO) test -count=1 -v -run 'TestDarwinBundle' ./packaging/

.PHONY: package-icons
package-icons:
	$(call pkg_apt,imagemagick)
	packaging/icons.sh

.PHONY: package-clean
package-clean:
	rm -rf dist

include packaging/windows/smoke.mk
