package structure

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// Limits of a production function before it needs a reason on the
// allow-list: a reader should see a function whole, and follow its paths.
const (
	maxLines    = 80
	maxBranches = 20
)

// allowedLarge are the production functions that may stay over the limits,
// each with the reason. An entry that no longer goes over fails the test,
// so the list only shrinks with the code.
var allowedLarge = map[string]string{
	"internal/eboekhouden.(*xparser).startTag": "the zero-allocation XML reader's start-tag state machine: " +
		"one pass over the tag's bytes, kept whole for its speed (BENCHMARKS.md, decoding)",
	"internal/sandbox/demodata.(*Dataset).Validate": "the demo dataset's validator: a flat list of independent " +
		"checks, one per rule, read top to bottom",
	"internal/sandbox/eboekhouden.parseSchema": "the WSDL reader of the strict sandbox: one step per part of " +
		"the WSDL (types, messages, port type, binding), each refusing what it does not understand",
	"internal/sandbox/eboekhouden.parseXML": "the strict sandbox's XML tokenizer loop: one switch over the " +
		"token kinds, with the checks a real ASMX service makes",
}

// generated matches the line that marks a generated file (go help generate).
var generated = regexp.MustCompile(`(?m)^// Code generated .* DO NOT EDIT\.$`)

// funcSize is one function's size.
type funcSize struct {
	name            string // "internal/engine.(*exporter).exportOne"
	where           string // file:line
	lines, branches int
}

// TestFunctionSize lists the production functions over maxLines lines or
// maxBranches branches that are not on the allow-list, and the allow-list
// entries that no longer need to be there.
func TestFunctionSize(t *testing.T) {
	root := repoRoot(t)
	sizes := functionSizes(t, root)
	over := map[string]bool{}
	for _, f := range sizes {
		if f.lines <= maxLines && f.branches <= maxBranches {
			continue
		}
		over[f.name] = true
		if _, ok := allowedLarge[f.name]; !ok {
			t.Errorf("%s (%s): %d lines, %d branches; limits %d and %d: split it, or give the reason in allowedLarge",
				f.name, f.where, f.lines, f.branches, maxLines, maxBranches)
		}
	}
	for name := range allowedLarge {
		if !over[name] {
			t.Errorf("%s is on the allow-list but is within the limits (or gone): remove it from allowedLarge", name)
		}
	}
}

// TestFunctionSizeCounts checks the counting on a function of known size.
func TestFunctionSizeCounts(t *testing.T) {
	src := `package p

func f(xs []int, ok bool) int {
	n := 0
	for _, x := range xs {
		if x > 0 && ok || x < -5 {
			n++
		}
	}
	switch n {
	case 1, 2:
		n--
	default:
	}
	g := func() {
		if n > 9 {
			n = 9
		}
	}
	g()
	return n
}
`
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	sizes := fileFunctionSizes(fset, file, "p")
	if len(sizes) != 1 {
		t.Fatalf("got %d functions, want 1", len(sizes))
	}
	// range, if, &&, ||, case 1, 2, the closure's if: 6 branches; the
	// default case is not a branch of its own.
	if got := sizes[0]; got.name != "p.f" || got.lines != 20 || got.branches != 6 {
		t.Errorf("got %+v, want p.f with 20 lines and 6 branches", got)
	}
}

// functionSizes measures every function of the module's production files
// (not tests, not generated files).
func functionSizes(t *testing.T, root string) []funcSize {
	t.Helper()
	var out []funcSize
	for _, dir := range packageDirs(t, root) {
		files, err := filepath.Glob(filepath.Join(root, filepath.FromSlash(dir), "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if generated.Match(src) {
				continue
			}
			fset := token.NewFileSet()
			file, err := parser.ParseFile(fset, path, src, 0)
			if err != nil {
				t.Fatalf("parse %s: %v", path, err)
			}
			rel, _ := filepath.Rel(root, path)
			for _, f := range fileFunctionSizes(fset, file, dir) {
				f.where = filepath.ToSlash(rel) + f.where
				out = append(out, f)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// fileFunctionSizes measures the functions and methods declared in one file
// of the package in folder pkg. Lines run from the func keyword to the
// closing brace; branches count if, for, range, each non-default case of a
// switch or select, && and || (the decisions of cyclomatic complexity),
// closures included.
func fileFunctionSizes(fset *token.FileSet, file *ast.File, pkg string) []funcSize {
	var out []funcSize
	for _, decl := range file.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		start, end := fset.Position(fn.Pos()), fset.Position(fn.End())
		out = append(out, funcSize{
			name:     pkg + "." + funcName(fn),
			where:    fmt.Sprintf(":%d", start.Line),
			lines:    end.Line - start.Line + 1,
			branches: countBranches(fn.Body),
		})
	}
	return out
}

// funcName is "f" for a function and "(*T).m" or "T.m" for a method.
func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	recv := fn.Recv.List[0].Type
	star := ""
	if s, ok := recv.(*ast.StarExpr); ok {
		recv, star = s.X, "*"
	}
	switch r := recv.(type) {
	case *ast.IndexExpr: // generic receiver T[K]
		recv = r.X
	case *ast.IndexListExpr:
		recv = r.X
	}
	name := fmt.Sprint(recv)
	if id, ok := recv.(*ast.Ident); ok {
		name = id.Name
	}
	if star != "" {
		return "(*" + name + ")." + fn.Name.Name
	}
	return name + "." + fn.Name.Name
}

// countBranches counts the decisions in a function body.
func countBranches(body *ast.BlockStmt) int {
	n := 0
	ast.Inspect(body, func(node ast.Node) bool {
		switch x := node.(type) {
		case *ast.IfStmt, *ast.ForStmt, *ast.RangeStmt:
			n++
		case *ast.CaseClause:
			if x.List != nil {
				n++
			}
		case *ast.CommClause:
			if x.Comm != nil {
				n++
			}
		case *ast.BinaryExpr:
			if x.Op == token.LAND || x.Op == token.LOR {
				n++
			}
		}
		return true
	})
	return n
}
