; Koppeling's Windows installer: a per-user install without administrator
; rights. Built by `make package-windows` (packaging/packaging.mk) with NSIS 3,
; which passes:
;   -DEXE=...            the built Koppeling.exe
;   -DICON=...           assets/icons/koppeling.ico
;   -DOUTFILE=...        the installer to write
;   -DVERSION=0.1.0      the version shown in Apps & features
;   -DVERSION_FULL=...   four numbers, e.g. 0.1.0.1, for the version resource
;   -DPRODUCT_VERSION=   the build's own version (git describe), e.g. v0.1.0
;   -DAUTOSTART_ARGS=    arguments of the "start with Windows" entry (may be empty)
;   -DSIGN_SCRIPT=...    only when signing: packaging/windows/sign.sh
;   -DSMOKE_BREAK_RUN_VALUE=...  only `make windows-smoke SMOKE_BREAK=runvalue`:
;                        a deliberately wrong Run value name, to prove that
;                        the Wine smoke test (packaging/windows/smoke.sh)
;                        catches a broken installer; never in a release
;
; What it does:
;   - installs Koppeling.exe and Uninstall.exe into
;     %LOCALAPPDATA%\Programs\Koppeling (the per-user Program Files);
;   - creates a Start-menu shortcut carrying the AppUserModelID
;     nl.koppeling.desktop, without which Windows shows none of the app's
;     notifications (see SetAppUserModelID below);
;   - "Start automatisch bij inloggen": the value Koppeling under
;     HKCU\Software\Microsoft\Windows\CurrentVersion\Run, the same value the
;     app's own setting writes (internal/autostart); ticked by default, and
;     silently (/S) switched off with /NOAUTOSTART;
;   - registers the uninstaller under
;     HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Koppeling.
; The uninstaller removes the program, the shortcuts and the autostart entry,
; and keeps the user's data (%APPDATA%\Koppeling, the saved credentials) unless
; the user ticks the box that removes them too (or passes /PURGE with /S).

Unicode true
Target amd64-unicode
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma

!include MUI2.nsh
!include LogicLib.nsh
!include FileFunc.nsh
!include Sections.nsh
!include Win\COM.nsh
!include Win\Propkey.nsh

!macro Require name
  !ifndef ${name}
    !error "${name} is not defined: build with make package-windows"
  !endif
!macroend
!insertmacro Require EXE
!insertmacro Require ICON
!insertmacro Require OUTFILE
!insertmacro Require VERSION
!insertmacro Require VERSION_FULL
!insertmacro Require PRODUCT_VERSION
!define /ifndef AUTOSTART_ARGS ""

; Names shared with the Go code; packaging_test.go checks that they agree.
!define APP_NAME "Koppeling"
!define APP_ID "nl.koppeling.desktop"          ; FyneApp.toml's ID, the AppUserModelID
!define EXE_NAME "Koppeling.exe"
!define RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"  ; autostart.RunKey
!define RUN_VALUE "Koppeling"                                      ; autostart.RunValueName
!ifdef SMOKE_BREAK_RUN_VALUE
  !define /redef RUN_VALUE "${SMOKE_BREAK_RUN_VALUE}"  ; see the header: a test of the smoke test only
!endif
!define APPROVED_KEY "Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Koppeling"
!define CREDENTIAL_TARGET "nl.koppeling.desktop:credentials"      ; secrets.Service:secrets.Account in Credential Manager
!define CRED_TYPE_GENERIC 1
!define DATA_DIR "$APPDATA\Koppeling"             ; store.DefaultDir on Windows
!define FYNE_DATA_DIR "$APPDATA\fyne\nl.koppeling.desktop"   ; Fyne's own preferences of the app
!define SHORTCUT "$SMPROGRAMS\Koppeling.lnk"
!define DESKTOP_SHORTCUT "$DESKTOP\Koppeling.lnk"

!ifdef SIGN_SCRIPT
  ; Sign the installer and the uninstaller once they are written; a failed
  ; signature fails the build.
  !finalize '"${SIGN_SCRIPT}" "%1"' = 0
  !uninstfinalize '"${SIGN_SCRIPT}" "%1"' = 0
!endif

Name "${APP_NAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "${APP_NAME} ${PRODUCT_VERSION}"
ShowInstDetails nevershow
ShowUninstDetails nevershow

VIProductVersion "${VERSION_FULL}"
VIFileVersion "${VERSION_FULL}"
VIAddVersionKey /LANG=0 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=0 "CompanyName" "${APP_NAME}"
VIAddVersionKey /LANG=0 "FileDescription" "${APP_NAME} installer"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION_FULL}"
VIAddVersionKey /LANG=0 "ProductVersion" "${PRODUCT_VERSION}"
VIAddVersionKey /LANG=0 "LegalCopyright" "Copyright (c) ${APP_NAME}"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE_NAME}"
!define MUI_FINISHPAGE_RUN_TEXT "$(RunNow)"

!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

; Dutch first: it is the default when Windows speaks neither language.
!insertmacro MUI_LANGUAGE "Dutch"
!insertmacro MUI_LANGUAGE "English"

LangString SecProgram ${LANG_DUTCH} "Koppeling"
LangString SecProgram ${LANG_ENGLISH} "Koppeling"
LangString SecAutostart ${LANG_DUTCH} "Start automatisch bij inloggen"
LangString SecAutostart ${LANG_ENGLISH} "Start automatically when I sign in"
LangString SecDesktop ${LANG_DUTCH} "Snelkoppeling op het bureaublad"
LangString SecDesktop ${LANG_ENGLISH} "Desktop shortcut"
LangString SecPurge ${LANG_DUTCH} "Ook mijn instellingen, logboek en opgeslagen inloggegevens verwijderen"
LangString SecPurge ${LANG_ENGLISH} "Also remove my settings, log and saved credentials"
LangString RunNow ${LANG_DUTCH} "Koppeling nu starten"
LangString RunNow ${LANG_ENGLISH} "Start Koppeling now"
LangString NoNotifications ${LANG_DUTCH} "De snelkoppeling kreeg geen AppUserModelID; Windows toont dan geen meldingen van Koppeling."
LangString NoNotifications ${LANG_ENGLISH} "The shortcut did not get an AppUserModelID; Windows will not show Koppeling's notifications."

; ---------------------------------------------------------------- helpers

; StopKoppeling ends a running Koppeling of this user, so that its files can
; be replaced or removed: first politely, then, for a tray app without a
; window to close, by force. The sync engine is built to survive being
; stopped at any moment (its export journal is on disk before each invoice).
!macro StopKoppeling un
Function ${un}StopKoppeling
  Push $0
  nsExec::Exec '"$SYSDIR\taskkill.exe" /IM "${EXE_NAME}"'
  Pop $0
  ${If} $0 <> 128 ; 128: no such process
    Sleep 2000
    nsExec::Exec '"$SYSDIR\taskkill.exe" /F /IM "${EXE_NAME}"'
    Pop $0
    Sleep 500
  ${EndIf}
  Pop $0
FunctionEnd
!macroend
!insertmacro StopKoppeling ""
!insertmacro StopKoppeling "un."

; SetAppUserModelID sets System.AppUserModel.ID = ${APP_ID} on the shortcut
; whose path is on the stack, and pushes 0 on success or an HRESULT.
;
; Windows shows a desktop app's toast notifications only when a Start-menu
; shortcut carries the AppUserModelID the app sends them under (Fyne uses the
; app ID). NSIS's CreateShortCut cannot set it and Debian's NSIS has no
; ApplicationID or WinShell plug-in, so this uses NSIS's own COM helpers
; (Win\COM.nsh, Win\Propkey.nsh) and the System plug-in: load the .lnk through
; IShellLinkW/IPersistFile, set the property through IPropertyStore (a
; VT_LPWSTR PROPVARIANT whose string SHStrDupW allocates and PropVariantClear
; frees), commit, and save the .lnk.
Function SetAppUserModelID
  Exch $0 ; the .lnk
  Push $1 ; IShellLinkW
  Push $2 ; IPersistFile
  Push $3 ; IPropertyStore
  Push $4 ; PROPERTYKEY
  Push $5 ; PROPVARIANT
  Push $6 ; string, then results
  Push $7 ; result
  StrCpy $7 -1
  !insertmacro ComHlpr_CreateInProcInstance ${CLSID_ShellLink} ${IID_IShellLink} r1 ".r7"
  ${If} $1 P<> 0
    ${IUnknown::QueryInterface} $1 '("${IID_IPersistFile}",.r2).r7'
    ${If} $2 P<> 0
      ${IPersistFile::Load} $2 '("$0",${STGM_READWRITE}).r7'
      ${If} $7 = 0
        ${IUnknown::QueryInterface} $1 '("${IID_IPropertyStore}",.r3).r7'
        ${If} $3 P<> 0
          System::Call 'SHLWAPI::SHStrDupW(w "${APP_ID}", *p .r6)i.r7'
          ${If} $7 = 0
            System::Call '*${SYSSTRUCT_PROPERTYKEY}(${PKEY_AppUserModel_ID})p.r4'
            System::Call '*${SYSSTRUCT_PROPVARIANT}(${VT_LPWSTR},,p r6)p.r5'
            ${IPropertyStore::SetValue} $3 '($4,$5).r7'
            ${If} $7 = 0
              ${IPropertyStore::Commit} $3 '().r7'
            ${EndIf}
            System::Call 'OLE32::PropVariantClear(p r5)'
            System::Free $5
            System::Free $4
          ${EndIf}
          ${IUnknown::Release} $3 ""
        ${EndIf}
        ${If} $7 = 0
          ${IPersistFile::Save} $2 '("$0",1).r7'
        ${EndIf}
      ${EndIf}
      ${IUnknown::Release} $2 ""
    ${EndIf}
    ${IUnknown::Release} $1 ""
  ${EndIf}
  StrCpy $0 $7
  Pop $7
  Pop $6
  Pop $5
  Pop $4
  Pop $3
  Pop $2
  Pop $1
  Exch $0
FunctionEnd

!macro CreateAppShortcut lnk
  CreateShortCut "${lnk}" "$INSTDIR\${EXE_NAME}" "" "$INSTDIR\${EXE_NAME}" 0
  Push "${lnk}"
  Call SetAppUserModelID
  Pop $0
  ${If} $0 != 0
    DetailPrint "$(NoNotifications) ($0)"
  ${EndIf}
!macroend

; ---------------------------------------------------------------- install

Section "$(SecProgram)" SEC_PROGRAM
  SectionIn RO
  Call StopKoppeling
  SetOutPath "$INSTDIR"
  File "/oname=${EXE_NAME}" "${EXE}"
  WriteUninstaller "$INSTDIR\Uninstall.exe"

  !insertmacro CreateAppShortcut "${SHORTCUT}"

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${EXE_NAME},0"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "URLInfoAbout" "https://github.com/koppeling/koppeling"
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" $0
SectionEnd

Section "$(SecAutostart)" SEC_AUTOSTART
  !if "${AUTOSTART_ARGS}" == ""
    WriteRegStr HKCU "${RUN_KEY}" "${RUN_VALUE}" '"$INSTDIR\${EXE_NAME}"'
  !else
    WriteRegStr HKCU "${RUN_KEY}" "${RUN_VALUE}" '"$INSTDIR\${EXE_NAME}" ${AUTOSTART_ARGS}'
  !endif
SectionEnd

Section /o "$(SecDesktop)" SEC_DESKTOP
  !insertmacro CreateAppShortcut "${DESKTOP_SHORTCUT}"
SectionEnd

; The options left unticked undo what an earlier install did.
Section "-Apply unticked options"
  ${IfNot} ${SectionIsSelected} ${SEC_AUTOSTART}
    DeleteRegValue HKCU "${RUN_KEY}" "${RUN_VALUE}"
  ${EndIf}
  ${IfNot} ${SectionIsSelected} ${SEC_DESKTOP}
    Delete "${DESKTOP_SHORTCUT}"
  ${EndIf}
SectionEnd

; An update shows the choices of the install it replaces: autostart ticked
; only when the Run value is there, the desktop shortcut when it exists.
; /NOAUTOSTART unticks autostart (for silent installs: /S /NOAUTOSTART).
Function .onInit
  SetShellVarContext current
  ReadRegStr $0 HKCU "${UNINSTALL_KEY}" "InstallLocation"
  ${If} $0 != ""
    ClearErrors
    ReadRegStr $1 HKCU "${RUN_KEY}" "${RUN_VALUE}"
    ${If} ${Errors}
      !insertmacro UnselectSection ${SEC_AUTOSTART}
    ${EndIf}
    ${If} ${FileExists} "${DESKTOP_SHORTCUT}"
      !insertmacro SelectSection ${SEC_DESKTOP}
    ${EndIf}
  ${EndIf}
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/NOAUTOSTART" $1
  ${IfNot} ${Errors}
    !insertmacro UnselectSection ${SEC_AUTOSTART}
  ${EndIf}
FunctionEnd

; ---------------------------------------------------------------- uninstall

Section "un.$(SecProgram)" UNSEC_PROGRAM
  SectionIn RO
  Call un.StopKoppeling
  DeleteRegValue HKCU "${RUN_KEY}" "${RUN_VALUE}"
  DeleteRegValue HKCU "${APPROVED_KEY}" "${RUN_VALUE}"
  Delete "${SHORTCUT}"
  Delete "${DESKTOP_SHORTCUT}"
  Delete "$INSTDIR\${EXE_NAME}"
  Delete "$INSTDIR\Uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
SectionEnd

; Unticked unless the user ticks it (or passes /PURGE): the data stay.
Section /o "un.$(SecPurge)" UNSEC_PURGE
  RMDir /r "${DATA_DIR}"
  RMDir /r "${FYNE_DATA_DIR}"
  RMDir "$APPDATA\fyne"
  System::Call 'ADVAPI32::CredDeleteW(w "${CREDENTIAL_TARGET}", i ${CRED_TYPE_GENERIC}, i 0)i'
SectionEnd

Function un.onInit
  SetShellVarContext current
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/PURGE" $1
  ${IfNot} ${Errors}
    !insertmacro SelectSection ${UNSEC_PURGE}
  ${EndIf}
FunctionEnd
