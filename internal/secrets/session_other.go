//go:build !((dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd)

package secrets

// sessionAvailable: macOS' Keychain and Windows' Credential Manager need no
// session bus.
func sessionAvailable() error { return nil }

// isUnixKeychain: the keychain is not the Secret Service.
func isUnixKeychain() bool { return false }
