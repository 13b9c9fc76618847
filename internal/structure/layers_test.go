package structure

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"
)

// layer gives every package of the module its place: a package may import
// only packages of a lower layer (ARCHITECTURE.md). A new package fails
// TestLayers until it is given a layer here, so that where it sits is a
// decision, not an accident.
var layer = map[string]int{
	// 0: small single-purpose packages that know nothing of Koppeling's
	// domain, and the sandboxes' own building blocks.
	"assets":                            0,
	"internal/autostart":                0,
	"internal/cliinit":                  0,
	"internal/decimal":                  0,
	"internal/eboekhouden/internal/gen": 0, // the wire-record generator (go generate)
	"internal/endpoint":                 0,
	"internal/message":                  0,
	"internal/redact":                   0,
	"internal/retry":                    0,
	"internal/scheduler":                0,
	"internal/scheduler/schedulertest":  0,
	"internal/ui/instance":              0,
	"internal/sandbox/demodata":         0,
	"internal/sandbox/fault":            0,
	"internal/structure":                0,
	"packaging/memory/minimal":          0,
	"packaging/memory/trayhost":         0,

	// 1: the two service clients, the store, the keychain, the sandboxes'
	// inspection.
	"internal/eboekhouden":     1,
	"internal/outsmart":        1,
	"internal/store":           1,
	"internal/secrets":         1,
	"internal/sandbox/inspect": 1,
	// The REST client of e-Boekhouden (issue 17), beside the SOAP one.
	"internal/eboekhouden/rest": 1,
	// The registry of an installation's links (issue 18).
	"internal/links": 1,

	// 2: what a run tells the user (attention items, progress); the two
	// strict fake servers.
	"internal/report":              2,
	"internal/sandbox/eboekhouden": 2,
	"internal/sandbox/ebrest":      2,
	"internal/sandbox/outsmart":    2,
	// The engine's bookkeeping on the REST road (issue 17): the REST client
	// in the SOAP road's types.
	"internal/eboekhouden/restroad": 2,

	// 3: one sync run; both servers together.
	"internal/engine":  3,
	"internal/sandbox": 3,

	// 4: clients built from credentials, a login check, a complete run.
	"internal/services": 4,

	// 5: the UI's Backend made of the real parts; demo mode; the test kit
	// (sandbox, clients, credentials, store).
	"internal/backend": 5,
	"internal/demo":    5,
	"internal/testkit": 5,

	// 6: the screens and the tray.
	"internal/ui": 6,

	// 7: the composition root.
	"app": 7,
}

// forbidden are imports that the layer numbers alone would allow but that
// ARCHITECTURE.md rules out, each with the reason a failure shows.
var forbidden = []struct {
	from, to string // path prefixes below the module ("internal/ui")
	why      string
}{
	{"internal/ui", "internal/engine", "the UI reaches the rest only through its Backend interface (implemented outside ui)"},
	{"internal/ui", "internal/services", "the UI reaches the rest only through its Backend interface (implemented outside ui)"},
	{"internal/ui", "internal/backend", "the UI knows only its Backend interface; the composition root hands it the implementation"},
	{"internal/ui", "internal/eboekhouden", "the UI never talks to a service itself"},
	{"internal/ui", "internal/outsmart", "the UI never talks to a service itself"},
	{"internal/ui", "internal/sandbox", "the UI never starts a sandbox; the composition root does"},
	{"internal/eboekhouden", "internal/sandbox", "a client never knows its sandbox"},
	{"internal/outsmart", "internal/sandbox", "a client never knows its sandbox"},
	{"internal/sandbox", "internal/eboekhouden", "a sandbox imports no client code: it must hold the client to the reference, not to itself"},
	{"internal/sandbox", "internal/outsmart", "a sandbox imports no client code: it must hold the client to the reference, not to itself"},
	{"internal/eboekhouden", "internal/outsmart", "the two clients are independent"},
	{"internal/outsmart", "internal/eboekhouden", "the two clients are independent"},
}

// fyneAllowed are the only packages that may import Fyne: the UI, and the
// minimal Fyne app that the memory measurement compares Koppeling with.
var fyneAllowed = map[string]bool{
	"internal/ui":              true,
	"packaging/memory/minimal": true,
}

// testOnly are packages made for tests: no production code imports them.
var testOnly = map[string]bool{
	"internal/scheduler/schedulertest": true,
	"internal/testkit":                 true,
}

// within reports whether pkg is prefix or a package below it.
func within(pkg, prefix string) bool {
	return pkg == prefix || strings.HasPrefix(pkg, prefix+"/")
}

// TestLayers checks the production imports of every package against the
// layer table and the rules above.
func TestLayers(t *testing.T) {
	imports := productionImports(t, repoRoot(t))
	var problems []string
	for _, dir := range slices.Sorted(maps.Keys(imports)) {
		if _, known := layer[dir]; !known {
			problems = append(problems, fmt.Sprintf("%s has no layer: give it one in internal/structure/layers_test.go", dir))
			continue
		}
		for _, imp := range imports[dir] {
			if why := violation(dir, imp); why != "" {
				problems = append(problems, fmt.Sprintf("%s imports %s: %s", dir, imp, why))
			}
		}
	}
	for pkg := range layer {
		if _, ok := imports[pkg]; !ok {
			problems = append(problems, fmt.Sprintf("%s is in the layer table but has no Go files: remove it", pkg))
		}
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}

// TestLayerRulesCatchAViolation feeds the checks imports that break each
// rule once, so that the rules cannot pass by matching nothing.
func TestLayerRulesCatchAViolation(t *testing.T) {
	cases := []struct{ from, imp string }{
		{"internal/engine", "fyne.io/fyne/v2"},
		{"internal/ui", module + "/internal/engine"},
		{"internal/ui", module + "/internal/backend"},
		{"internal/ui/instance", module + "/internal/services"},
		{"internal/sandbox/eboekhouden", module + "/internal/eboekhouden"},
		{"internal/store", module + "/internal/engine"},
		{"internal/engine", module + "/internal/scheduler/schedulertest"},
	}
	for _, c := range cases {
		if violation(c.from, c.imp) == "" {
			t.Errorf("%s importing %s passes the rules; it must not", c.from, c.imp)
		}
	}
	for _, imp := range []string{module + "/internal/store", "fmt", "github.com/tiaguinho/gosoap"} {
		if why := violation("internal/engine", imp); why != "" {
			t.Errorf("engine importing %s breaks a rule (%s); it must not", imp, why)
		}
	}
}

// violation says which rule one import from the package in folder dir
// breaks, or "" when it breaks none.
func violation(dir, imp string) string {
	if strings.HasPrefix(imp, "fyne.io/") {
		if !fyneAllowed[dir] {
			return "only internal/ui imports Fyne (domain code never does)"
		}
		return ""
	}
	if !strings.HasPrefix(imp, module+"/") {
		return ""
	}
	to := strings.TrimPrefix(imp, module+"/")
	if testOnly[to] {
		return "it is made for tests only"
	}
	for _, f := range forbidden {
		if within(dir, f.from) && within(to, f.to) {
			return f.why
		}
	}
	from, l := layer[dir], layer[to]
	if l >= from {
		return fmt.Sprintf("layer %d imports layer %d: a package imports only lower layers", from, l)
	}
	return ""
}
