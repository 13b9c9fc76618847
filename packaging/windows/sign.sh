#!/usr/bin/env bash
# sign.sh FILE...: Authenticode-signs Windows executables in place with
# osslsigncode (SHA-256). makensis calls it for the installer and the
# uninstaller (!finalize, !uninstfinalize); packaging.mk for Koppeling.exe.
#
# The certificate comes from the environment, one of:
#   SIGN_PFX  [SIGN_PFX_PASSWORD]                 a PKCS#12 file (.pfx/.p12)
#   SIGN_CERT SIGN_KEY [SIGN_KEY_PASSWORD]        certificate (chain) and private key, PEM or DER
# and optionally SIGN_TIMESTAMP_URL, an RFC 3161 time-stamping service (for
# example http://timestamp.digicert.com), so that the signature outlives the
# certificate. Passwords are handed over through a pipe, not the command line.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 FILE..." >&2; exit 2; }
command -v osslsigncode >/dev/null || { echo "sign.sh: osslsigncode is not installed (Debian: apt-get install osslsigncode)" >&2; exit 1; }

args=(-h sha256 -n "Koppeling" -i "https://github.com/koppeling/koppeling")
password=""
if [ -n "${SIGN_PFX:-}" ]; then
  args+=(-pkcs12 "$SIGN_PFX")
  password=${SIGN_PFX_PASSWORD:-}
elif [ -n "${SIGN_CERT:-}" ] && [ -n "${SIGN_KEY:-}" ]; then
  args+=(-certs "$SIGN_CERT" -key "$SIGN_KEY")
  password=${SIGN_KEY_PASSWORD:-}
else
  echo "sign.sh: set SIGN_PFX, or SIGN_CERT and SIGN_KEY" >&2
  exit 2
fi
if [ -n "${SIGN_TIMESTAMP_URL:-}" ]; then
  args+=(-ts "$SIGN_TIMESTAMP_URL")
fi

for file in "$@"; do
  signed="$file.signed"
  rm -f "$signed"
  if [ -n "$password" ]; then
    osslsigncode sign "${args[@]}" -readpass <(printf '%s' "$password") -in "$file" -out "$signed" >/dev/null
  else
    osslsigncode sign "${args[@]}" -in "$file" -out "$signed" >/dev/null
  fi
  mv -f "$signed" "$file"
  echo "signed $file"
done
