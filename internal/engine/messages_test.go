package engine

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/koppeling/koppeling/internal/message"
)

// TestEveryLogLineIsACatalogueMessage: the engine's log lines are typed
// message.Text (so no call can pass a ready string), and every key the
// engine names, as a key or as an "@key" argument, is in the catalogue with
// both languages. Only the attention list's fallback for work orders parked
// before the catalogue existed uses the untranslated message.KeyText.
func TestEveryLogLineIsACatalogueMessage(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	keys, rawText := 0, 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checkKey := func(lit *ast.BasicLit, what string) {
			if lit == nil || lit.Kind != token.STRING {
				return
			}
			k, _ := strconv.Unquote(lit.Value)
			k = strings.TrimPrefix(k, "@")
			keys++
			if !message.Has(k) {
				t.Errorf("%s: %s %q is not in the message catalogue", fset.Position(lit.Pos()), what, k)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				switch fn := n.Fun.(type) {
				case *ast.SelectorExpr:
					if id, ok := fn.X.(*ast.Ident); ok && id.Name == "message" && fn.Sel.Name == "T" && len(n.Args) > 0 {
						checkKey(asLit(n.Args[0]), "key")
						if sel, ok := n.Args[0].(*ast.SelectorExpr); ok && sel.Sel.Name == "KeyText" {
							rawText++
						}
					}
				case *ast.Ident:
					if (fn.Name == "newPark" || fn.Name == "park") && len(n.Args) >= 2 {
						checkKey(asLit(n.Args[0]), "reason")
						checkKey(asLit(n.Args[1]), "fix")
					}
				}
			case *ast.KeyValueExpr:
				if id, ok := n.Key.(*ast.Ident); ok && (id.Name == "Key" || strings.HasSuffix(id.Name, "Key")) {
					checkKey(asLit(n.Value), id.Name)
				}
			case *ast.BasicLit:
				if n.Kind == token.STRING {
					if v, _ := strconv.Unquote(n.Value); len(v) > 1 && strings.HasPrefix(v, "@") && !strings.Contains(v, " ") {
						checkKey(n, "argument")
					}
				}
			}
			return true
		})
	}
	if keys < 60 {
		t.Errorf("found only %d message keys in the engine; the check is not seeing its calls", keys)
	}
	if rawText > 1 {
		t.Errorf("%d uses of message.KeyText (untranslated text); only the fallback for old journal entries may use it", rawText)
	}
}

func asLit(e ast.Expr) *ast.BasicLit {
	lit, _ := e.(*ast.BasicLit)
	return lit
}
