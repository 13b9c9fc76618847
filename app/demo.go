package main

import (
	"strings"

	"github.com/koppeling/koppeling/internal/demo"
)

// demoDataDir is KOPPELING_DATA_DIR when set, else <user config dir>/Koppeling-demo.
func (e env) demoDataDir() (string, error) {
	if d := strings.TrimSpace(e.getenv(envDataDir)); d != "" {
		return d, nil
	}
	return demo.DefaultDir()
}
